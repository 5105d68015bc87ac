// Sampler behaviour beyond the figures: limit refresh, --all-cgroups,
// metadata providers (names, start time, stopped containers), error totals.
#include "collector/sampler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using testing::TempTree;

constexpr const char* kWeb = "3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d";
constexpr const char* kHostNet = "9a8b7c6d5e4f30211f2e3d4c5b6a79881726354453627180a9b8c7d6e5f40312";

std::string WebDir() { return std::string("sys/fs/cgroup/system.slice/docker-") + kWeb + ".scope"; }

SamplerOptions Options(const TempTree& t, std::chrono::milliseconds refresh) {
  SamplerOptions o;
  o.rootfs = t.path();
  o.limits_refresh = refresh;
  return o;
}

TEST(SamplerTest, LimitsWrittenShowInTheNextCollection) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(Options(t, std::chrono::hours(1)));  // no timed re-read in the test
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.limit_bytes, 268435456u);
  t.Write(WebDir() + "/memory.max", "536870912\n");
  t.Write(WebDir() + "/pids.max", "max\n");
  t.Write(WebDir() + "/memory.current", "1000\n");
  SnapshotPtr s = sampler.Collect();
  const ContainerStats* web = s->Find(kWeb);
  EXPECT_EQ(web->memory.limit_bytes, 536870912u);  // the watch saw the write
  EXPECT_EQ(web->pids_max, kUnlimited);
  EXPECT_EQ(web->memory.usage_bytes, 1000u);
}

// memory.swap.high is declared once, as a limit file (kOnWrite): read at the
// first collection, again only when written, and absent on a kernel without it.
TEST(SamplerTest, SwapHighIsALimitFileReadOnWrite) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(Options(t, std::chrono::hours(1)));
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_high_bytes, 268435456u);
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_high_bytes, 268435456u);
  t.WriteUnnoticed(WebDir() + "/memory.swap.high", "134217728\n");
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_high_bytes, 268435456u);  // not re-read
  t.Write(WebDir() + "/memory.swap.high", "max\n");
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_high_bytes, kUnlimited);  // the watch saw it

  TempTree old_kernel("v2-docker-systemd");
  old_kernel.Remove(WebDir() + "/memory.swap.high");
  Sampler without(Options(old_kernel, std::chrono::hours(1)));
  SnapshotPtr s = without.Collect();
  EXPECT_FALSE(s->Find(kWeb)->memory.swap_high_bytes);
  EXPECT_EQ(s->errors.count("cgroup"), 0u);
}

TEST(SamplerTest, LimitsNoWatchSeesWaitForTheWatchedRefresh) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(Options(t, std::chrono::milliseconds(0)));  // the 10 s re-check every time
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.limit_bytes, 268435456u);
  t.WriteUnnoticed(WebDir() + "/memory.max", "536870912\n");
  // Watched limits are not re-read on the timer of what cannot be watched.
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.limit_bytes, 268435456u);
}

TEST(SamplerTest, ZeroWatchedRefreshReadsLimitsEveryTime) {
  TempTree t("v2-docker-systemd");
  SamplerOptions o = Options(t, std::chrono::hours(1));
  o.watched_refresh = std::chrono::milliseconds(0);
  Sampler sampler(o);
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.limit_bytes, 268435456u);
  t.WriteUnnoticed(WebDir() + "/memory.max", "536870912\n");
  t.WriteUnnoticed(WebDir() + "/cpu.max", "25000 100000\n");
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->Find(kWeb)->memory.limit_bytes, 536870912u);
  EXPECT_EQ(s->Find(kWeb)->cpu_limits.quota_us, 25000u);
}

TEST(SamplerTest, V1LimitsWrittenShowInTheNextCollection) {
  TempTree t("v1-docker");
  const std::string id = "2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a";
  Sampler sampler(Options(t, std::chrono::hours(1)));
  SnapshotPtr first = sampler.Collect();
  ASSERT_EQ(first->Find(id)->memory.limit_bytes, 536870912u);
  ASSERT_EQ(first->Find(id)->cpu_limits.quota_us, 150000u);
  t.Write("sys/fs/cgroup/memory/docker/" + id + "/memory.limit_in_bytes", "1073741824\n");
  t.Write("sys/fs/cgroup/cpu,cpuacct/docker/" + id + "/cpu.cfs_quota_us", "-1\n");
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->Find(id)->memory.limit_bytes, 1073741824u);
  EXPECT_EQ(s->Find(id)->cpu_limits.quota_us, kUnlimited);
}

TEST(SamplerTest, AllCgroupsReportsEveryCgroupByPath) {
  SamplerOptions o;
  o.rootfs = std::string(BERTH_FIXTURES_DIR) + "/v2-docker-systemd";
  o.all_cgroups = true;
  Sampler sampler(o);
  SnapshotPtr s = sampler.Collect();
  std::vector<std::string> ids;
  for (const auto& c : s->containers) ids.push_back(c.identity.id);
  EXPECT_THAT(ids, Contains("/"));
  EXPECT_THAT(ids, Contains("/system.slice/docker.service"));
  EXPECT_THAT(ids, Contains(kWeb));  // containers keep their identity
  const ContainerStats* svc = s->Find("/system.slice/docker.service");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(svc->identity.runtime, Runtime::kCgroup);
  EXPECT_EQ(svc->identity.name, "/system.slice/docker.service");
  EXPECT_THAT(sampler.Processes(svc->identity.id), ElementsAre(880));
  const ContainerStats* root = s->Find("/");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->cpu.usage_ns, 873400000000u);
  // .mount units are still skipped.
  for (const auto& id : ids) EXPECT_EQ(id.find(".mount"), std::string::npos) << id;
}

