// Rates(prev, cur): the docker-stats formulas, checked case by case.
#include "collector/rates.h"

#include <gtest/gtest.h>

namespace berth::collector {
namespace {

using std::chrono::seconds;

constexpr uint64_t kGiB = 1ull << 30;

ContainerStats Container(const std::string& id, uint64_t cpu_ns) {
  ContainerStats c;
  c.identity.id = id;
  c.cpu.usage_ns = cpu_ns;
  c.memory.usage_bytes = 100 << 20;
  c.memory.stat.inactive_file = 10 << 20;
  c.memory.limit_bytes = kUnlimited;
  return c;
}

Snapshot Host(int at_seconds, uint64_t host_cpu_ns, std::vector<ContainerStats> containers) {
  Snapshot s;
  s.monotonic_time = std::chrono::steady_clock::time_point(seconds(at_seconds));
  s.host.online_cpus = 2;
  s.host.cpu_total_ns = host_cpu_ns;
  s.host.cpu_idle_ns = host_cpu_ns / 2;
  s.host.mem_total_bytes = 8 * kGiB;
  s.containers = std::move(containers);
  return s;
}

TEST(RatesTest, FirstSampleHasMemoryButNoRates) {
  Snapshot cur = Host(10, 20'000'000'000, {Container("a", 5'000'000'000)});
  auto rates = Rates(nullptr, cur);
  ASSERT_EQ(rates.size(), 1u);
  EXPECT_FALSE(rates[0].cpu_percent);
  EXPECT_FALSE(rates[0].net_rx_bytes_per_second);
  ASSERT_TRUE(rates[0].memory_bytes);
  EXPECT_EQ(*rates[0].memory_bytes, 90u << 20);
}

TEST(RatesTest, CpuPercentFollowsDockerFormula) {
  // Host: 2 CPUs, 2 s of wall time = 4e9 ns of host CPU time.
  // Container used 1e9 ns: 1/4 × 2 × 100 = 50 %.
  Snapshot prev = Host(10, 20'000'000'000, {Container("a", 5'000'000'000)});
  Snapshot cur = Host(12, 24'000'000'000, {Container("a", 6'000'000'000)});
  auto rates = Rates(&prev, cur);
  ASSERT_TRUE(rates[0].cpu_percent);
  EXPECT_DOUBLE_EQ(*rates[0].cpu_percent, 50.0);
}

TEST(RatesTest, IdleContainerShowsZeroCpu) {
  Snapshot prev = Host(10, 20'000'000'000, {Container("a", 5'000'000'000)});
  Snapshot cur = Host(11, 22'000'000'000, {Container("a", 5'000'000'000)});
  auto rates = Rates(&prev, cur);
  ASSERT_TRUE(rates[0].cpu_percent);
  EXPECT_DOUBLE_EQ(*rates[0].cpu_percent, 0.0);
}

TEST(RatesTest, CounterResetGivesNoRate) {
  Snapshot prev = Host(10, 20'000'000'000, {Container("a", 5'000'000'000)});
  Snapshot cur = Host(11, 22'000'000'000, {Container("a", 1'000'000)});
  auto rates = Rates(&prev, cur);
  EXPECT_FALSE(rates[0].cpu_percent);
}

TEST(RatesTest, ZeroIntervalGivesNoRate) {
  Snapshot prev = Host(10, 20'000'000'000, {Container("a", 5'000'000'000)});
  Snapshot cur = Host(10, 22'000'000'000, {Container("a", 6'000'000'000)});
  auto rates = Rates(&prev, cur);
  EXPECT_FALSE(rates[0].cpu_percent);
  EXPECT_FALSE(rates[0].block_read_bytes_per_second);
}

