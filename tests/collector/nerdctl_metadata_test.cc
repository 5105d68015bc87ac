// nerdctl's name store (/var/lib/nerdctl/<hash>/names/<namespace>/<name>
// holding the container id): the entry parser and the provider over a temp
// tree.
#include "collector/runtimes/nerdctl_metadata.h"

#include <gtest/gtest.h>

#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

const std::string kWeb(64, 'a');
const std::string kDb(64, 'b');
const std::string kCtr(64, 'c');

TEST(ParseNerdctlNameEntryTest, Table) {
  struct Case {
    std::string name, ns, entry, content;
    std::optional<NerdctlName> want;
  };
  const Case cases[] = {
      {"default_namespace", "default", "web", kWeb, NerdctlName{kWeb, "web"}},
      {"trailing_newline", "default", "web", kWeb + "\n", NerdctlName{kWeb, "web"}},
      {"other_namespace_prefixed", "buildkit", "db", kDb, NerdctlName{kDb, "buildkit/db"}},
      {"short_id", "default", "web", "abc", std::nullopt},
      {"uppercase_id", "default", "web", std::string(64, 'A'), std::nullopt},
      {"empty_file", "default", "web", "", std::nullopt},
      {"empty_name", "default", "", kWeb, std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseNerdctlNameEntry(c.ns, c.entry, c.content), c.want) << c.name;
  }
}

ContainerIdentity Containerd(const std::string& id) {
  ContainerIdentity identity;
  identity.id = id;
  identity.runtime = Runtime::kContainerd;
  return identity;
}

TEST(NerdctlMetadataTest, NamesFromTheNameStoreShortIdOtherwise) {
  testing::TempTree tree;
  tree.Write("var/lib/nerdctl/1935db59/names/default/web", kWeb);
  tree.Write("var/lib/nerdctl/1935db59/names/default/broken", "not an id");
  tree.Write("var/lib/nerdctl/1935db59/names/other/db", kDb + "\n");
  tree.Write("var/lib/nerdctl/1935db59/containers/default/" + kWeb + "/hostname", "web\n");
  NerdctlOptions options;
  options.rootfs = tree.path();
  NerdctlMetadata provider(options);
  ContainerIdentity web = Containerd(kWeb), db = Containerd(kDb), ctr = Containerd(kCtr);
  ContainerIdentity pod = Containerd(kWeb);
  pod.pod_uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";  // Kubernetes: not nerdctl's
  std::vector<ContainerIdentity*> ids{&web, &db, &ctr, &pod};
  EXPECT_EQ(provider.Annotate(ids), 0);
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(db.name, "other/db");
  EXPECT_TRUE(ctr.name.empty());  // started by ctr: the Sampler shows the short id
  EXPECT_TRUE(pod.name.empty());
  EXPECT_EQ(provider.scans(), 1);
  // The unknown ctr container does not make every sample rescan.
  ContainerIdentity ctr2 = Containerd(kCtr);
  std::vector<ContainerIdentity*> ids2{&ctr2};
  provider.Annotate(ids2);
  EXPECT_EQ(provider.scans(), 1);
}

TEST(NerdctlMetadataTest, NoNerdctlIsSilentAndCheap) {
  testing::TempTree tree;
  NerdctlOptions options;
  options.rootfs = tree.path();
  NerdctlMetadata provider(options);
  ContainerIdentity web = Containerd(kWeb);
  std::vector<ContainerIdentity*> ids{&web};
  EXPECT_EQ(provider.Annotate(ids), 0);
  EXPECT_TRUE(web.name.empty());
  ContainerIdentity docker;
  docker.id = kDb;
  docker.runtime = Runtime::kDocker;
  std::vector<ContainerIdentity*> others{&docker};
  NerdctlMetadata fresh(options);
  fresh.Annotate(others);
  EXPECT_EQ(fresh.scans(), 0);
}

}  // namespace
}  // namespace berth::collector
