// Deterministic Snapshots for the history tests and benchmark: every field
// of the Snapshot set somewhere, counters advancing with `step`, and at
// chosen steps the events a store must follow (a rename, a new container, a
// removed one, a new block device, a restart with a new start time).
#ifndef BERTH_TESTS_HISTORY_SAMPLE_SNAPSHOTS_H_
#define BERTH_TESTS_HISTORY_SAMPLE_SNAPSHOTS_H_

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "collector/snapshot.h"

namespace berth::history::testing {

inline std::string HexId(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", n * 0x1234567 + 0xabc);
  return buf;
}

inline collector::ContainerStats SampleContainer(int n, int step) {
  using collector::kUnlimited;
  collector::ContainerStats c;
  auto& id = c.identity;
  id.id = HexId(n);
  id.name = "web-" + std::to_string(n) + (step >= 4 && n == 1 ? "-renamed" : "");
  id.image = "busybox:1." + std::to_string(n);
  id.runtime = n % 2 ? collector::Runtime::kDocker : collector::Runtime::kPodman;
  id.cgroup_path = "/system.slice/docker-" + id.id + ".scope";
  id.labels = {{"com.docker.compose.project", "shop"}, {"tier", n % 2 ? "front" : "back"}};
  if (n == 2) {
    id.pod_uid = "0f1e2d3c";
    id.qos_class = "burstable";
    id.k8s_namespace = "default";
    id.k8s_pod = "web-7d9";
    id.k8s_container = "web";
    id.is_sandbox = false;
  }
  id.start_time_seconds = 1.7e9 + n + (step >= 6 && n == 0 ? 0.25 : 0);
  id.restart_count = step >= 6 && n == 0 ? 1 : 0;
  id.health_status = n == 1 ? "healthy" : "";
  const uint64_t s = static_cast<uint64_t>(step);
  c.cpu.usage_ns = 1'000'000'000ull * n + s * 37'000'123;
  c.cpu.user_ns = 600'000'000ull * n + s * 20'000'000;
  c.cpu.system_ns = 400'000'000ull * n + s * 17'000'000;
  c.cpu.nr_periods = s * 50;
  c.cpu.nr_throttled = s * 3;
  c.cpu.throttled_ns = s * 1'234'567;
  c.cpu_limits.quota_us = n == 0 ? kUnlimited : 50'000;
  c.cpu_limits.period_us = 100'000;
  c.cpu_limits.weight = 100;
  c.cpu_limits.shares = 1024;
  auto& m = c.memory;
  m.usage_bytes = (50ull << 20) + s * 4096 * (n + 1);
  m.limit_bytes = n == 0 ? kUnlimited : 256ull << 20;
  m.high_bytes = kUnlimited;
  m.reservation_bytes = 0;
  m.peak_bytes = (60ull << 20) + s * 8192;
  if (n == 3) m.failcnt = s;
  m.swap_bytes = 0;
  m.swap_limit_bytes = kUnlimited;
  m.swap_high_bytes = n == 3 ? 64ull << 20 : kUnlimited;
  if (n == 3) m.stat.swap = s * 4096;
  m.stat.anon = (30ull << 20) + s * 4096;
  m.stat.file = 20ull << 20;
  m.stat.active_anon = 29ull << 20;
  m.stat.inactive_anon = 1ull << 20;
  m.stat.active_file = 12ull << 20;
  m.stat.inactive_file = 8ull << 20;
  m.stat.shmem = 4096;
  m.stat.slab = 1ull << 20;
  m.stat.sock = 0;
  m.stat.file_mapped = 1ull << 19;
  m.stat.file_dirty = s % 3 * 4096;
  m.stat.file_writeback = 0;
  m.stat.pgfault = 1000 + s * 17;
  m.stat.pgmajfault = 3;
  m.stat.workingset_refault_anon = 0;
  m.stat.workingset_refault_file = s;
  m.events.low = 0;
  m.events.high = 0;
  m.events.max = n == 3 ? s : 0;
  m.events.oom = 0;
  m.events.oom_kill = step >= 5 && n == 3 ? 1 : 0;
  c.block_devices.push_back({8, 0, "sda", s * 4096, s * 8192, s, s * 2});
  if (step >= 3 && n == 0) c.block_devices.push_back({253, 1, "dm-1", 512, std::nullopt, 1, {}});
  c.block_io_known = true;
  c.network_mode = n == 2 ? collector::NetworkMode::kHost : collector::NetworkMode::kOwn;
  if (n != 2) {
    c.net_interfaces.push_back({"eth0", 1000 + s * 1500, 10 + s, 0, 0, 500 + s * 700, 5 + s, 0, 1});
    c.net_interfaces.push_back({"lo", 0, 0, 0, 0, 0, 0, 0, 0});
  }
  c.pids_current = 3 + s % 2;
  c.pids_max = n == 0 ? kUnlimited : 100;
  c.threads = 5;
  c.cpu_pressure.some = collector::PressureLine{0.12 * static_cast<double>(s % 4), 0.05, 0.01,
                                                s * 1234};
  c.cpu_pressure.full = collector::PressureLine{0, 0, 0, s * 12};
  c.memory_pressure.some = collector::PressureLine{0, 0, 0, 77};
  c.memory_pressure.full = collector::PressureLine{0, 0, 0, 7};
  c.io_pressure.some = collector::PressureLine{1.5, 0.75, 0.33, 9 + s};
  return c;
}

// Containers 0..count-1 (0..3 carry the events above), container 4 only
// from step 2 on, container 3 gone from step 8 on.
inline collector::Snapshot SampleSnapshot(int step, int count = 5) {
  collector::Snapshot snap;
  snap.wall_time = std::chrono::system_clock::time_point(
      std::chrono::seconds(1'733'000'000) + std::chrono::seconds(5) * step);
  snap.monotonic_time = std::chrono::steady_clock::time_point(
      std::chrono::seconds(86'400) + std::chrono::milliseconds(5'001) * step);
  snap.collect_duration = std::chrono::microseconds(1500 + step);
  auto& h = snap.host;
  h.cgroup_mode = collector::CgroupMode::kHybrid;
  h.online_cpus = 2;
  h.cpu_total_ns = 10'000'000'000'000ull + static_cast<uint64_t>(step) * 10'002'000'000ull;
  h.cpu_idle_ns = 9'000'000'000'000ull + static_cast<uint64_t>(step) * 8'000'000'000ull;
  h.mem_total_bytes = 8ull << 30;
  h.mem_available_bytes = (4ull << 30) - static_cast<uint64_t>(step) * 4096;
  h.swap_total_bytes = 0;
  h.boot_time_seconds = 1'732'900'000;
  h.kernel_release = "6.18.0";
  h.hostname = "host1";
  for (int n = 0; n < count; ++n) {
    if (n == 4 && step < 2) continue;
    if (n == 3 && step >= 8) continue;
    snap.containers.push_back(SampleContainer(n, step));
  }
  std::sort(snap.containers.begin(), snap.containers.end(),
            [](const auto& a, const auto& b) { return a.identity.id < b.identity.id; });
  collector::ContainerIdentity stopped;
  stopped.id = HexId(99);
  stopped.name = "stopped-one";
  stopped.image = "busybox";
  stopped.runtime = collector::Runtime::kDocker;
  snap.stopped.push_back(stopped);
  if (step >= 8) {
    stopped.id = HexId(3);
    stopped.name = "web-3";
    snap.stopped.push_back(stopped);
    std::sort(snap.stopped.begin(), snap.stopped.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  if (step == 7) snap.errors["cgroup"] = 2;
  return snap;
}

}  // namespace berth::history::testing

#endif  // BERTH_TESTS_HISTORY_SAMPLE_SNAPSHOTS_H_
