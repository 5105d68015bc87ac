// What a collection leaves unread, and that skipping it never shows a wrong
// figure: PSI files when the view shows no pressure; memory.swap.current (v1:
// memsw.usage_in_bytes) on a host without swap once it read 0 (and read as
// usual on a host with swap); v1 throttling and failcnt while no quota / limit
// is set, failcnt while the high-water mark is far below the limit; v1
// oom_control while the host's OOM kill count stands; v1 io_serviced when
// io_service_bytes lists no device.
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

TEST(SamplerReadsTest, KernelReleaseIsReadOnce) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  ASSERT_EQ(sampler.Collect()->host.kernel_release, "6.1.0-28-amd64");
  t.Write("proc/sys/kernel/osrelease", "garbage\nlines\n");  // the kernel cannot change it
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->host.kernel_release, "6.1.0-28-amd64");
  EXPECT_EQ(s->errors.count("proc"), 0u);
}

TEST(SamplerReadsTest, ProcessesAreReadWhenAsked) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_NE(sampler.Collect()->Find(kWeb), nullptr);
  EXPECT_THAT(sampler.Processes(kWeb), ::testing::ElementsAre(4123, 4150));
  t.Write(WebDir() + "/cgroup.procs", "4150\n4200\n");
  sampler.Collect();  // does not re-read the list (Freshness::kProcessList)
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
  // Quota set: read every time (failcnt: next test).
  EXPECT_EQ(second->Find(kV1Limited)->cpu.nr_periods, 5000u);
  // Neither: the kernel cannot change them (the test can): last values kept.
  EXPECT_EQ(second->Find(kV1Unlimited)->cpu.nr_periods, 0u);
  EXPECT_EQ(second->Find(kV1Unlimited)->memory.failcnt, 0u);
}

std::string V1MemDir(const char* id) { return std::string("sys/fs/cgroup/memory/docker/") + id; }

TEST(SamplerReadsTest, V1FailcntIsReadWhenTheHighWaterMarkComesNearTheLimit) {
  // The limited container: limit 512 MiB, max_usage 200 MiB, 2 CPUs; a refusal
  // needs the mark within (2 + 1) x 4 MiB of the limit.
  TempTree t("v1-docker");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_EQ(sampler.Collect()->Find(kV1Limited)->memory.failcnt, 3u);
  constexpr uint64_t kLimit = 536870912, kMargin = 3 * (4u << 20);
  t.Write(V1MemDir(kV1Limited) + "/memory.failcnt", "77\n");
  t.Write(V1MemDir(kV1Limited) + "/memory.max_usage_in_bytes",
          std::to_string(kLimit - kMargin - 1) + "\n");
  SnapshotPtr far = sampler.Collect();
  EXPECT_EQ(far->Find(kV1Limited)->memory.peak_bytes, kLimit - kMargin - 1);
  EXPECT_EQ(far->Find(kV1Limited)->memory.failcnt, 3u);  // the kernel could not have moved it
  t.Write(V1MemDir(kV1Limited) + "/memory.max_usage_in_bytes", std::to_string(kLimit - kMargin) + "\n");
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.failcnt, 77u);
  // Read every time while near, also a second time in a row.
  t.Write(V1MemDir(kV1Limited) + "/memory.failcnt", "78\n");
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.failcnt, 78u);
}

TEST(SamplerReadsTest, V1FailcntIsReadEveryTimeWhenTheCpuCountIsUnknown) {
  TempTree t("v1-docker");
  t.Write("proc/stat", "garbage\n");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_EQ(sampler.Collect()->Find(kV1Limited)->memory.failcnt, 3u);
  t.Write(V1MemDir(kV1Limited) + "/memory.failcnt", "77\n");
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.failcnt, 77u);
}

void WriteVmstatOomKills(const TempTree& t, uint64_t kills) {
  t.Write("proc/vmstat", "nr_free_pages 5012345\noom_kill " + std::to_string(kills) + "\n");
}

void WriteOomControlKills(const TempTree& t, const char* id, uint64_t kills) {
  t.Write(V1MemDir(id) + "/memory.oom_control",
          "oom_kill_disable 0\nunder_oom 0\noom_kill " + std::to_string(kills) + "\n");
}

