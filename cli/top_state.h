// The interactive state of `berth top` and what each key does to it: sort
// column and direction, the `/` filter, selection and scrolling, grouping,
// pause, interval, and which view is open. No curses here: keys arrive as
// ints (printable characters as themselves, the rest as the kKey* codes
// below, which the screen maps from curses), so tests drive it directly.
//
// Ownership: TopState is a plain value owned by the screen loop.
// Thread-safety: none needed (one thread). Errors: unknown keys are ignored.
#ifndef BERTH_CLI_TOP_STATE_H_
#define BERTH_CLI_TOP_STATE_H_

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "cli/top_order.h"
#include "cli/top_rows.h"

namespace berth::cli {

inline constexpr int kKeyUp = 0x10001;
inline constexpr int kKeyDown = 0x10002;
inline constexpr int kKeyLeft = 0x10003;
inline constexpr int kKeyRight = 0x10004;
inline constexpr int kKeyPageUp = 0x10005;
inline constexpr int kKeyPageDown = 0x10006;
inline constexpr int kKeyHome = 0x10007;
inline constexpr int kKeyEnd = 0x10008;
inline constexpr int kKeyEnter = 0x10009;
inline constexpr int kKeyBackspace = 0x1000a;
inline constexpr int kKeyHelp = 0x1000b;  // F1
inline constexpr int kKeyEscape = 27;

enum class View { kList, kDetail, kHelp };

// The refresh intervals `+` and `-` step through.
const std::vector<std::chrono::milliseconds>& IntervalSteps();

struct TopState {
  View view = View::kList;
  View view_before_help = View::kList;
  Column sort = Column::kCpu;
  bool descending = true;
  std::string filter;
  bool editing_filter = false;
  std::string selected_id;  // row id (container or group row)
  size_t selected_index = 0;
  size_t scroll = 0;  // first list row shown
  bool group = false;
  std::set<std::string> collapsed;  // group keys folded shut
  bool paused = false;
  std::chrono::milliseconds interval{1000};
  std::string detail_id;    // container shown in the detail view
  std::string detail_name;
  size_t detail_scroll = 0;
  std::string notice;  // one-line message shown until the next key
  // Shown in an empty list instead of "no containers" (NoContainerLine: the
  // sockets tried, the cgroups seen); wrapped to the width.
  std::string empty_hint;
  bool quit = false;
};

enum class KeyEffect {
  kNone,        // ignored
  kRedraw,      // state changed: draw again
  kRefreshNow,  // collect now (interval changed, resumed, detail opened)
};

// Applies one key. `rows` is what the list shows now (ArrangeRows output);
// `page_rows` is how many list rows fit on the screen.
KeyEffect HandleKey(TopState& state, int key, const std::vector<TopRow>& rows, size_t page_rows);

// After the rows changed (refresh, re-sort, filter): keeps the selection on
// the same row id (or the same position when that row is gone), keeps it on
// screen, and leaves the detail view with a notice when its container is no
// longer in `container_ids` (null: not checked, e.g. after a key).
void Reconcile(TopState& state, const std::vector<TopRow>& rows, size_t page_rows,
               const std::set<std::string>* container_ids);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_STATE_H_
