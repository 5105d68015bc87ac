#include "cli/stats_json.h"

#include <nlohmann/json.hpp>

#include "cli/stats_rows.h"

namespace berth::cli {
namespace {

template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string RawStatsJsonLines(const collector::Snapshot* prev, const collector::Snapshot& cur,
                              bool all, const std::vector<std::string>& containers) {
  std::string out;
  for (const auto& row : BuildStatsRows(prev, cur, all)) {
    if (!RowSelected(row, containers)) continue;
    nlohmann::json j = {
        {"id", row.id},
        {"name", row.name},
        {"running", row.running},
        {"cpu_percent", OrNull(row.cpu_percent)},
        {"memory_usage_bytes", OrNull(row.memory_bytes)},
        {"memory_limit_bytes", OrNull(row.memory_limit_bytes)},
        {"memory_percent", OrNull(row.memory_percent)},
        {"net_rx_bytes", OrNull(row.net_rx_bytes)},
        {"net_tx_bytes", OrNull(row.net_tx_bytes)},
        {"block_read_bytes", OrNull(row.block_read_bytes)},
        {"block_write_bytes", OrNull(row.block_write_bytes)},
        {"pids", OrNull(row.pids)},
    };
    out += j.dump();
    out += '\n';
  }
  return out;
}

}  // namespace berth::cli
