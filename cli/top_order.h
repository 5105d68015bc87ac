// Ordering the rows of `berth top`: the sortable columns, sorting (absent
// figures always last, ties broken by name then id so the order is stable
// across refreshes), the `/` filter, and grouping by compose project or
// Kubernetes pod. Pure functions; no state, thread-safe.
#ifndef BERTH_CLI_TOP_ORDER_H_
#define BERTH_CLI_TOP_ORDER_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/top_rows.h"

namespace berth::cli {

// The list view's columns, in display order. Every column can be sorted on.
enum class Column {
  kName, kId, kCpu, kMem, kMemPercent, kNet, kBlock, kPids, kThrottle, kOom,
  kPsi, kUptime,
};
inline constexpr int kColumnCount = 12;

struct ColumnInfo {
  Column column;
  const char* flag_name;  // --sort value: "cpu"
  char key;               // the key that sorts on it in the live view
  const char* title;      // header text: "CPU %"
  bool numeric;           // numeric columns sort descending by default
};
const ColumnInfo& InfoFor(Column column);
const std::vector<ColumnInfo>& AllColumns();

// "cpu", "mem", "name" … (also the header title, case-insensitively) ->
// the column; nullopt for an unknown name.
std::optional<Column> ParseColumn(std::string_view name);
// The column sorting on `key`, or nullopt.
std::optional<Column> ColumnForKey(int key);
// The neighbour in display order (wraps around); `step` is +1 or -1.
Column NextColumn(Column column, int step);

// Sorts in place. `descending` reverses the figure order; absent figures stay
// last either way; ties fall back to name, then id (always ascending).
void SortRows(std::vector<TopRow>& rows, Column column, bool descending);

// True when `filter` is empty or a case-insensitive substring of the row's
// name, image, id or group.
bool MatchesFilter(const TopRow& row, std::string_view filter);

// The rows to show, in order:
// - without grouping: the rows matching `filter`, sorted;
// - with grouping: containers sharing a group key are summed into one group
//   row (cpu, memory, network, block IO, pids, OOM kills added; the alert is
//   the worst member's), followed — unless the group's key is in `collapsed`
//   — by its members (depth 1), sorted among themselves. Groups and ungrouped
//   containers are sorted together at depth 0. A group is listed when any
//   member matches the filter, and lists only its matching members.
std::vector<TopRow> ArrangeRows(const std::vector<TopRow>& rows, Column column,
                                bool descending, std::string_view filter, bool group,
                                const std::set<std::string>& collapsed);

// The id used for the group row of `group_key`.
std::string GroupRowId(std::string_view group_key);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_ORDER_H_
