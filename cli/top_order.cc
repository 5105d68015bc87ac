#include "cli/top_order.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace berth::cli {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Strict weak "a before b".
bool Before(const TopRow& a, const TopRow& b, const ColumnInfo& column, bool descending) {
  if (column.numeric()) {
    std::optional<double> va = column.sort_value(a), vb = column.sort_value(b);
    if (va.has_value() != vb.has_value()) return va.has_value();  // absent last
    if (va && *va != *vb) return descending ? *va > *vb : *va < *vb;
  } else {
    const std::string& ka = column.sort_text(a);
    const std::string& kb = column.sort_text(b);
    if (ka != kb) return descending ? ka > kb : ka < kb;
  }
  return std::tie(a.name, a.id) < std::tie(b.name, b.id);
}

TopRow SumGroup(const std::string& key, const std::vector<const TopRow*>& members) {
  TopRow g;
  g.id = GroupRowId(key);
  g.name = key;
  g.group = key;
  g.is_group = true;
  g.member_count = members.size();
  for (const TopRow* m : members) {
    for (const ColumnInfo& column : AllColumns()) {
      if (column.add_to_group != nullptr) column.add_to_group(g, *m);
    }
    if (static_cast<int>(m->alert) > static_cast<int>(g.alert)) g.alert = m->alert;
  }
  return g;
}

}  // namespace

void SortRows(std::vector<TopRow>& rows, Column column, bool descending) {
  const ColumnInfo& info = InfoFor(column);
  std::stable_sort(rows.begin(), rows.end(), [&](const TopRow& a, const TopRow& b) {
    return Before(a, b, info, descending);
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
