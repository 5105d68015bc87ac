// Ordering the rows of `berth top`: sorting on a column (absent figures
// always last, ties broken by name then id so the order is stable across
// refreshes), the `/` filter, and grouping by compose project or Kubernetes
// pod. What each column sorts and sums on is its row in top_columns.h.
// Pure functions; no state, thread-safe.
#ifndef BERTH_CLI_TOP_ORDER_H_
#define BERTH_CLI_TOP_ORDER_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/top_columns.h"
#include "cli/top_rows.h"

namespace berth::cli {

// Sorts in place. `descending` reverses the figure order; absent figures stay
// last either way; ties fall back to name, then id (always ascending).
void SortRows(std::vector<TopRow>& rows, Column column, bool descending);

// True when `filter` is empty or a case-insensitive substring of the row's
// name, image, id or group.
bool MatchesFilter(const TopRow& row, std::string_view filter);

// The rows to show, in order:
// - without grouping: the rows matching `filter`, sorted;
// - with grouping: containers sharing a group key are summed into one group
//   row (each column as its add_to_group says: cpu, memory, network, block
//   IO, pids, OOM kills added; throttling, PSI, uptime and the alert the
//   worst member's; MEM % absent), followed — unless the group's key is in
//   `collapsed` — by its members (depth 1), sorted among themselves. Groups and ungrouped
//   containers are sorted together at depth 0. A group is listed when any
//   member matches the filter, and lists only its matching members.
std::vector<TopRow> ArrangeRows(const std::vector<TopRow>& rows, Column column,
                                bool descending, std::string_view filter, bool group,
                                const std::set<std::string>& collapsed);

// The id used for the group row of `group_key`.
std::string GroupRowId(std::string_view group_key);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_ORDER_H_
