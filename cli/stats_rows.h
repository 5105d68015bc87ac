// The rows of `berth stats`: one per container, docker stats' figures and
// their text exactly as docker prints them. Pure functions over snapshots;
// thread-safe.
#ifndef BERTH_CLI_STATS_ROWS_H_
#define BERTH_CLI_STATS_ROWS_H_

#include <optional>
#include <string>
#include <vector>

#include "cli/go_template.h"
#include "collector/rates.h"
#include "collector/snapshot.h"

namespace berth::cli {

struct StatsRow {
  std::string id;    // full id
  std::string name;
  bool running = true;  // false: known to the runtime, no cgroup (stats --all)
  std::optional<double> cpu_percent;
  std::optional<uint64_t> memory_bytes, memory_limit_bytes;
  std::optional<double> memory_percent;
  std::optional<uint64_t> net_rx_bytes, net_tx_bytes;  // absent: host network / unknown
  std::optional<uint64_t> block_read_bytes, block_write_bytes;
  std::optional<uint64_t> pids;
};

// Rows for `cur` (rates against `prev`, which may be null), containers first
// then, when `include_stopped`, the stopped ones; in docker's order (by name).
std::vector<StatsRow> BuildStatsRows(const collector::Snapshot* prev,
                                     const collector::Snapshot& cur, bool include_stopped);

// True when `wanted` is empty or names the container (name, "/name", id, or
// an id prefix of at least 3 characters).
bool NameOrIdSelected(const std::string& name, const std::string& id,
                      const std::vector<std::string>& wanted);
inline bool RowSelected(const StatsRow& row, const std::vector<std::string>& wanted) {
  return NameOrIdSelected(row.name, row.id, wanted);
}

// docker stats' template fields: BlockIO, CPUPerc, Container, ID, MemPerc,
// MemUsage, Name, NetIO, PIDs. Unknown figures print as "--" (docker's
// convention); a stopped container prints zeros as docker does.
TemplateFields DockerStatsFields(const StatsRow& row, bool no_trunc);
const std::vector<std::string>& DockerStatsFieldNames();
// The header line's text for each field ("CONTAINER ID", "CPU %" …).
const TemplateFields& DockerStatsHeaders();

// docker stats' default table format.
inline constexpr const char* kDefaultStatsFormat =
    "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t"
    "{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";

}  // namespace berth::cli

#endif  // BERTH_CLI_STATS_ROWS_H_
