#include "cli/top_columns.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "cli/format_units.h"
#include "collector/derived.h"
#include "collector/parse_util.h"

namespace berth::cli {

namespace {

using collector::ContainerStats;
using collector::Snapshot;

constexpr char kAbsent[] = "--";

// --- Reading --------------------------------------------------------------

std::optional<double> UptimeSeconds(const ContainerStats& c, const Snapshot& cur) {
  if (!c.identity.start_time_seconds) return std::nullopt;
  const double now =
      std::chrono::duration<double>(cur.wall_time.time_since_epoch()).count();
  const double up = now - *c.identity.start_time_seconds;
  if (up < 0) return 0.0;
  return up;
}

std::optional<double> CpuCapacityPercent(const ContainerStats& c, const Snapshot& cur) {
  if (auto cores = collector::CpuLimitCores(c.cpu_limits)) return *cores * 100.0;
  if (cur.host.online_cpus && *cur.host.online_cpus > 0) return *cur.host.online_cpus * 100.0;
  return std::nullopt;
}

// --- Formatting -----------------------------------------------------------

std::string Num(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string RateText(std::optional<double> v) { return v ? HumanSize(*v) : kAbsent; }

std::string CountText(std::optional<uint64_t> v) { return v ? std::to_string(*v) : kAbsent; }

std::string NameText(const TopRow& row) {
  if (row.is_group) {
    return std::string(row.collapsed ? "+ " : "- ") + row.name + " (" +
           std::to_string(row.member_count) + ")";
  }
  return row.depth > 0 ? "  " + row.name : row.name;
}

// --- Sorting --------------------------------------------------------------

std::optional<double> AsDouble(std::optional<uint64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

// Two figures sort on their sum; absent only when both are.
std::optional<double> SumOf(std::optional<double> a, std::optional<double> b) {
  if (!a && !b) return std::nullopt;
  return a.value_or(0) + b.value_or(0);
}

// --- Group sums -----------------------------------------------------------

void AddInto(std::optional<double>& total, const std::optional<double>& v) {
  if (v) total = total.value_or(0) + *v;
}

// Counters saturate at 2^64-1 (as the collector's sums do) instead of wrapping.
void AddInto(std::optional<uint64_t>& total, const std::optional<uint64_t>& v) {
  if (v) total = collector::SaturatingAdd(total.value_or(0), *v);
}

// The worst member's figure.
void MaxInto(std::optional<double>& top, const std::optional<double>& v) {
  if (v && (!top || *v > *top)) top = v;
}

// --- The table ------------------------------------------------------------

using R = const TopRow&;
using S = const RowSource&;
constexpr Align kLeft = Align::kLeft;
constexpr Align kRight = Align::kRight;

// clang-format off
constexpr std::array kColumns = {
    ColumnInfo{Column::kName, "name", 'n', "NAME", 14, 1, kLeft, false,
               nullptr,
               [](R r) { return CellText{NameText(r)}; },
               nullptr, [](R r) -> const std::string& { return r.name; },
               nullptr},
    ColumnInfo{Column::kId, "id", 'i', "ID", 12, 8, kLeft, false,
               nullptr,
               [](R r) { return CellText{r.is_group ? "" : collector::ShortId(r.id)}; },
               nullptr, [](R r) -> const std::string& { return r.id; },
               nullptr},
    ColumnInfo{Column::kCpu, "cpu", 'c', "CPU %", 8, 2, kRight, true,
               [](TopRow& row, S s) {
                 if (s.rates) row.cpu_percent = s.rates->cpu_percent;
                 row.cpu_capacity_percent = CpuCapacityPercent(s.container, s.sample);
               },
               [](R r) {
                 CellText cell{PercentText(r.cpu_percent)};
                 if (r.cpu_percent && r.cpu_capacity_percent && *r.cpu_capacity_percent > 0) {
                   cell.bar_fraction = *r.cpu_percent / *r.cpu_capacity_percent;
                 }
                 return cell;
               },
               [](R r) { return r.cpu_percent; }, nullptr,
               [](TopRow& g, R m) {
                 AddInto(g.cpu_percent, m.cpu_percent);
                 MaxInto(g.cpu_capacity_percent, m.cpu_capacity_percent);
               }},
    ColumnInfo{Column::kMem, "mem", 'm', "MEM USAGE / LIMIT", 19, 3, kRight, false,
               [](TopRow& row, S s) {
                 if (s.rates) {
                   row.mem_bytes = s.rates->memory_bytes;
                   row.mem_limit_bytes = s.rates->memory_limit_bytes;
                 } else {
                   row.mem_bytes = collector::DockerMemoryUsage(s.container.memory);
                   row.mem_limit_bytes =
                       collector::DockerMemoryLimit(s.container.memory, s.sample.host);
                 }
               },
               // A group's members have different limits: only the sum is shown.
               [](R r) {
                 return CellText{r.is_group ? BytesText(r.mem_bytes)
                                            : PairText(BytesText(r.mem_bytes),
                                                       BytesText(r.mem_limit_bytes))};
               },
               [](R r) { return AsDouble(r.mem_bytes); }, nullptr,
               [](TopRow& g, R m) { AddInto(g.mem_bytes, m.mem_bytes); }},
    ColumnInfo{Column::kMemPercent, "mem%", '%', "MEM %", 7, 4, kRight, true,
               [](TopRow& row, S s) { if (s.rates) row.mem_percent = s.rates->memory_percent; },
               [](R r) {
                 CellText cell{PercentText(r.mem_percent)};
                 if (r.mem_percent) cell.bar_fraction = *r.mem_percent / 100.0;
                 return cell;
               },
               [](R r) { return r.mem_percent; }, nullptr,
               nullptr},  // members' limits differ: no group percentage
    ColumnInfo{Column::kNet, "net", 'e', "NET RX/TX /s", 15, 5, kRight, false,
               [](TopRow& row, S s) {
                 if (!s.rates) return;
                 row.net_rx_bytes_per_second = s.rates->net_rx_bytes_per_second;
                 row.net_tx_bytes_per_second = s.rates->net_tx_bytes_per_second;
               },
               [](R r) {
                 return CellText{PairText(RateText(r.net_rx_bytes_per_second),
                                          RateText(r.net_tx_bytes_per_second))};
               },
               [](R r) { return SumOf(r.net_rx_bytes_per_second, r.net_tx_bytes_per_second); },
               nullptr,
               [](TopRow& g, R m) {
                 AddInto(g.net_rx_bytes_per_second, m.net_rx_bytes_per_second);
                 AddInto(g.net_tx_bytes_per_second, m.net_tx_bytes_per_second);
               }},
    ColumnInfo{Column::kBlock, "block", 'b', "BLOCK R/W /s", 15, 7, kRight, false,
               [](TopRow& row, S s) {
                 if (!s.rates) return;
                 row.block_read_bytes_per_second = s.rates->block_read_bytes_per_second;
                 row.block_write_bytes_per_second = s.rates->block_write_bytes_per_second;
               },
               [](R r) {
                 return CellText{PairText(RateText(r.block_read_bytes_per_second),
                                          RateText(r.block_write_bytes_per_second))};
               },
               [](R r) {
                 return SumOf(r.block_read_bytes_per_second, r.block_write_bytes_per_second);
               },
               nullptr,
               [](TopRow& g, R m) {
                 AddInto(g.block_read_bytes_per_second, m.block_read_bytes_per_second);
                 AddInto(g.block_write_bytes_per_second, m.block_write_bytes_per_second);
               }},
    ColumnInfo{Column::kPids, "pids", 'd', "PIDS", 5, 6, kRight, false,
               [](TopRow& row, S s) { row.pids = s.container.pids_current; },
               [](R r) { return CellText{CountText(r.pids)}; },
               [](R r) { return AsDouble(r.pids); }, nullptr,
               [](TopRow& g, R m) { AddInto(g.pids, m.pids); }},
    ColumnInfo{Column::kThrottle, "throttled", 't', "THR %", 7, 9, kRight, false,
               [](TopRow& row, S s) {
                 if (s.rates) row.throttled_percent = s.rates->throttled_percent;
               },
               [](R r) { return CellText{PercentText(r.throttled_percent)}; },
               [](R r) { return r.throttled_percent; }, nullptr,
               [](TopRow& g, R m) { MaxInto(g.throttled_percent, m.throttled_percent); }},
    ColumnInfo{Column::kOom, "oom", 'o', "OOM", 4, 10, kRight, false,
               [](TopRow& row, S s) { row.oom_kills = s.container.memory.events.oom_kill; },
               [](R r) { return CellText{CountText(r.oom_kills)}; },
               [](R r) { return AsDouble(r.oom_kills); }, nullptr,
               [](TopRow& g, R m) { AddInto(g.oom_kills, m.oom_kills); }},
    ColumnInfo{Column::kPsi, "psi", 's', "MEM PSI", 7, 11, kRight, false,
               [](TopRow& row, S s) {
                 if (const auto& some = s.container.memory_pressure.some) {
                   row.mem_psi_some_avg10 = some->avg10;
                 }
               },
               [](R r) {
                 return CellText{r.mem_psi_some_avg10 ? Num("%.2f", *r.mem_psi_some_avg10)
                                                      : kAbsent};
               },
               [](R r) { return r.mem_psi_some_avg10; }, nullptr,
               [](TopRow& g, R m) { MaxInto(g.mem_psi_some_avg10, m.mem_psi_some_avg10); }},
    ColumnInfo{Column::kUptime, "uptime", 'u', "UPTIME", 7, 12, kRight, false,
               [](TopRow& row, S s) { row.uptime_seconds = UptimeSeconds(s.container, s.sample); },
               [](R r) { return CellText{FormatUptime(r.uptime_seconds)}; },
               [](R r) { return r.uptime_seconds; }, nullptr,
               [](TopRow& g, R m) { MaxInto(g.uptime_seconds, m.uptime_seconds); }},
    ColumnInfo{Column::kNamespaces, "ns", 'x', "NS", 13, 13, kLeft, false,
               [](TopRow& row, S s) { row.namespaces = NamespaceMarker(s.container.namespaces); },
               [](R r) { return CellText{r.is_group ? "" : r.namespaces}; },
               nullptr, [](R r) -> const std::string& { return r.namespaces; },
               nullptr},
};
// clang-format on
static_assert(kColumns.size() == kColumnCount, "one row per Column");

constexpr bool InDisplayOrder() {
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (static_cast<size_t>(kColumns[i].column) != i) return false;
  }
  return true;
}
static_assert(InDisplayOrder(), "rows in Column order");

}  // namespace

std::span<const ColumnInfo> AllColumns() { return kColumns; }

const ColumnInfo& InfoFor(Column column) { return kColumns[static_cast<size_t>(column)]; }

std::optional<Column> ParseColumn(std::string_view name) {
  using collector::parse::EqualsIgnoreCase;
  for (const ColumnInfo& info : kColumns) {
    if (EqualsIgnoreCase(name, info.flag_name) || EqualsIgnoreCase(name, info.title)) {
      return info.column;
    }
  }
  if (EqualsIgnoreCase(name, "memory")) return Column::kMem;
  if (EqualsIgnoreCase(name, "network")) return Column::kNet;
  if (EqualsIgnoreCase(name, "io")) return Column::kBlock;
  return std::nullopt;
}

std::optional<Column> ColumnForKey(int key) {
  for (const ColumnInfo& info : kColumns) {
    if (info.key == key) return info.column;
  }
  return std::nullopt;
}

Column NextColumn(Column column, int step) {
  int i = (static_cast<int>(column) + step) % kColumnCount;
  if (i < 0) i += kColumnCount;
  return static_cast<Column>(i);
}

std::string FormatUptime(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0) return kAbsent;
  const uint64_t s = static_cast<uint64_t>(*seconds);
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llud%02lluh", static_cast<unsigned long long>(s / 86400),
                  static_cast<unsigned long long>(s % 86400 / 3600));
  }
  return buf;
}

