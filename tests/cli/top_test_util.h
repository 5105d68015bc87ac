// Hand-built Snapshots and rows for the `berth top` unit tests.
#ifndef BERTH_TESTS_CLI_TOP_TEST_UTIL_H_
#define BERTH_TESTS_CLI_TOP_TEST_UTIL_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/top_rows.h"
#include "collector/snapshot.h"

namespace berth::cli::testing {

inline constexpr uint64_t kGiB = 1024ull * 1024 * 1024;
inline constexpr uint64_t kMiB = 1024ull * 1024;

// A container with the counters the list view reads.
inline collector::ContainerStats MakeContainer(std::string id, std::string name,
                                               uint64_t cpu_ns, uint64_t mem_bytes) {
  collector::ContainerStats c;
  c.identity.id = std::move(id);
  c.identity.name = std::move(name);
  c.identity.image = "busybox:latest";
  c.identity.runtime = collector::Runtime::kDocker;
  c.cpu.usage_ns = cpu_ns;
  c.memory.usage_bytes = mem_bytes;
  c.memory.limit_bytes = collector::kUnlimited;
  c.memory.stat.inactive_file = 0;
  c.pids_current = 3;
  return c;
}

// A host with 2 CPUs, 8 GiB, at `seconds` since the epoch, host CPU time
// `host_cpu_ns`.
inline collector::Snapshot MakeSnapshot(double seconds, uint64_t host_cpu_ns,
                                        std::vector<collector::ContainerStats> containers) {
  collector::Snapshot s;
  s.wall_time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(seconds)));
  s.monotonic_time = std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(seconds)));
  s.host.cgroup_mode = collector::CgroupMode::kUnified;
  s.host.online_cpus = 2;
  s.host.cpu_total_ns = host_cpu_ns;
  s.host.cpu_idle_ns = host_cpu_ns / 2;
  s.host.mem_total_bytes = 8 * kGiB;
  s.host.mem_available_bytes = 6 * kGiB;
  s.host.hostname = "testhost";
  s.containers = std::move(containers);
  return s;
}

// A row with just a name and an optional CPU figure.
inline TopRow RowNamed(std::string name, std::optional<double> cpu = std::nullopt,
                       std::string group = "") {
  TopRow r;
  r.id = name + "-id";
  r.name = std::move(name);
  r.cpu_percent = cpu;
  r.group = std::move(group);
  return r;
}

}  // namespace berth::cli::testing

#endif  // BERTH_TESTS_CLI_TOP_TEST_UTIL_H_
