// Kubelet log layout: the file/dir name parsers (table-driven) and the
// provider through the Sampler over tests/fixtures/k8s-node-logs (a fake node:
// cgroup paths plus /var/log/pods and /var/log/containers).
#include "collector/runtimes/kubelet_metadata.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "collector/sampler.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

const std::string kHexA(64, 'a');

TEST(ParseContainerLogNameTest, Table) {
  struct Case {
    std::string name;
    std::string input;
    std::optional<ContainerLogName> want;
  };
  const Case cases[] = {
      {"plain", "web-0_shop_nginx-" + kHexA + ".log",
       ContainerLogName{"web-0", "shop", "nginx", kHexA}},
      {"dashes_everywhere", "api-7d9f8c6b5-x2xkq_kube-system_log-shipper-" + kHexA + ".log",
       ContainerLogName{"api-7d9f8c6b5-x2xkq", "kube-system", "log-shipper", kHexA}},
      {"dotted_pod_name", "web.v2-0_a_b-" + kHexA + ".log",
       ContainerLogName{"web.v2-0", "a", "b", kHexA}},
      {"no_log_suffix", "web-0_shop_nginx-" + kHexA, std::nullopt},
      {"rotated_log", "web-0_shop_nginx-" + kHexA + ".log.1", std::nullopt},
      {"short_id", "web-0_shop_nginx-abcdef.log", std::nullopt},
      {"uppercase_id", "web-0_shop_nginx-" + std::string(64, 'A') + ".log", std::nullopt},
      {"no_dash_before_id", "web-0_shop_nginx" + kHexA + ".log", std::nullopt},
      {"two_parts", "web-0_nginx-" + kHexA + ".log", std::nullopt},
      {"four_parts", "a_b_c_d-" + kHexA + ".log", std::nullopt},
      {"empty_part", "web-0__nginx-" + kHexA + ".log", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseContainerLogName(c.input), c.want) << c.name;
  }
}

TEST(ParsePodLogDirNameTest, Table) {
  struct Case {
    std::string name;
    std::string input;
    std::optional<PodLogDir> want;
  };
  const Case cases[] = {
      {"uid_with_dashes", "shop_web-0_0a1b2c3d-4e5f-6789-abcd-ef0123456789",
       PodLogDir{"shop", "web-0", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}},
      {"static_pod_config_hash", "kube-system_etcd-node1_9f86d081884c7d659a2feaa0c55ad015",
       PodLogDir{"kube-system", "etcd-node1", "9f86d081884c7d659a2feaa0c55ad015"}},
      {"uid_too_short", "shop_web-0_0a1b2c3d-4e5f", std::nullopt},
      {"uid_not_hex", "shop_web-0_zzzzzzzz-4e5f-6789-abcd-ef0123456789", std::nullopt},
      {"two_parts", "shop_0a1b2c3d-4e5f-6789-abcd-ef0123456789", std::nullopt},
      {"garbage", "garbage", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParsePodLogDirName(c.input), c.want) << c.name;
  }
}