std::string PercentText(std::optional<double> percent) {
  return percent ? Percent(*percent) : kAbsent;
}

std::string BytesText(std::optional<uint64_t> bytes) {
  return bytes ? BytesSize(static_cast<double>(*bytes)) : kAbsent;
}

std::string PairText(const std::string& a, const std::string& b) { return a + " / " + b; }

std::string NamespaceMarker(const collector::ContainerNamespaces& ns) {
  using collector::NamespaceKind;
  using collector::NamespaceSharing;
  if (!ns.known()) return kAbsent;
  std::string out;
  auto part = [&](const char* prefix, const std::vector<NamespaceKind>& kinds) {
    if (kinds.empty()) return;
    if (!out.empty()) out += ' ';
    out += prefix;
    for (size_t i = 0; i < kinds.size(); ++i) {
      if (i > 0) out += ',';
      out += collector::NamespaceKindName(kinds[i]);
    }
  };
  part("H:", collector::HostSharedIsolation(ns));
  std::vector<NamespaceKind> with_containers;
  for (size_t k = 0; k < collector::kNamespaceKindCount; ++k) {
    if (ns.kinds[k].sharing == NamespaceSharing::kContainers) {
      with_containers.push_back(static_cast<NamespaceKind>(k));
    }
  }
  part("C:", with_containers);
  if (ns[NamespaceKind::kUser].sharing == NamespaceSharing::kPrivate) {
    out += out.empty() ? "U" : " U";
  }
  return out;
}

}  // namespace berth::cli
