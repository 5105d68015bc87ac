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
  std::optional<double> start_time_seconds;  // unix time it started; orders the rows
  std::optional<double> cpu_percent;
  std::optional<uint64_t> memory_bytes, memory_limit_bytes;
  std::optional<double> memory_percent;
  std::optional<uint64_t> net_rx_bytes, net_tx_bytes;  // absent: host network / unknown
  std::optional<uint64_t> block_read_bytes, block_write_bytes;
  std::optional<uint64_t> pids;
};

// Rows for `cur` (rates against `prev`, which may be null), with the stopped
// ones when `include_stopped`; in `docker ps` order, as docker stats lists
// them: newest first (by start time; unknown times last, then by name).
std::vector<StatsRow> BuildStatsRows(const collector::Snapshot* prev,
                                     const collector::Snapshot& cur, bool include_stopped);

// True when `wanted` is empty or names the container (name, "/name", id, or
// an id prefix of at least 3 characters).
bool NameOrIdSelected(const std::string& name, const std::string& id,
                      const std::vector<std::string>& wanted);
inline bool RowSelected(const StatsRow& row, const std::vector<std::string>& wanted) {
  return NameOrIdSelected(row.name, row.id, wanted);
}

// A row to print and what its {{.Container}} says.
struct ShownRow {
  const StatsRow* row;
  std::string container;
};
// What docker stats prints for `wanted`: with no names every row in its order,
// {{.Container}} the short id; else one row per distinct name in the order
// given (a name no row matches is skipped), {{.Container}} the name as given.
std::vector<ShownRow> ArrangeStatsRows(const std::vector<StatsRow>& rows,
                                       const std::vector<std::string>& wanted);

// docker stats' template fields: BlockIO, CPUPerc, Container, ID, MemPerc,
// MemUsage, Name, NetIO, PIDs. Unknown figures print as "--" (docker's
// convention); a stopped container prints zeros as docker does.
// `container` is {{.Container}}: what the user named it by, or the short id.
TemplateFields DockerStatsFields(const StatsRow& row, bool no_trunc,
                                 const std::string& container);
inline TemplateFields DockerStatsFields(const StatsRow& row, bool no_trunc) {
  return DockerStatsFields(row, no_trunc, collector::ShortId(row.id));
}
const std::vector<std::string>& DockerStatsFieldNames();
// The header line's text for each field ("CONTAINER ID", "CPU %" …).
const TemplateFields& DockerStatsHeaders();

// docker stats' default table format.
inline constexpr const char* kDefaultStatsFormat =
    "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t"
    "{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";

}  // namespace berth::cli

#endif  // BERTH_CLI_STATS_ROWS_H_
