// Top rows: the figures one line of `berth top` shows, built from two
// Snapshots and their Rates, plus the host summary in the header. Pure
// functions of their inputs (no I/O, no clock: "now" is the snapshot's wall
// time), so tests drive them with hand-built Snapshots.
//
// Ownership: results are plain values. Thread-safety: no state. Errors: a
// figure the kernel did not give stays std::nullopt and is shown as "-".
#ifndef BERTH_CLI_TOP_ROWS_H_
#define BERTH_CLI_TOP_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/rates.h"
#include "collector/snapshot.h"

namespace berth::cli {

// Colour of a row: memory near its limit, CPU throttled, OOM killed.
enum class Alert { kNone, kWarn, kCritical };

inline constexpr double kMemWarnPercent = 80.0;
inline constexpr double kMemCriticalPercent = 95.0;
inline constexpr double kThrottleWarnPercent = 1.0;

// The docker compose project label, and kubelet's namespace/pod pair.
inline constexpr char kComposeProjectLabel[] = "com.docker.compose.project";

// The figures below are read, formatted, sorted and summed by the columns'
// rows in top_columns.h; the detail view and the history read them too.
struct TopRow {
  std::string id;  // full container id; "group:<key>" for a group row
  std::string name;
  std::string image;
  std::string group;     // compose project or "namespace/pod"; empty if none
  bool is_group = false;
  bool collapsed = false;    // group rows: members hidden
  int depth = 0;             // 1 for a container listed under its group
  size_t member_count = 0;   // group rows: how many containers it sums
  std::optional<double> cpu_percent;  // 100 = one core
  // What CPU % can reach: the cpu.max quota, else all online CPUs (× 100).
  std::optional<double> cpu_capacity_percent;
  std::optional<uint64_t> mem_bytes, mem_limit_bytes;
  std::optional<double> mem_percent;
  std::optional<double> net_rx_bytes_per_second, net_tx_bytes_per_second;
  std::optional<double> block_read_bytes_per_second, block_write_bytes_per_second;
  std::optional<uint64_t> pids;
  std::optional<double> throttled_percent;
  std::optional<uint64_t> oom_kills;
  std::optional<double> mem_psi_some_avg10;
  std::optional<double> uptime_seconds;
  std::string namespaces;  // NamespaceMarker(); "--" when unknown
  Alert alert = Alert::kNone;
};

// The group a container belongs to: its compose project, else its
// Kubernetes "namespace/pod", else "".
std::string GroupKey(const collector::ContainerIdentity& identity);

// The alert level of a row's figures.
Alert RowAlert(const TopRow& row);

// One row per container of `cur`, in snapshot order: the identity, then each
// column's figures as its `read` in top_columns.h says. `rates` must come
// from collector::Rates(prev, cur) (same order, same length); a mismatch of
// ids leaves the rate figures of that row absent.
std::vector<TopRow> BuildRows(const collector::Snapshot& cur,
                              const std::vector<collector::ContainerRates>& rates);

struct HostSummary {
  std::optional<double> cpu_percent;  // 100 = one core
  // What CPU % can reach: the cpu.max quota, else all online CPUs (× 100).
  std::optional<double> cpu_capacity_percent;
  std::optional<uint32_t> online_cpus;
  std::optional<uint64_t> mem_used_bytes;  // MemTotal - MemAvailable
  std::optional<uint64_t> mem_total_bytes;
  size_t container_count = 0;
  std::string cgroup_mode;  // "v2", "v1", "hybrid", "unknown"
  std::string hostname;
};
HostSummary BuildHostSummary(const collector::Snapshot* prev, const collector::Snapshot& cur);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_ROWS_H_