TEST(RatesTest, AppearingContainerHasNoRateVanishedOneIsGone) {
  Snapshot prev = Host(10, 20'000'000'000, {Container("a", 1), Container("b", 1)});
  Snapshot cur = Host(11, 22'000'000'000, {Container("b", 2), Container("c", 3)});
  auto rates = Rates(&prev, cur);
  ASSERT_EQ(rates.size(), 2u);
  EXPECT_EQ(rates[0].id, "b");
  EXPECT_TRUE(rates[0].cpu_percent);
  EXPECT_EQ(rates[1].id, "c");
  EXPECT_FALSE(rates[1].cpu_percent);
}

TEST(RatesTest, UnlimitedMemoryUsesMemTotal) {
  Snapshot cur = Host(10, 1, {Container("a", 1)});
  auto rates = Rates(nullptr, cur);
  ASSERT_TRUE(rates[0].memory_limit_bytes);
  EXPECT_EQ(*rates[0].memory_limit_bytes, 8 * kGiB);
  ASSERT_TRUE(rates[0].memory_percent);
  EXPECT_DOUBLE_EQ(*rates[0].memory_percent, 90.0 / (8 * 1024) * 100.0);
}

TEST(RatesTest, LimitAboveMemTotalIsClampedLikeDockerd) {
  ContainerStats c = Container("a", 1);
  c.memory.limit_bytes = 9223372036854771712ull;  // v1 "unlimited" that escaped parsing
  Snapshot cur = Host(10, 1, {c});
  EXPECT_EQ(*Rates(nullptr, cur)[0].memory_limit_bytes, 8 * kGiB);
}

TEST(RatesTest, SetLimitIsUsedForPercent) {
  ContainerStats c = Container("a", 1);
  c.memory.limit_bytes = 180 << 20;
  Snapshot cur = Host(10, 1, {c});
  auto r = Rates(nullptr, cur)[0];
  EXPECT_EQ(*r.memory_limit_bytes, 180u << 20);
  EXPECT_DOUBLE_EQ(*r.memory_percent, 50.0);
}

TEST(RatesTest, InactiveFileLargerThanUsageIsNotSubtracted) {
  MemoryStats m;
  m.usage_bytes = 100;
  m.stat.inactive_file = 200;
  EXPECT_EQ(*DockerMemoryUsage(m), 100u);
  m.stat.inactive_file.reset();  // memory.stat unreadable: unknown, never usage
  EXPECT_FALSE(DockerMemoryUsage(m));
  m.stat.inactive_file = 200;
  m.usage_bytes.reset();
  EXPECT_FALSE(DockerMemoryUsage(m));
}

TEST(RatesTest, NetworkExcludesLoopbackAndHostNetwork) {
  ContainerStats c = Container("a", 1);
  c.network_mode = NetworkMode::kOwn;
  NetInterfaceStats lo{.name = "lo", .rx_bytes = 1000, .tx_bytes = 1000};
  NetInterfaceStats eth{.name = "eth0", .rx_bytes = 300, .tx_bytes = 40};
  NetInterfaceStats eth1{.name = "eth1", .rx_bytes = 5, .tx_bytes = 6};
  c.net_interfaces = {eth, eth1, lo};
  EXPECT_EQ(*NetRxBytes(c), 305u);
  EXPECT_EQ(*NetTxBytes(c), 46u);
  c.network_mode = NetworkMode::kHost;
  EXPECT_FALSE(NetRxBytes(c));
}

TEST(RatesTest, BytesPerSecondAndThrottling) {
  ContainerStats a = Container("a", 1);
  a.network_mode = NetworkMode::kOwn;
  a.net_interfaces = {{.name = "eth0", .rx_bytes = 1000, .tx_bytes = 0}};
  a.block_devices = {{.major = 8, .minor = 0, .read_bytes = 0, .write_bytes = 4096}};
  a.cpu.nr_periods = 100;
  a.cpu.nr_throttled = 10;
  a.cpu.throttled_ns = 0;
  ContainerStats b = a;
  b.net_interfaces[0].rx_bytes = 5000;
  b.block_devices[0].write_bytes = 4096 + 8192;
  b.cpu.nr_periods = 140;
  b.cpu.nr_throttled = 30;
  b.cpu.throttled_ns = 1'000'000'000;
  Snapshot prev = Host(10, 20'000'000'000, {a});
  Snapshot cur = Host(12, 24'000'000'000, {b});
  auto r = Rates(&prev, cur)[0];
  EXPECT_DOUBLE_EQ(*r.net_rx_bytes_per_second, 2000.0);
  EXPECT_DOUBLE_EQ(*r.net_tx_bytes_per_second, 0.0);
  EXPECT_DOUBLE_EQ(*r.block_write_bytes_per_second, 4096.0);
  EXPECT_DOUBLE_EQ(*r.throttled_percent, 50.0);
  EXPECT_DOUBLE_EQ(*r.throttled_cores, 0.5);
}

TEST(RatesTest, HostCpuPercentIsNonIdleShare) {
  Snapshot prev = Host(10, 20'000'000'000, {});
  prev.host.cpu_idle_ns = 10'000'000'000;
  Snapshot cur = Host(12, 24'000'000'000, {});
  cur.host.cpu_idle_ns = 13'000'000'000;  // 3 of 4 s idle -> 1 s busy of 4 = 25 % × 2 cpus
  EXPECT_DOUBLE_EQ(*HostCpuPercent(&prev, cur), 50.0);
  EXPECT_FALSE(HostCpuPercent(nullptr, cur));
}

}  // namespace
}  // namespace berth::collector
