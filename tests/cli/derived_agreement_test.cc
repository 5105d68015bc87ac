// All four outputs (metrics, JSON API, stats, top) show the derived figures of
// collector/derived.h, on containers where the fallbacks apply, and the honest
// figures: unknown limit, no working set without memory.stat, saturating sums.
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "cli/stats_rows.h"
#include "cli/top_rows.h"
#include "collector/derived.h"
#include "collector/rates.h"
#include "exporter/api_json.h"
#include "exporter/container_families.h"

namespace berth::cli {
namespace {

using collector::ContainerStats;
using collector::kUnlimited;
using collector::Snapshot;

constexpr uint64_t kMemTotal = 8ull << 30;
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

ContainerStats Container(const std::string& id) {
  ContainerStats c;
  c.identity.id = id;
  c.identity.name = id;
  c.identity.cgroup_path = "/docker/" + id;
  c.network_mode = collector::NetworkMode::kOwn;
  return c;
}

Snapshot Fixture() {
  Snapshot s;
  s.host.mem_total_bytes = kMemTotal;
  s.host.online_cpus = 2;
  // Fallbacks: v1 without memsw (swap from memory.stat), inactive_file > usage,
  // limit "max", a quota; interface and device counters whose sum passes 2^64.
  ContainerStats a = Container("aaa");
  a.memory.usage_bytes = 1000;
  a.memory.limit_bytes = kUnlimited;
  a.memory.stat.inactive_file = 4000;
  a.memory.stat.swap = 4096;
  a.cpu_limits.quota_us = 50000;
  a.cpu_limits.period_us = 100000;
  a.net_interfaces = {{.name = "eth0", .rx_bytes = kMax - 5, .tx_bytes = 7},
                      {.name = "eth1", .rx_bytes = 100, .tx_bytes = 8}};
  a.block_io_known = true;
  a.block_devices = {{.major = 8, .minor = 0, .read_bytes = kMax, .write_bytes = 1},
                     {.major = 8, .minor = 16, .read_bytes = 1, .write_bytes = 2}};
  // Honest figures: memory.max unreadable, memory.stat unreadable.
  ContainerStats b = Container("bbb");
  b.memory.usage_bytes = 2000;
  s.containers = {a, b};
  return s;
}

std::string Metrics(const Snapshot& s) {
  std::string out;
  exporter::AppendContainerFamilies(s, {}, out);
  return out;
}

TEST(DerivedAgreementTest, FallbacksAgreeInEveryOutput) {
  const Snapshot s = Fixture();
  const std::string metrics = Metrics(s);
  const auto json = exporter::ContainersJson(s, nullptr)["containers"][0];
  const auto stats = DockerStatsFields(BuildStatsRows(nullptr, s, false)[0], false);
  const auto rows = BuildRows(s, collector::Rates(nullptr, s));
  const ContainerStats& a = s.containers[0];

  // Working set 0 (cAdvisor) in metrics and JSON; docker's memory = usage.
  EXPECT_NE(metrics.find("container_memory_working_set_bytes{id=\"/docker/aaa\",name=\"aaa\","
                         "image=\"\"} 0\n"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(json["counters"]["memory_working_set_bytes"], 0u);
  EXPECT_EQ(json["rates"]["memory_bytes"], 1000u);
  EXPECT_EQ(rows[0].mem_bytes, 1000u);
  // Limit "max" shows MemTotal in JSON, stats and top.
  EXPECT_EQ(json["rates"]["memory_limit_bytes"], kMemTotal);
  EXPECT_EQ(rows[0].mem_limit_bytes, kMemTotal);
  EXPECT_EQ(stats.at("MemUsage"), "1000B / 8GiB");
  // Swap from memory.stat's total_swap in metrics and JSON (and top's detail).
  EXPECT_NE(metrics.find("container_memory_swap{id=\"/docker/aaa\",name=\"aaa\",image=\"\"} 4096\n"),
            std::string::npos);
  EXPECT_EQ(json["counters"]["memory_swap_bytes"], 4096u);
  EXPECT_EQ(collector::SwapBytes(a.memory), 4096u);
  // CPU limit in cores: JSON 0.5, top's capacity 50 %.
  EXPECT_DOUBLE_EQ(json["limits"]["cpus"].get<double>(), 0.5);
  EXPECT_EQ(rows[0].cpu_capacity_percent, 50.0);
  // Sums saturate at 2^64-1 instead of wrapping (JSON and stats).
  EXPECT_EQ(json["counters"]["net_rx_bytes"], kMax);
  EXPECT_EQ(json["counters"]["net_tx_bytes"], 15u);
  EXPECT_EQ(json["counters"]["block_read_bytes"], kMax);
  EXPECT_EQ(collector::NetRxBytes(a), kMax);
  EXPECT_EQ(collector::BlockReadBytes(a), kMax);
  EXPECT_EQ(stats.at("NetIO"), "18.4EB / 15B");
}

TEST(DerivedAgreementTest, UnknownLimitAndWorkingSetStayUnknown) {
  const Snapshot s = Fixture();
  const std::string metrics = Metrics(s);
  const auto json = exporter::ContainersJson(s, nullptr)["containers"][1];
  const auto stats = DockerStatsFields(BuildStatsRows(nullptr, s, false)[1], false);
  const auto rows = BuildRows(s, collector::Rates(nullptr, s));
  // Never MemTotal for an unreadable memory.max, never usage as working set.
  EXPECT_EQ(metrics.find("container_spec_memory_limit_bytes{id=\"/docker/bbb\""), std::string::npos);
  EXPECT_EQ(metrics.find("container_memory_working_set_bytes{id=\"/docker/bbb\""),
            std::string::npos);
  EXPECT_TRUE(json["limits"]["memory_bytes"].is_null());
  EXPECT_TRUE(json["rates"]["memory_limit_bytes"].is_null());
  EXPECT_TRUE(json["rates"]["memory_percent"].is_null());
  EXPECT_TRUE(json["rates"]["memory_bytes"].is_null());
  EXPECT_TRUE(json["counters"]["memory_working_set_bytes"].is_null());
  EXPECT_EQ(json["counters"]["memory_usage_bytes"], 2000u);
  EXPECT_EQ(stats.at("MemUsage"), "--");
  EXPECT_EQ(stats.at("MemPerc"), "--");
  EXPECT_FALSE(rows[1].mem_limit_bytes);
  EXPECT_FALSE(rows[1].mem_percent);
  EXPECT_FALSE(rows[1].mem_bytes);
}

}  // namespace
}  // namespace berth::cli
