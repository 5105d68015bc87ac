#include "cli/stats_rows.h"

#include <algorithm>

#include "cli/format_units.h"

namespace berth::cli {

std::vector<StatsRow> BuildStatsRows(const collector::Snapshot* prev,
                                     const collector::Snapshot& cur, bool include_stopped) {
  std::vector<StatsRow> rows;
  auto rates = collector::Rates(prev, cur);
  for (size_t i = 0; i < cur.containers.size(); ++i) {
    const auto& c = cur.containers[i];
    const auto& r = rates[i];
    StatsRow row;
    row.id = c.identity.id;
    row.name = c.identity.name.empty() ? collector::ShortId(c.identity.id) : c.identity.name;
    row.cpu_percent = r.cpu_percent;
    row.memory_bytes = r.memory_bytes;
    row.memory_limit_bytes = r.memory_limit_bytes;
    row.memory_percent = r.memory_percent;
    row.net_rx_bytes = collector::NetRxBytes(c);
    row.net_tx_bytes = collector::NetTxBytes(c);
    row.block_read_bytes = collector::BlockReadBytes(c);
    row.block_write_bytes = collector::BlockWriteBytes(c);
    row.pids = c.pids_current;
    row.start_time_seconds = c.identity.start_time_seconds;
    rows.push_back(std::move(row));
  }
  if (include_stopped) {
    for (const auto& s : cur.stopped) {
      StatsRow row;
      row.id = s.id;
      row.name = s.name.empty() ? collector::ShortId(s.id) : s.name;
      row.running = false;
      row.start_time_seconds = s.start_time_seconds;
      rows.push_back(std::move(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const StatsRow& a, const StatsRow& b) {
    if (a.start_time_seconds.has_value() != b.start_time_seconds.has_value()) {
      return a.start_time_seconds.has_value();
    }
    if (a.start_time_seconds && *a.start_time_seconds != *b.start_time_seconds) {
      return *a.start_time_seconds > *b.start_time_seconds;
    }
    return a.name < b.name;
  });
  return rows;
}

bool NameOrIdSelected(const std::string& name, const std::string& id,
                      const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    std::string_view bare = w;
    if (bare.starts_with('/')) bare.remove_prefix(1);
    return name == bare || id == w || (w.size() >= 3 && id.starts_with(w));
  });
}

std::vector<ShownRow> ArrangeStatsRows(const std::vector<StatsRow>& rows,
                                       const std::vector<std::string>& wanted) {
  std::vector<ShownRow> shown;
  if (wanted.empty()) {
    for (const StatsRow& row : rows) shown.push_back({&row, collector::ShortId(row.id)});
    return shown;
  }
  std::vector<std::string> seen;  // docker collects each distinct name once
  for (const std::string& name : wanted) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    for (const StatsRow& row : rows) {
      if (NameOrIdSelected(row.name, row.id, {name})) {
        shown.push_back({&row, name});
        break;
      }
    }
  }
  return shown;
}

namespace {

std::string PairOrDash(const std::optional<uint64_t>& a, const std::optional<uint64_t>& b,
                       std::string (*fmt)(double)) {
  if (!a || !b) return "--";
  return fmt(static_cast<double>(*a)) + " / " + fmt(static_cast<double>(*b));
}

}  // namespace

TemplateFields DockerStatsFields(const StatsRow& row, bool no_trunc,
                                 const std::string& container) {
  TemplateFields f;
  std::string id = no_trunc ? row.id : collector::ShortId(row.id);
  f["Container"] = container;
  f["ID"] = id;
  f["Name"] = row.name;
  if (!row.running) {
    f["CPUPerc"] = Percent(0);
    f["MemUsage"] = "0B / 0B";
    f["MemPerc"] = Percent(0);
    f["NetIO"] = "0B / 0B";
    f["BlockIO"] = "0B / 0B";
    f["PIDs"] = "0";
    return f;
  }
  f["CPUPerc"] = row.cpu_percent ? Percent(*row.cpu_percent) : "--";
  f["MemUsage"] = PairOrDash(row.memory_bytes, row.memory_limit_bytes, BytesSize);
  f["MemPerc"] = row.memory_percent ? Percent(*row.memory_percent) : "--";
  f["NetIO"] = PairOrDash(row.net_rx_bytes, row.net_tx_bytes, HumanSize);
  f["BlockIO"] = PairOrDash(row.block_read_bytes, row.block_write_bytes, HumanSize);
  f["PIDs"] = row.pids ? std::to_string(*row.pids) : "--";
  return f;
}

const std::vector<std::string>& DockerStatsFieldNames() {
  static const std::vector<std::string> kNames = {"BlockIO", "CPUPerc", "Container",
                                                  "ID",      "MemPerc", "MemUsage",
                                                  "Name",    "NetIO",   "PIDs"};
  return kNames;
}

const TemplateFields& DockerStatsHeaders() {
  static const TemplateFields kHeaders = {
      {"BlockIO", "BLOCK I/O"}, {"CPUPerc", "CPU %"},
      {"Container", "CONTAINER"}, {"ID", "CONTAINER ID"},
      {"MemPerc", "MEM %"},     {"MemUsage", "MEM USAGE / LIMIT"},
      {"Name", "NAME"},         {"NetIO", "NET I/O"},
      {"PIDs", "PIDS"}};
  return kHeaders;
}

}  // namespace berth::cli