TEST(NormalisePodUidTest, SystemdEscapedAndDashedCompareEqual) {
  EXPECT_EQ(NormalisePodUid("0A1B2C3D_4e5f_6789_abcd_ef0123456789"),
            NormalisePodUid("0a1b2c3d-4e5f-6789-abcd-ef0123456789"));
  EXPECT_NE(NormalisePodUid("0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
            NormalisePodUid("0a1b2c3d-4e5f-6789-abcd-ef0123456788"));
}

constexpr const char* kPause = "5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e";
constexpr const char* kApi = "a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1";
constexpr const char* kSidecar = "a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2a9f2";
constexpr const char* kDns = "b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2";
constexpr const char* kReport = "e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3";
constexpr const char* kNoLogs = "f00df00df00df00df00df00df00df00df00df00df00df00df00df00df00df00d";

std::unique_ptr<Sampler> KubeletSampler(const std::string& rootfs,
                                        KubeletMetadata** provider = nullptr) {
  SamplerOptions options;
  options.rootfs = rootfs;
  auto sampler = std::make_unique<Sampler>(options);
  KubeletOptions kubelet;
  kubelet.rootfs = rootfs;
  auto owned = std::make_unique<KubeletMetadata>(kubelet);
  if (provider != nullptr) *provider = owned.get();
  sampler->AddMetadataProvider(std::move(owned));
  return sampler;
}

TEST(KubeletMetadataTest, FakeNodeLabelsThroughSampler) {
  auto sampler = KubeletSampler(std::string(BERTH_FIXTURES_DIR) + "/k8s-node-logs");
  SnapshotPtr snap = sampler->Collect();
  struct Want {
    const char* id;
    std::string name, ns, pod, container, qos;
    bool sandbox;
  };
  const Want wants[] = {
      {kApi, "shop/api-7d9f8c6b5-x2xkq/api", "shop", "api-7d9f8c6b5-x2xkq", "api", "guaranteed",
       false},
      {kSidecar, "shop/api-7d9f8c6b5-x2xkq/log-shipper", "shop", "api-7d9f8c6b5-x2xkq",
       "log-shipper", "guaranteed", false},
      {kPause, "shop/api-7d9f8c6b5-x2xkq/POD", "shop", "api-7d9f8c6b5-x2xkq", "POD",
       "guaranteed", true},
      {kDns, "kube-system/coredns-5d78c9869d-8w2rs/coredns", "kube-system",
       "coredns-5d78c9869d-8w2rs", "coredns", "burstable", false},
      {kReport, "jobs/report-28461040-zzq7p/report", "jobs", "report-28461040-zzq7p", "report",
       "besteffort", false},
      // The log directories do not know this pod: by short id, no k8s labels.
      {kNoLogs, ShortId(kNoLogs), "", "", "", "burstable", false},
  };
  ASSERT_EQ(snap->containers.size(), std::size(wants));
  for (const Want& w : wants) {
    const ContainerStats* c = snap->Find(w.id);
    ASSERT_NE(c, nullptr) << w.id;
    const ContainerIdentity& id = c->identity;
    EXPECT_EQ(id.runtime, Runtime::kContainerd) << w.id;
    EXPECT_EQ(id.name, w.name) << w.id;
    EXPECT_EQ(id.k8s_namespace, w.ns) << w.id;
    EXPECT_EQ(id.k8s_pod, w.pod) << w.id;
    EXPECT_EQ(id.k8s_container, w.container) << w.id;
    EXPECT_EQ(id.qos_class, w.qos) << w.id;
    EXPECT_EQ(id.is_sandbox, w.sandbox) << w.id;
    EXPECT_FALSE(id.pod_uid.empty()) << w.id;
  }
}

TEST(KubeletMetadataTest, RelistsOnlyWhenTheDirectoryChanges) {
  testing::TempTree tree("k8s-node-logs");
  // Age the directories so that "changed within a second" does not apply.
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  std::filesystem::last_write_time(tree / "var/log/containers", old);
  std::filesystem::last_write_time(tree / "var/log/pods", old);
  KubeletMetadata* provider = nullptr;
  auto sampler = KubeletSampler(tree.path(), &provider);
  sampler->Collect();
  const int first = provider->listings();
  EXPECT_EQ(first, 2);  // both directories, once
  sampler->Collect();
  sampler->Collect();
  EXPECT_EQ(provider->listings(), first);  // the sandbox does not force re-lists

  // A new container in the known pod: its log link appears, the dir changes.
  const std::string fresh(64, 'c');
  tree.Write("sys/fs/cgroup/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/"
             "cri-containerd-" + fresh + ".scope/cgroup.procs",
             "");
  std::filesystem::create_symlink(
      "/dev/null", tree / ("var/log/containers/api-7d9f8c6b5-x2xkq_shop_debug-" + fresh + ".log"));
  SnapshotPtr snap = sampler->Collect();
  EXPECT_GT(provider->listings(), first);
  const ContainerStats* c = snap->Find(fresh);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->identity.k8s_container, "debug");
  EXPECT_EQ(c->identity.name, "shop/api-7d9f8c6b5-x2xkq/debug");
  EXPECT_FALSE(c->identity.is_sandbox);
}