class FakeProvider : public MetadataProvider {
 public:
  const char* source() const override { return "fake"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override {
    ++calls;
    for (ContainerIdentity* id : identities) {
      if (id->id == kWeb) {
        id->name = "web";
        id->image = "nginx:1.25";
        id->start_time_seconds = 42.0;
      }
    }
    return 2;  // lookup errors
  }
  std::vector<ContainerIdentity> KnownWithoutCgroup(
      const std::vector<std::string>& seen_ids) override {
    seen = seen_ids;
    ContainerIdentity stopped;
    stopped.id = "ffff";
    stopped.name = "exited";
    return {stopped};
  }
  int calls = 0;
  std::vector<std::string> seen;
};

TEST(SamplerTest, ProvidersNameContainersAndTheRestFallBackToShortIds) {
  SamplerOptions o;
  o.rootfs = std::string(BERTH_FIXTURES_DIR) + "/v2-docker-systemd";
  Sampler sampler(o);
  auto provider = std::make_unique<FakeProvider>();
  FakeProvider* fake = provider.get();
  sampler.AddMetadataProvider(std::move(provider));
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(fake->calls, 1);
  EXPECT_EQ(s->Find(kWeb)->identity.name, "web");
  EXPECT_EQ(s->Find(kWeb)->identity.image, "nginx:1.25");
  EXPECT_EQ(s->Find(kWeb)->identity.start_time_seconds, 42.0);  // not overridden by /proc
  EXPECT_EQ(s->Find(kHostNet)->identity.name, "9a8b7c6d5e4f");
  EXPECT_EQ(s->Find("web"), s->Find(kWeb));
  EXPECT_EQ(s->errors.at("fake"), 2u);
  EXPECT_THAT(fake->seen, ElementsAre(kWeb, kHostNet));
  ASSERT_EQ(s->stopped.size(), 1u);
  EXPECT_EQ(s->stopped[0].name, "exited");
  sampler.Collect();
  EXPECT_EQ(sampler.error_totals().at("fake"), 4u);
}

// Reports one stopped container under a given name.
class StoppedProvider : public MetadataProvider {
 public:
  StoppedProvider(std::string id, std::string name, Runtime runtime)
      : id_(std::move(id)), name_(std::move(name)), runtime_(runtime) {}
  const char* source() const override { return "stopped"; }
  int Annotate(std::vector<ContainerIdentity*>&) override { return 0; }
  std::vector<ContainerIdentity> KnownWithoutCgroup(const std::vector<std::string>&) override {
    ContainerIdentity stopped;
    stopped.id = id_;
    stopped.name = name_;
    stopped.runtime = runtime_;
    return {stopped};
  }

 private:
  std::string id_, name_;
  Runtime runtime_;
};

// A Docker socket that is Podman's compatible API and Podman's own socket
// know the same stopped container: it is reported once, as the first says.
TEST(SamplerTest, AStoppedContainerTwoProvidersKnowIsReportedOnce) {
  SamplerOptions o;
  o.rootfs = std::string(BERTH_FIXTURES_DIR) + "/v2-docker-systemd";
  Sampler sampler(o);
  const std::string shared(64, 'e'), own(64, '1');
  sampler.AddMetadataProvider(std::make_unique<StoppedProvider>(shared, "compat", Runtime::kPodman));
  sampler.AddMetadataProvider(std::make_unique<StoppedProvider>(shared, "libpod", Runtime::kPodman));
  sampler.AddMetadataProvider(std::make_unique<StoppedProvider>(own, "other", Runtime::kDocker));
  SnapshotPtr s = sampler.Collect();
  ASSERT_EQ(s->stopped.size(), 2u);
  EXPECT_EQ(s->stopped[0].id, own);
  EXPECT_EQ(s->stopped[1].id, shared);
  EXPECT_EQ(s->stopped[1].name, "compat");
}

TEST(SamplerTest, RootfsIsExposed) {
  SamplerOptions o;
  o.rootfs = "/some/where/";
  Sampler sampler(o);
  EXPECT_EQ(sampler.rootfs().prefix(), "/some/where");
}

TEST(SamplerTest, NoCgroupHierarchyIsAnErrorNotACrash) {
  TempTree t;
  t.Write("proc/stat", "cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nbtime 100\n");
  SamplerOptions o;
  o.rootfs = t.path();
  Sampler sampler(o);
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->host.cgroup_mode, CgroupMode::kUnknown);
  EXPECT_TRUE(s->containers.empty());
  EXPECT_EQ(s->errors.at("cgroup"), 1u);
  EXPECT_EQ(s->host.online_cpus, 1u);
}

}  // namespace
}  // namespace berth::collector
