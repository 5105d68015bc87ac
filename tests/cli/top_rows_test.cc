#include "cli/top_rows.h"

#include <gtest/gtest.h>

#include "collector/rates.h"
#include "tests/cli/top_test_util.h"

namespace berth::cli {
namespace {

using collector::ContainerStats;
using testing::kGiB;
using testing::kMiB;
using testing::MakeContainer;
using testing::MakeSnapshot;

TEST(TopRowsTest, FiguresComeFromRatesOfTwoSnapshots) {
  // 2 CPUs; host CPU advances 2 s of CPU time in 1 s; the container uses 0.5 s.
  ContainerStats a0 = MakeContainer("aaaa", "web", 1'000'000'000, 512 * kMiB);
  ContainerStats a1 = MakeContainer("aaaa", "web", 1'500'000'000, 512 * kMiB);
  a1.memory.limit_bytes = 1 * kGiB;
  a1.memory.events.oom_kill = 0;
  a1.identity.start_time_seconds = 1000.0 - 125;
  collector::Snapshot prev = MakeSnapshot(999.0, 100'000'000'000, {a0});
  collector::Snapshot cur = MakeSnapshot(1000.0, 102'000'000'000, {a1});
  std::vector<TopRow> rows = BuildRows(cur, collector::Rates(&prev, cur));
  ASSERT_EQ(rows.size(), 1u);
  const TopRow& r = rows[0];
  EXPECT_EQ(r.name, "web");
  ASSERT_TRUE(r.cpu_percent.has_value());
  EXPECT_DOUBLE_EQ(*r.cpu_percent, 50.0);  // 0.5 s / 2 s × 2 CPUs × 100
  EXPECT_EQ(r.mem_bytes, 512 * kMiB);
  EXPECT_EQ(r.mem_limit_bytes, 1 * kGiB);
  ASSERT_TRUE(r.mem_percent.has_value());
  EXPECT_DOUBLE_EQ(*r.mem_percent, 50.0);
  EXPECT_EQ(r.pids, 3u);
  EXPECT_EQ(r.oom_kills, 0u);
  ASSERT_TRUE(r.uptime_seconds.has_value());
  EXPECT_DOUBLE_EQ(*r.uptime_seconds, 125.0);
  ASSERT_TRUE(r.cpu_capacity_percent.has_value());
  EXPECT_DOUBLE_EQ(*r.cpu_capacity_percent, 200.0);  // no quota: both CPUs
  EXPECT_EQ(r.alert, Alert::kNone);
}

TEST(TopRowsTest, FirstSampleHasMemoryButNoRates) {
  collector::Snapshot cur =
      MakeSnapshot(1000.0, 1, {MakeContainer("aaaa", "web", 5, 100 * kMiB)});
  std::vector<TopRow> rows = BuildRows(cur, collector::Rates(nullptr, cur));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].cpu_percent.has_value());
  EXPECT_FALSE(rows[0].net_rx_bytes_per_second.has_value());
  EXPECT_EQ(rows[0].mem_bytes, 100 * kMiB);
  EXPECT_FALSE(rows[0].uptime_seconds.has_value());  // start time unknown
}

TEST(TopRowsTest, MismatchedRatesLeaveRateFiguresAbsent) {
  collector::Snapshot cur =
      MakeSnapshot(1000.0, 1, {MakeContainer("aaaa", "web", 5, 100 * kMiB)});
  collector::ContainerRates other;
  other.id = "bbbb";
  other.cpu_percent = 42.0;
  std::vector<TopRow> rows = BuildRows(cur, {other});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].cpu_percent.has_value());
  EXPECT_EQ(rows[0].mem_bytes, 100 * kMiB);  // still computed from the snapshot
}

TEST(TopRowsTest, CpuQuotaIsTheCapacity) {
  ContainerStats c = MakeContainer("aaaa", "web", 5, 1);
  c.cpu_limits.quota_us = 50000;
  c.cpu_limits.period_us = 100000;
  collector::Snapshot cur = MakeSnapshot(1000.0, 1, {c});
  std::vector<TopRow> rows = BuildRows(cur, collector::Rates(nullptr, cur));
  ASSERT_TRUE(rows[0].cpu_capacity_percent.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].cpu_capacity_percent, 50.0);
}

TEST(TopRowsTest, NameFallsBackToShortId) {
  ContainerStats c = MakeContainer(std::string(64, 'a'), "", 5, 1);
  collector::Snapshot cur = MakeSnapshot(1000.0, 1, {c});
  std::vector<TopRow> rows = BuildRows(cur, collector::Rates(nullptr, cur));
  EXPECT_EQ(rows[0].name, std::string(12, 'a'));
}

TEST(TopRowsTest, GroupKeyPrefersComposeProjectThenPod) {
  struct Case {
    std::map<std::string, std::string> labels;
    std::string ns, pod, want;
  } cases[] = {
      {{{"com.docker.compose.project", "shop"}}, "", "", "shop"},
      {{{"com.docker.compose.project", "shop"}}, "default", "web-1", "shop"},
      {{}, "default", "web-1", "default/web-1"},
      {{}, "", "web-1", "web-1"},
      {{{"other", "x"}}, "", "", ""},
      {{{"com.docker.compose.project", ""}}, "", "", ""},
  };
  for (const Case& c : cases) {
    collector::ContainerIdentity id;
    id.labels = c.labels;
    id.k8s_namespace = c.ns;
    id.k8s_pod = c.pod;
    EXPECT_EQ(GroupKey(id), c.want) << c.ns << "/" << c.pod;
  }
}

TEST(TopRowsTest, AlertLevels) {
  struct Case {
    std::optional<double> mem_percent, throttled;
    std::optional<uint64_t> oom;
    Alert want;
  } cases[] = {
      {std::nullopt, std::nullopt, std::nullopt, Alert::kNone},
      {79.9, 0.0, 0, Alert::kNone},
      {80.0, 0.0, 0, Alert::kWarn},
      {94.9, 0.0, 0, Alert::kWarn},
      {95.0, 0.0, 0, Alert::kCritical},
      {10.0, 25.0, 0, Alert::kWarn},
      {10.0, 0.5, 0, Alert::kNone},
      {10.0, 0.0, 1, Alert::kCritical},
      {std::nullopt, std::nullopt, 3, Alert::kCritical},
  };
  for (const Case& c : cases) {
    TopRow r;
    r.mem_percent = c.mem_percent;
    r.throttled_percent = c.throttled;
    r.oom_kills = c.oom;
    EXPECT_EQ(RowAlert(r), c.want) << c.mem_percent.value_or(-1) << " "
                                   << c.throttled.value_or(-1) << " " << c.oom.value_or(0);
  }
}

TEST(TopRowsTest, HostSummary) {
  collector::Snapshot prev = MakeSnapshot(999.0, 100'000'000'000, {});
  collector::Snapshot cur = MakeSnapshot(
      1000.0, 102'000'000'000, {MakeContainer("a", "a", 1, 1), MakeContainer("b", "b", 1, 1)});
  HostSummary h = BuildHostSummary(&prev, cur);
  EXPECT_EQ(h.container_count, 2u);
  EXPECT_EQ(h.cgroup_mode, "v2");
  EXPECT_EQ(h.online_cpus, 2u);
  EXPECT_EQ(h.mem_total_bytes, 8 * kGiB);
  EXPECT_EQ(h.mem_used_bytes, 2 * kGiB);
  EXPECT_EQ(h.hostname, "testhost");
  ASSERT_TRUE(h.cpu_percent.has_value());
  EXPECT_NEAR(*h.cpu_percent, 100.0, 1e-9);  // half of 2 CPUs idle
  EXPECT_FALSE(BuildHostSummary(nullptr, cur).cpu_percent.has_value());
}

}  // namespace
}  // namespace berth::cli