TEST(SamplerReadsTest, V1OomKillsAreReadWhenTheHostCountMoved) {
  TempTree t("v1-docker");
  WriteVmstatOomKills(t, 40);
  WriteOomControlKills(t, kV1Limited, 2);
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 2u);
  // First collection moved the host count (from unknown): the next reads too.
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 2u);
  // Host count still: not re-read (only the test can change the file now).
  WriteOomControlKills(t, kV1Limited, 9);
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 2u);
  // The kernel counts the host's kill just before the cgroup's: a collection
  // can fall between the two, so the one after reads again.
  WriteVmstatOomKills(t, 41);
  WriteOomControlKills(t, kV1Limited, 2);
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 2u);
  WriteOomControlKills(t, kV1Limited, 3);
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 3u);
  WriteOomControlKills(t, kV1Limited, 4);
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 3u);
}

TEST(SamplerReadsTest, V1OomKillsAreReadEveryTimeWithoutTheHostCount) {
  TempTree t("v1-docker");  // no proc/vmstat, as on a kernel before 4.13
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  sampler.Collect();
  sampler.Collect();
  WriteOomControlKills(t, kV1Limited, 9);
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 9u);
}

TEST(SamplerReadsTest, V1OomKillsAreReadWithTheLimits) {
  TempTree t("v1-docker");
  WriteVmstatOomKills(t, 40);
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::milliseconds(0)});
  sampler.Collect();
  sampler.Collect();
  WriteOomControlKills(t, kV1Limited, 9);
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.events.oom_kill, 9u);
}

TEST(SamplerReadsTest, V1SwapOnAHostWithoutSwapIsNotReadOnceItWasZero) {
  TempTree t("v1-docker");  // SwapTotal 0; the limited container shows 10 MiB swapped
  const std::string memsw = V1MemDir(kV1Limited) + "/memory.memsw.usage_in_bytes";
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  ASSERT_EQ(sampler.Collect()->Find(kV1Limited)->memory.swap_bytes, 10485760u);
  t.Write(memsw, "157286400\n");  // = usage_in_bytes: nothing swapped
  ASSERT_EQ(sampler.Collect()->Find(kV1Limited)->memory.swap_bytes, 0u);
  t.Write(memsw, "garbage\n");
  SnapshotPtr s = sampler.Collect();
  EXPECT_EQ(s->Find(kV1Limited)->memory.swap_bytes, 0u);
  EXPECT_EQ(s->errors.count("cgroup"), 0u);
  // Swap switched on: read again.
  t.Write("proc/meminfo", MemInfo(2097152));
  t.Write(memsw, "157290496\n");
  EXPECT_EQ(sampler.Collect()->Find(kV1Limited)->memory.swap_bytes, 4096u);
}

TEST(SamplerReadsTest, V1IosAreNotReadWhenTheBytesListNoDevice) {
  TempTree t("v1-docker");  // the idle container: "Total 0" in both
  const std::string blkio = std::string("sys/fs/cgroup/blkio/docker/") + kV1Unlimited;
  t.Write(blkio + "/blkio.throttle.io_serviced", "garbage\n");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  SnapshotPtr s = sampler.Collect();
  EXPECT_TRUE(s->Find(kV1Unlimited)->block_io_known);
  EXPECT_TRUE(s->Find(kV1Unlimited)->block_devices.empty());
  EXPECT_EQ(s->errors.count("cgroup"), 0u);
  // With a device in the bytes, the ios are read (and here found malformed).
  t.Write(blkio + "/blkio.throttle.io_service_bytes",
          "8:0 Read 4096\n8:0 Write 0\n8:0 Sync 0\n8:0 Async 4096\n8:0 Discard 0\n8:0 Total 4096\n"
          "Total 4096\n");
  s = sampler.Collect();
  ASSERT_EQ(s->Find(kV1Unlimited)->block_devices.size(), 1u);
  EXPECT_EQ(s->Find(kV1Unlimited)->block_devices[0].read_bytes, 4096u);
  EXPECT_EQ(s->errors.count("cgroup"), 1u);
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
