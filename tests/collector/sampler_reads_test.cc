// What a collection leaves unread, and that skipping it never shows a wrong
// figure: PSI files when the view shows no pressure; memory.swap.current on a
// host without swap once it read 0 (and read as usual on a host with swap);
// v1 throttling and failcnt while no quota / limit is set.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collector/sampler.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using testing::TempTree;

constexpr const char* kWeb = "3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d";

std::string WebDir() { return std::string("sys/fs/cgroup/system.slice/docker-") + kWeb + ".scope"; }

std::string MemInfo(uint64_t swap_kb) {
  return "MemTotal:       24683620 kB\nMemAvailable:   22925408 kB\nSwapTotal:       " +
         std::to_string(swap_kb) + " kB\n";
}

TEST(SamplerReadsTest, PressureOffLeavesPsiUnreadAndAbsent) {
  TempTree t("v2-docker-systemd");
  SamplerOptions options{t.path(), false, true};
  options.pressure = false;
  Sampler sampler(options);
  SnapshotPtr s = sampler.Collect();
  const ContainerStats* web = s->Find(kWeb);
  ASSERT_NE(web, nullptr);
  EXPECT_FALSE(web->cpu_pressure.some);
  EXPECT_FALSE(web->memory_pressure.some);
  EXPECT_FALSE(web->io_pressure.some);
  EXPECT_TRUE(web->cpu.usage_ns);
  EXPECT_EQ(t.OpenFdsUnder(WebDir() + "/cpu.pressure"), 0);
  EXPECT_EQ(t.OpenFdsUnder(WebDir() + "/memory.pressure"), 0);
  EXPECT_EQ(t.OpenFdsUnder(WebDir() + "/io.pressure"), 0);

  Sampler with_psi(SamplerOptions{t.path(), false, true});
  EXPECT_TRUE(with_psi.Collect()->Find(kWeb)->cpu_pressure.some);
}

TEST(SamplerReadsTest, NoSwapOnTheHostMeansSwapUsageZeroWithoutRereading) {
  TempTree t("v2-docker-systemd");
  t.Write("proc/meminfo", MemInfo(0));
  t.Write(WebDir() + "/memory.swap.current", "0\n");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_bytes, 0u);
  // Not read again: a change cannot happen without swap, so not even a
  // malformed file is noticed.
  t.Write(WebDir() + "/memory.swap.current", "garbage\n");
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->Find(kWeb)->memory.swap_bytes, 0u);
  EXPECT_EQ(s->errors.count("cgroup"), 0u);
}

TEST(SamplerReadsTest, SwapOnTheHostIsReadEveryTime) {
  TempTree t("v2-docker-systemd");
  t.Write("proc/meminfo", MemInfo(2097152));
  t.Write(WebDir() + "/memory.swap.current", "0\n");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  ASSERT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_bytes, 0u);
  t.Write(WebDir() + "/memory.swap.current", "4096\n");
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_bytes, 4096u);
}

TEST(SamplerReadsTest, NonZeroSwapUsageIsReadEvenWhenTheHostReportsNoSwap) {
  TempTree t("v2-docker-systemd");  // its meminfo: SwapTotal 0; the container: 1 MiB swapped
  Sampler sampler(SamplerOptions{t.path(), false, true});
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_bytes, 1048576u);
  t.Write(WebDir() + "/memory.swap.current", "2097152\n");
  EXPECT_EQ(sampler.Collect()->Find(kWeb)->memory.swap_bytes, 2097152u);
}

TEST(SamplerReadsTest, ProcessesAreReadWhenAsked) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_THAT(sampler.Collect()->Find(kWeb)->pids, ::testing::ElementsAre(4123, 4150));
  t.Write(WebDir() + "/cgroup.procs", "4150\n4200\n");
  EXPECT_TRUE(sampler.Collect()->Find(kWeb)->pids.empty());  // not re-read by Collect
  EXPECT_THAT(sampler.Processes(kWeb), ::testing::ElementsAre(4150, 4200));
  EXPECT_TRUE(sampler.Processes("no-such-container").empty());
}

}  // namespace
}  // namespace berth::collector

namespace berth::collector {
namespace {

constexpr const char* kV1Limited = "2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a";
constexpr const char* kV1Unlimited = "4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c";

void BumpThrottlingAndFailcnt(const TempTree& t) {
  for (const char* id : {kV1Limited, kV1Unlimited}) {
    t.Write(std::string("sys/fs/cgroup/cpu,cpuacct/docker/") + id + "/cpu.stat",
            "nr_periods 5000\nnr_throttled 99\nthrottled_time 5\n");
    t.Write(std::string("sys/fs/cgroup/memory/docker/") + id + "/memory.failcnt", "77\n");
  }
}

TEST(SamplerReadsTest, V1ThrottlingAndFailcntOfAnUnlimitedContainerWaitForTheLimits) {
  TempTree t("v1-docker");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  SnapshotPtr first = sampler.Collect();
  ASSERT_EQ(first->Find(kV1Unlimited)->cpu.nr_periods, 0u);
  ASSERT_EQ(first->Find(kV1Limited)->cpu.nr_periods, 1200u);
  BumpThrottlingAndFailcnt(t);
  SnapshotPtr second = sampler.Collect();
  // Quota and memory limit set: read every time.
  EXPECT_EQ(second->Find(kV1Limited)->cpu.nr_periods, 5000u);
  EXPECT_EQ(second->Find(kV1Limited)->memory.failcnt, 77u);
  // Neither: the kernel cannot change them (the test can): last values kept.
  EXPECT_EQ(second->Find(kV1Unlimited)->cpu.nr_periods, 0u);
  EXPECT_EQ(second->Find(kV1Unlimited)->memory.failcnt, 0u);
}

TEST(SamplerReadsTest, V1ThrottlingAndFailcntAreReadWithTheLimits) {
  TempTree t("v1-docker");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::milliseconds(0)});
  sampler.Collect();
  BumpThrottlingAndFailcnt(t);
  SnapshotPtr second = sampler.Collect();
  EXPECT_EQ(second->Find(kV1Unlimited)->cpu.nr_periods, 5000u);
  EXPECT_EQ(second->Find(kV1Unlimited)->memory.failcnt, 77u);
}

}  // namespace
}  // namespace berth::collector
