// Containers and files that vanish: between collections (a container
// directory deleted from a temp copy of a fixture) and during a read (a file
// or the directory disappearing under a reader). Nothing crashes, the
// container is dropped, and its descriptors (net/dev included) are closed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collector/block_device_names.h"
#include "collector/cgroup_v1_reader.h"
#include "collector/cgroup_v2_reader.h"
#include "collector/sampler.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using ::testing::ElementsAre;
using testing::TempTree;

constexpr const char* kWeb = "3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d";
constexpr const char* kHostNet = "9a8b7c6d5e4f30211f2e3d4c5b6a79881726354453627180a9b8c7d6e5f40312";
constexpr const char* kNew = "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd";
constexpr const char* kV1Web = "2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a";

std::string WebDir() { return std::string("sys/fs/cgroup/system.slice/docker-") + kWeb + ".scope"; }

std::vector<std::string> Ids(const Snapshot& s) {
  std::vector<std::string> ids;
  for (const auto& c : s.containers) ids.push_back(c.identity.id);
  return ids;
}

TEST(VanishTest, ContainerDeletedBetweenCollectionsIsDroppedAndItsFdsClosed) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  SnapshotPtr first = sampler.Collect();
  ASSERT_THAT(Ids(*first), ElementsAre(kWeb, kHostNet));
  EXPECT_GE(t.OpenFdsUnder(WebDir()), 9);  // the files read every collection stay open
  EXPECT_EQ(t.OpenFdsUnder("proc/4123/net/dev"), 1);  // and its net/dev
  t.Remove(WebDir());
  SnapshotPtr second = sampler.Collect();
  EXPECT_THAT(Ids(*second), ElementsAre(kHostNet));
  EXPECT_EQ(t.OpenFdsUnder(WebDir()), 0);
  EXPECT_EQ(t.OpenFdsUnder("proc/4123"), 0);  // a kept net/dev would pin the netns
  EXPECT_EQ(second->errors.count("cgroup"), 0u);
}

TEST(VanishTest, ContainerAppearingBetweenCollectionsIsPickedUp) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  ASSERT_EQ(sampler.Collect()->containers.size(), 2u);
  const std::string dir = std::string("sys/fs/cgroup/system.slice/docker-") + kNew + ".scope";
  t.Write(dir + "/memory.current", "4096\n");
  t.Write(dir + "/cgroup.procs", "");
  SnapshotPtr s = sampler.Collect();
  ASSERT_THAT(Ids(*s), ElementsAre(kWeb, kHostNet, kNew));
  EXPECT_EQ(s->Find(kNew)->memory.usage_bytes, 4096u);
}

TEST(VanishTest, WatchedTreeSeesContainersComeAndGoWithoutThePeriodicWalk) {
  TempTree t("v2-docker-systemd");
  // No periodic re-walk within the test: only the directory watches tell.
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_THAT(Ids(*sampler.Collect()), ElementsAre(kWeb, kHostNet));
  ASSERT_THAT(Ids(*sampler.Collect()), ElementsAre(kWeb, kHostNet));
  const std::string dir = std::string("sys/fs/cgroup/system.slice/docker-") + kNew + ".scope";
  t.Write(dir + "/memory.current", "4096\n");
  EXPECT_THAT(Ids(*sampler.Collect()), ElementsAre(kWeb, kHostNet, kNew));
  t.Remove(dir);
  EXPECT_THAT(Ids(*sampler.Collect()), ElementsAre(kWeb, kHostNet));
  // A container in a new slice: the new directories are watched too.
  const std::string nested = std::string("sys/fs/cgroup/machine.slice/docker-") + kNew + ".scope";
  t.Write(nested + "/memory.current", "4096\n");
  EXPECT_THAT(Ids(*sampler.Collect()), ElementsAre(kWeb, kHostNet, kNew));
}