TEST(KubeletMetadataTest, LabelsStayFixedWhenTheLogLinkGoes) {
  testing::TempTree tree("k8s-node-logs");
  auto sampler = KubeletSampler(tree.path());
  ASSERT_EQ(sampler->Collect()->Find(kApi)->identity.k8s_container, "api");
  // The kubelet removes the link (log rotation, pod teardown): the running
  // container keeps its labels, no series split.
  tree.Remove("var/log/containers/api-7d9f8c6b5-x2xkq_shop_api-" + std::string(kApi) + ".log");
  tree.Remove("var/log/pods");
  SnapshotPtr snap = sampler->Collect();
  EXPECT_EQ(snap->Find(kApi)->identity.k8s_container, "api");
  EXPECT_EQ(snap->Find(kApi)->identity.name, "shop/api-7d9f8c6b5-x2xkq/api");
  EXPECT_FALSE(snap->Find(kApi)->identity.is_sandbox);
}

TEST(KubeletMetadataTest, LateLogLinkUpgradesASandboxVerdict) {
  testing::TempTree tree("k8s-node-logs");
  const std::string link = "var/log/containers/api-7d9f8c6b5-x2xkq_shop_log-shipper-" +
                           std::string(kSidecar) + ".log";
  std::filesystem::remove(tree / link);
  auto sampler = KubeletSampler(tree.path());
  EXPECT_TRUE(sampler->Collect()->Find(kSidecar)->identity.is_sandbox);
  std::filesystem::create_symlink("/dev/null", tree / link);
  std::filesystem::last_write_time(tree / "var/log/containers",
                                   std::filesystem::file_time_type::clock::now());
  SnapshotPtr snap = sampler->Collect();
  EXPECT_FALSE(snap->Find(kSidecar)->identity.is_sandbox);
  EXPECT_EQ(snap->Find(kSidecar)->identity.k8s_container, "log-shipper");
}

TEST(KubeletMetadataTest, NoLogDirectoriesLeavesIdsAndNeverMarksSandboxes) {
  testing::TempTree tree("k8s-node-logs");
  tree.Remove("var/log");
  auto sampler = KubeletSampler(tree.path());
  SnapshotPtr snap = sampler->Collect();
  for (const auto& c : snap->containers) {
    EXPECT_EQ(c.identity.name, ShortId(c.identity.id));
    EXPECT_TRUE(c.identity.k8s_pod.empty());
    EXPECT_FALSE(c.identity.is_sandbox);
  }
}

TEST(KubeletMetadataTest, OtherProvidersNamesAreKept) {
  KubeletOptions options;
  options.rootfs = std::string(BERTH_FIXTURES_DIR) + "/k8s-node-logs";
  KubeletMetadata provider(options);
  ContainerIdentity named;
  named.id = kApi;
  named.pod_uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
  named.name = "from-crio";
  ContainerIdentity outside;  // no pod uid: not Kubernetes, untouched
  outside.id = kDns;
  std::vector<ContainerIdentity*> ids{&named, &outside};
  EXPECT_EQ(provider.Annotate(ids), 0);
  EXPECT_EQ(named.name, "from-crio");
  EXPECT_EQ(named.k8s_pod, "api-7d9f8c6b5-x2xkq");
  EXPECT_TRUE(outside.name.empty());
  EXPECT_TRUE(outside.k8s_pod.empty());
}

}  // namespace
}  // namespace berth::collector
