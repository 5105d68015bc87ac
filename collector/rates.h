// Rates: a pure function of two snapshots, following `docker stats` exactly
// (docker/cli cli/command/container/stats_helpers.go):
//   CPU %  = Δcontainer_cpu_ns / Δhost_cpu_ns × online_cpus × 100
// plus, per container, the figures of one snapshot every output shows with
// them (memory, limit, MEM %: collector/derived.h, their one home).
// A rate is absent on the first sample, when the interval is ≤ 0, or when a
// counter went backwards (reset). Thread-safe (no state).
#ifndef BERTH_COLLECTOR_RATES_H_
#define BERTH_COLLECTOR_RATES_H_

#include <optional>
#include <string>
#include <vector>

#include "collector/derived.h"
#include "collector/snapshot.h"

namespace berth::collector {

struct ContainerRates {
  std::string id;
  std::optional<double> cpu_percent;        // 100 = one core
  std::optional<uint64_t> memory_bytes;     // DockerMemoryUsage
  std::optional<uint64_t> memory_limit_bytes;
  std::optional<double> memory_percent;
  std::optional<double> net_rx_bytes_per_second, net_tx_bytes_per_second;
  std::optional<double> block_read_bytes_per_second, block_write_bytes_per_second;
  // Δnr_throttled / Δnr_periods × 100.
  std::optional<double> throttled_percent;
  // Δthrottled_ns / Δwall, in cores.
  std::optional<double> throttled_cores;
};

// One entry per container of `cur`, in the same order. `prev` may be null
// (first sample): then only the non-rate figures (memory) are filled.
std::vector<ContainerRates> Rates(const Snapshot* prev, const Snapshot& cur);

// Host: CPU in use across all cores (100 = one core) between two snapshots.
std::optional<double> HostCpuPercent(const Snapshot* prev, const Snapshot& cur);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RATES_H_
