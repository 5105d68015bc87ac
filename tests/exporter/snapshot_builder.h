// Hand-built Snapshots for exporter tests and benchmarks: every field set to
// a value derived from a seed, so output depends on real data and two
// containers never look alike.
#ifndef BERTH_TESTS_EXPORTER_SNAPSHOT_BUILDER_H_
#define BERTH_TESTS_EXPORTER_SNAPSHOT_BUILDER_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "collector/snapshot.h"
#include "exporter/snapshot_source.h"

namespace berth::testing {

// A fully populated running Docker container; `seed` varies every figure.
inline collector::ContainerStats MakeContainer(uint64_t seed) {
  collector::ContainerStats c;
  char id[65];
  std::snprintf(id, sizeof(id), "%016llx%016llx%016llx%016llx",
                static_cast<unsigned long long>(seed * 2654435761u + 1),
                static_cast<unsigned long long>(seed + 7), static_cast<unsigned long long>(seed * 31),
                static_cast<unsigned long long>(seed ^ 0xabcdefull));
  c.identity.id = id;
  c.identity.name = "svc-" + std::to_string(seed);
  c.identity.image = "registry.example/app:" + std::to_string(seed % 7);
  c.identity.runtime = collector::Runtime::kDocker;
  c.identity.cgroup_path = "/system.slice/docker-" + c.identity.id + ".scope";
  c.identity.labels = {{"com.docker.compose.project", "proj" + std::to_string(seed % 3)},
                       {"com.docker.compose.service", "web"}};
  c.identity.start_time_seconds = 1.7e9 + static_cast<double>(seed);
  c.cpu.usage_ns = 123456789012ull + seed * 1000003;
  c.cpu.user_ns = 100000000000ull + seed * 7;
  c.cpu.system_ns = 23456789012ull + seed * 11;
  c.cpu.nr_periods = 5000 + seed;
  c.cpu.nr_throttled = 17 + seed;
  c.cpu.throttled_ns = 987654321ull + seed;
  c.cpu_limits.quota_us = 150000;
  c.cpu_limits.period_us = 100000;
  c.cpu_limits.shares = 1024;
  c.cpu_limits.weight = 100;
  c.memory.usage_bytes = (200ull << 20) + seed * 4096;
  c.memory.limit_bytes = 512ull << 20;
  c.memory.high_bytes = collector::kUnlimited;
  c.memory.reservation_bytes = 0;
  c.memory.peak_bytes = (300ull << 20) + seed;
  c.memory.swap_bytes = 4096 * (seed % 5);
  c.memory.swap_limit_bytes = collector::kUnlimited;
  c.memory.stat.anon = (120ull << 20) + seed;
  c.memory.stat.file = (70ull << 20) + seed;
  c.memory.stat.inactive_file = (30ull << 20) + seed;
  c.memory.stat.file_mapped = (5ull << 20) + seed;
  c.memory.stat.pgfault = 100000 + seed;
  c.memory.stat.pgmajfault = 12 + seed;
  c.memory.events = {0, 3 + seed % 2, 1, 0, seed % 3};
  collector::BlockDeviceStats sda;
  sda.major = 8;
  sda.minor = 0;
  sda.name = "sda";
  sda.read_bytes = 4096 * (1000 + seed);
  sda.write_bytes = 4096 * (2000 + seed);
  sda.read_ios = 1000 + seed;
  sda.write_ios = 2000 + seed;
  c.block_devices.push_back(sda);
  collector::NetInterfaceStats lo;
  lo.name = "lo";
  lo.rx_bytes = lo.tx_bytes = 999;
  collector::NetInterfaceStats eth0;
  eth0.name = "eth0";
  eth0.rx_bytes = 1000000 + seed;
  eth0.rx_packets = 1000 + seed;
  eth0.rx_errors = seed % 2;
  eth0.rx_dropped = seed % 3;
  eth0.tx_bytes = 2000000 + seed;
  eth0.tx_packets = 2000 + seed;
  eth0.tx_errors = 0;
  eth0.tx_dropped = 1;
  c.net_interfaces = {eth0, lo};
  c.network_mode = collector::NetworkMode::kOwn;
  c.pids_current = 3 + seed % 10;
  c.pids_max = 4096;
  c.threads = 5 + seed % 10;
  c.cpu_pressure.some = collector::PressureLine{0.5, 0.25, 0.1, 123456 + seed};
  c.cpu_pressure.full = collector::PressureLine{0, 0, 0, 23456 + seed};
  c.memory_pressure.some = collector::PressureLine{0, 0, 0, 3456 + seed};
  c.memory_pressure.full = collector::PressureLine{0, 0, 0, 456 + seed};
  c.io_pressure.some = collector::PressureLine{0, 0, 0, 56 + seed};
  c.io_pressure.full = collector::PressureLine{0, 0, 0, 6 + seed};
  return c;
}

inline collector::HostFacts MakeHost() {
  collector::HostFacts host;
  host.cgroup_mode = collector::CgroupMode::kUnified;
  host.online_cpus = 4;
  host.cpu_total_ns = 4000000000000ull;
  host.cpu_idle_ns = 3000000000000ull;
  host.mem_total_bytes = 8ull << 30;
  host.mem_available_bytes = 4ull << 30;
  host.boot_time_seconds = 1.7e9;
  host.kernel_release = "6.1.0-test";
  host.hostname = "testhost";
  return host;
}

inline std::shared_ptr<collector::Snapshot> MakeSnapshot(size_t containers, uint64_t first_seed = 1) {
  auto snapshot = std::make_shared<collector::Snapshot>();
  snapshot->wall_time = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  snapshot->monotonic_time = std::chrono::steady_clock::time_point(std::chrono::seconds(1000));
  snapshot->host = MakeHost();
  for (size_t i = 0; i < containers; ++i) {
    snapshot->containers.push_back(MakeContainer(first_seed + i));
  }
  std::sort(snapshot->containers.begin(), snapshot->containers.end(),
            [](const auto& a, const auto& b) { return a.identity.id < b.identity.id; });
  snapshot->collect_duration = std::chrono::microseconds(1500);
  return snapshot;
}

// A SnapshotSource that answers every Collect() with the same snapshot, no
// errors: what the benchmarks scrape.
class PrebuiltSource : public exporter::SnapshotSource {
 public:
  explicit PrebuiltSource(collector::SnapshotPtr snapshot) : snapshot_(std::move(snapshot)) {}
  collector::SnapshotPtr Collect() override { return snapshot_; }
  collector::ErrorCounts ErrorTotals() const override { return {}; }

 private:
  collector::SnapshotPtr snapshot_;
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_EXPORTER_SNAPSHOT_BUILDER_H_