// 4123 exits (it leaves cgroup.procs and /proc); the next collection reads
// the web container's network through 4150.
void ExpectNetworkFromTheNextProcessAfterTheFirstExits(const TempTree& t, Sampler& sampler) {
  t.Write(WebDir() + "/cgroup.procs", "4150\n");
  t.Remove("proc/4123");
  SnapshotPtr second = sampler.Collect();
  const ContainerStats* web = second->Find(kWeb);
  ASSERT_NE(web, nullptr);
  EXPECT_THAT(sampler.Processes(kWeb), ElementsAre(4150));
  EXPECT_EQ(web->network_mode, NetworkMode::kOwn);
  ASSERT_EQ(web->net_interfaces.size(), 2u);
  EXPECT_EQ(web->net_interfaces[0].rx_bytes, 1500000u);
}

TEST(VanishTest, ProcessExitReResolvesTheNetworkPidWhenTheListIsChecked) {
  TempTree t("v2-docker-systemd");
  // limits_refresh 0: the process list is re-checked on every collection.
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::milliseconds(0)});
  SnapshotPtr first = sampler.Collect();
  EXPECT_EQ(t.OpenFdsUnder("proc/4123/net/dev"), 1);
  ExpectNetworkFromTheNextProcessAfterTheFirstExits(t, sampler);
  EXPECT_EQ(t.OpenFdsUnder("proc/4123"), 0);
  EXPECT_EQ(t.OpenFdsUnder("proc/4150/net/dev"), 1);
}

TEST(VanishTest, BetweenListChecksTheKeptNetDevIsReadWithoutTheList) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  SnapshotPtr first = sampler.Collect();
  ASSERT_NE(first->Find(kWeb), nullptr);
  ASSERT_THAT(sampler.Processes(kWeb), ElementsAre(4123, 4150));
  // The list is not read again: an unreadable cgroup.procs goes unnoticed,
  // and the kept net/dev (a namespace outlives the process that opened it)
  // still gives the figures.
  t.Write(WebDir() + "/cgroup.procs", "garbage\n");
  SnapshotPtr second = sampler.Collect();
  const ContainerStats* web = second->Find(kWeb);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->network_mode, NetworkMode::kOwn);
  ASSERT_EQ(web->net_interfaces.size(), 2u);
  EXPECT_EQ(second->errors.count("cgroup"), 0u);
  EXPECT_EQ(t.OpenFdsUnder("proc/4123/net/dev"), 1);
}

TEST(VanishTest, NetDevThatStopsOpeningReadsTheListInTheSameCollection) {
  TempTree t("v2-docker-systemd");
  // Open-per-read: net/dev of the exited process no longer opens.
  Sampler sampler(SamplerOptions{t.path(), false, false, std::chrono::hours(1)});
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->network_mode, NetworkMode::kOwn);
  ExpectNetworkFromTheNextProcessAfterTheFirstExits(t, sampler);
}

TEST(VanishTest, MemoryEventsChangeIsSeenByTheNextCollection) {
  // memory.events is re-read only when inotify reports it modified.
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.events.oom_kill, 1u);
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.events.oom_kill, 1u);
  t.Write(WebDir() + "/memory.events", "low 0\nhigh 0\nmax 9\noom 3\noom_kill 3\n");
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->Find(kWeb)->memory.events.oom_kill, 3u);
  EXPECT_EQ(s->Find(kWeb)->memory.events.max, 9u);
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.events.oom_kill, 3u);
}

TEST(VanishTest, ProcessGoneFromProcButListedFallsBackToTheNext) {
  TempTree t("v2-docker-systemd");
  t.Remove("proc/4123");  // listed in cgroup.procs, but already gone from /proc
  Sampler sampler(SamplerOptions{t.path(), false, true});
  SnapshotPtr s = sampler.Collect();
  const ContainerStats* web = s->Find(kWeb);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->network_mode, NetworkMode::kOwn);
  EXPECT_EQ(web->net_interfaces.size(), 2u);
}

