#include "cli/top_order.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>
#include <type_traits>

#include "collector/derived.h"

namespace berth::cli {

namespace {

const std::vector<ColumnInfo>& Table() {
  static const std::vector<ColumnInfo> kTable = {
      {Column::kName, "name", 'n', "NAME", false},
      {Column::kId, "id", 'i', "ID", false},
      {Column::kCpu, "cpu", 'c', "CPU %", true},
      {Column::kMem, "mem", 'm', "MEM USAGE / LIMIT", true},
      {Column::kMemPercent, "mem%", '%', "MEM %", true},
      {Column::kNet, "net", 'e', "NET RX/TX /s", true},
      {Column::kBlock, "block", 'b', "BLOCK R/W /s", true},
      {Column::kPids, "pids", 'd', "PIDS", true},
      {Column::kThrottle, "throttled", 't', "THR %", true},
      {Column::kOom, "oom", 'o', "OOM", true},
      {Column::kPsi, "psi", 's', "MEM PSI", true},
      {Column::kUptime, "uptime", 'u', "UPTIME", true},
  };
  return kTable;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The figure a column sorts on; nullopt sorts last. Text columns use `text`.
std::optional<double> SortValue(const TopRow& row, Column column) {
  auto sum = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    if (!a && !b) return std::nullopt;
    return a.value_or(0) + b.value_or(0);
  };
  auto as_double = [](std::optional<uint64_t> v) -> std::optional<double> {
    if (!v) return std::nullopt;
    return static_cast<double>(*v);
  };
  switch (column) {
    case Column::kName:
    case Column::kId: return 0.0;
    case Column::kCpu: return row.cpu_percent;
    case Column::kMem: return as_double(row.mem_bytes);
    case Column::kMemPercent: return row.mem_percent;
    case Column::kNet: return sum(row.net_rx_bytes_per_second, row.net_tx_bytes_per_second);
    case Column::kBlock:
      return sum(row.block_read_bytes_per_second, row.block_write_bytes_per_second);
    case Column::kPids: return as_double(row.pids);
    case Column::kThrottle: return row.throttled_percent;
    case Column::kOom: return as_double(row.oom_kills);
    case Column::kPsi: return row.mem_psi_some_avg10;
    case Column::kUptime: return row.uptime_seconds;
  }
  return std::nullopt;
}

// Strict weak "a before b".
bool Before(const TopRow& a, const TopRow& b, Column column, bool descending) {
  if (column == Column::kName || column == Column::kId) {
    const std::string& ka = column == Column::kName ? a.name : a.id;
    const std::string& kb = column == Column::kName ? b.name : b.id;
    if (ka != kb) return descending ? ka > kb : ka < kb;
  } else {
    std::optional<double> va = SortValue(a, column), vb = SortValue(b, column);
    if (va.has_value() != vb.has_value()) return va.has_value();  // absent last
    if (va && *va != *vb) return descending ? *va > *vb : *va < *vb;
  }
  return std::tie(a.name, a.id) < std::tie(b.name, b.id);
}

// Counts saturate at 2^64−1 rather than wrap (a wrapped sum would show a
// small figure for a huge one).
template <typename T>
void AddTo(std::optional<T>& total, const std::optional<T>& v) {
  if (!v) return;
  if constexpr (std::is_same_v<T, uint64_t>) {
    total = collector::SaturatingAdd(total.value_or(0), *v);
  } else {
    total = total.value_or(T{}) + *v;
  }
}

TopRow SumGroup(const std::string& key, const std::vector<const TopRow*>& members) {
  TopRow g;
  g.id = GroupRowId(key);
  g.name = key;
  g.group = key;
  g.is_group = true;
  g.member_count = members.size();
  for (const TopRow* m : members) {
    AddTo(g.cpu_percent, m->cpu_percent);
    if (!g.cpu_capacity_percent || (m->cpu_capacity_percent &&
                                    *m->cpu_capacity_percent > *g.cpu_capacity_percent)) {
      g.cpu_capacity_percent = m->cpu_capacity_percent;
    }
    AddTo(g.mem_bytes, m->mem_bytes);
    AddTo(g.net_rx_bytes_per_second, m->net_rx_bytes_per_second);
    AddTo(g.net_tx_bytes_per_second, m->net_tx_bytes_per_second);
    AddTo(g.block_read_bytes_per_second, m->block_read_bytes_per_second);
    AddTo(g.block_write_bytes_per_second, m->block_write_bytes_per_second);
    AddTo(g.pids, m->pids);
    AddTo(g.oom_kills, m->oom_kills);
    if (m->mem_psi_some_avg10 &&
        (!g.mem_psi_some_avg10 || *m->mem_psi_some_avg10 > *g.mem_psi_some_avg10)) {
      g.mem_psi_some_avg10 = m->mem_psi_some_avg10;
    }
    if (m->throttled_percent &&
        (!g.throttled_percent || *m->throttled_percent > *g.throttled_percent)) {
      g.throttled_percent = m->throttled_percent;
    }
    if (m->uptime_seconds && (!g.uptime_seconds || *m->uptime_seconds > *g.uptime_seconds)) {
      g.uptime_seconds = m->uptime_seconds;
    }
    if (static_cast<int>(m->alert) > static_cast<int>(g.alert)) g.alert = m->alert;
  }
  return g;
}

}  // namespace

const std::vector<ColumnInfo>& AllColumns() { return Table(); }

const ColumnInfo& InfoFor(Column column) { return Table()[static_cast<size_t>(column)]; }

std::optional<Column> ParseColumn(std::string_view name) {
  const std::string want = Lower(name);
  for (const ColumnInfo& info : Table()) {
    if (want == info.flag_name || want == Lower(info.title)) return info.column;
  }
  if (want == "memory") return Column::kMem;
  if (want == "network") return Column::kNet;
  if (want == "io") return Column::kBlock;
  return std::nullopt;
}

std::optional<Column> ColumnForKey(int key) {
  for (const ColumnInfo& info : Table()) {
    if (info.key == key) return info.column;
  }
  return std::nullopt;
}

Column NextColumn(Column column, int step) {
  int i = (static_cast<int>(column) + step) % kColumnCount;
  if (i < 0) i += kColumnCount;
  return static_cast<Column>(i);
}

void SortRows(std::vector<TopRow>& rows, Column column, bool descending) {
  std::stable_sort(rows.begin(), rows.end(), [&](const TopRow& a, const TopRow& b) {
    return Before(a, b, column, descending);
  });
}

bool MatchesFilter(const TopRow& row, std::string_view filter) {
  if (filter.empty()) return true;
  const std::string f = Lower(filter);
  for (const std::string* field : {&row.name, &row.image, &row.id, &row.group}) {
    if (Lower(*field).find(f) != std::string::npos) return true;
  }
  return false;
}

std::string GroupRowId(std::string_view group_key) {
  return "group:" + std::string(group_key);
}

std::vector<TopRow> ArrangeRows(const std::vector<TopRow>& rows, Column column,
                                bool descending, std::string_view filter, bool group,
                                const std::set<std::string>& collapsed) {
  if (!group) {
    std::vector<TopRow> out;
    for (const TopRow& r : rows) {
      if (MatchesFilter(r, filter)) out.push_back(r);
    }
    SortRows(out, column, descending);
    return out;
  }
  // A group matches as a whole when its key matches; else member by member.
  std::map<std::string, std::vector<const TopRow*>> groups;
  std::vector<TopRow> top;
  for (const TopRow& r : rows) {
    if (r.group.empty()) {
      if (MatchesFilter(r, filter)) top.push_back(r);
    } else if (MatchesFilter(r, filter)) {
      groups[r.group].push_back(&r);
    }
  }
  std::map<std::string, std::vector<TopRow>> members;
  for (const auto& [key, list] : groups) {
    top.push_back(SumGroup(key, list));
    std::vector<TopRow>& children = members[key];
    for (const TopRow* m : list) {
      children.push_back(*m);
      children.back().depth = 1;
    }
    SortRows(children, column, descending);
  }
  SortRows(top, column, descending);
  std::vector<TopRow> out;
  out.reserve(rows.size() + groups.size());
  for (TopRow& r : top) {
    const bool is_group = r.is_group;
    const std::string key = r.group;
    r.collapsed = is_group && collapsed.count(key) > 0;
    const bool skip_members = r.collapsed;
    out.push_back(std::move(r));
    if (!is_group || skip_members) continue;
    for (TopRow& child : members[key]) out.push_back(std::move(child));
  }
  return out;
}

}  // namespace berth::cli