struct ReaderEnv {
  ReaderEnv() : budget(100), reader(&budget, true), devices(rootfs) {}
  RootFs rootfs{"/nonexistent"};
  FdBudget budget;
  FileReader reader;
  ErrorCounts errors;
  BlockDeviceNames devices;
  ReadContext ctx{reader, errors, devices, 100};
  std::vector<int> pids;
};

TEST(VanishTest, FileVanishingBeforeItsFirstReadLeavesTheFieldAbsent) {
  TempTree t("v2-docker-systemd");
  ReaderEnv env;
  CgroupV2Reader r(t / WebDir());
  t.Remove(WebDir() + "/memory.stat");
  t.Remove(WebDir() + "/memory.current");
  ContainerStats c;
  ASSERT_TRUE(r.Read(env.ctx, c, env.pids));
  EXPECT_FALSE(c.memory.usage_bytes.has_value());
  EXPECT_FALSE(c.memory.stat.anon.has_value());
  EXPECT_EQ(c.memory.limit_bytes, 268435456u);  // the rest is read
  EXPECT_TRUE(env.errors.empty());              // missing is not an error
}

TEST(VanishTest, DirectoryVanishingUnderTheV2ReaderMeansGone) {
  TempTree t("v2-docker-systemd");
  ReaderEnv env;
  CgroupV2Reader r(t / WebDir());
  ContainerStats c;
  ASSERT_TRUE(r.Read(env.ctx, c, env.pids));
  // Files not yet kept open (here: all, after Close) must notice the removal.
  r.Close();
  t.Remove(WebDir());
  ContainerStats again;
  EXPECT_FALSE(r.Read(env.ctx, again, env.pids));
}

TEST(VanishTest, DirectoryVanishingUnderTheV1ReaderMeansGone) {
  TempTree t("v1-docker");
  ReaderEnv env;
  std::array<std::string, kNumV1Controllers> dirs;
  const std::string rel = std::string("/docker/") + kV1Web;
  dirs[static_cast<size_t>(V1Controller::kCpu)] = t / ("sys/fs/cgroup/cpu,cpuacct" + rel);
  dirs[static_cast<size_t>(V1Controller::kCpuacct)] = t / ("sys/fs/cgroup/cpu,cpuacct" + rel);
  dirs[static_cast<size_t>(V1Controller::kMemory)] = t / ("sys/fs/cgroup/memory" + rel);
  CgroupV1Reader r(dirs, "");
  t.Remove("sys/fs/cgroup/memory" + rel);  // gone from one hierarchy first
  ContainerStats c;
  EXPECT_FALSE(r.Read(env.ctx, c, env.pids));
}

TEST(VanishTest, EverythingDeletedNoCrash) {
  TempTree t("hybrid");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  ASSERT_EQ(sampler.Collect()->containers.size(), 2u);
  t.Remove("sys");
  SnapshotPtr s = sampler.Collect();
  EXPECT_TRUE(s->containers.empty());
  EXPECT_EQ(t.OpenFdsUnder("sys"), 0);
}

TEST(VanishTest, HostNetnsFallsBackToSelfWhenInitIsUnreadable) {
  TempTree t("v2-docker-systemd");
  t.Remove("proc/1/ns");
  std::filesystem::create_directories(t / "proc/self/ns");
  std::filesystem::create_symlink("net:[4026531840]", t / "proc/self/ns/net");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  SnapshotPtr s = sampler.Collect();
  ASSERT_NE(s->Find(kHostNet), nullptr);
  EXPECT_EQ(s->Find(kHostNet)->network_mode, NetworkMode::kHost);
  EXPECT_EQ(s->Find(kWeb)->network_mode, NetworkMode::kOwn);
}

TEST(VanishTest, NoHostNetnsAtAllCountsEveryReadableNamespaceAsOwn) {
  TempTree t("v2-docker-systemd");
  t.Remove("proc/1/ns");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->Find(kHostNet)->network_mode, NetworkMode::kOwn);
}

}  // namespace
}  // namespace berth::collector
