// Text of the list view of `berth top`, as pure functions of the rows, the
// host summary, the state and the terminal width: which columns fit (by
// priority, NAME growing and bars appearing as the terminal widens), each
// line padded or cut to exactly the width, and the style each line is drawn
// in. The curses screen only paints these lines.
//
// Thread-safety: no state. Errors: none; absent figures print as "--".
#ifndef BERTH_CLI_TOP_LAYOUT_H_
#define BERTH_CLI_TOP_LAYOUT_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/top_order.h"
#include "cli/top_rows.h"
#include "cli/top_state.h"

namespace berth::cli {

inline constexpr size_t kMinWidth = 80;
inline constexpr size_t kMinHeight = 24;

// How a line is drawn: the screen maps each style to colours/attributes.
enum class Style { kNormal, kTitle, kHeader, kSelected, kWarn, kCritical, kDim, kNotice };

struct ScreenLine {
  std::string text;  // exactly the screen width (display columns)
  Style style = Style::kNormal;
};

struct ColumnLayout {
  Column column;
  size_t width;      // cell width, bar included
  size_t bar_width;  // 0 = no bar
};
struct ListLayout {
  std::vector<ColumnLayout> columns;  // display order
};

// The columns that fit in `width` (at least NAME, CPU %, MEM at 80), taken
// by the table's priority, in display order.
ListLayout ComputeLayout(size_t width);

// "1s", "500ms", "2.5s".
std::string FormatInterval(std::chrono::milliseconds interval);

// One cell, exactly `layout.width` columns: the column's text aligned as its
// row in top_columns.h says, then its bar when the layout gave it one.
std::string FormatCell(const TopRow& row, const ColumnLayout& layout);
// A whole row / the column titles (sort column marked "v" or "^").
std::string RenderRow(const TopRow& row, const ListLayout& layout, size_t width);
std::string RenderColumnHeader(const ListLayout& layout, Column sort, bool descending,
                               size_t width);

// The whole list view: host header, filter/notice line, column titles, the
// rows from state.scroll, footer. `height` lines of `width` columns each.
// Requires width >= kMinWidth and height >= kMinHeight (else use TooSmall).
std::vector<ScreenLine> RenderListView(const HostSummary& host, const std::vector<TopRow>& rows,
                                       const TopState& state, size_t width, size_t height);
// How many list rows RenderListView shows at this height.
size_t ListPageRows(size_t height);

// The help screen (keys and columns).
std::vector<ScreenLine> RenderHelpView(size_t width, size_t height);

// The "terminal too small" screen for any size.
std::vector<ScreenLine> RenderTooSmall(size_t width, size_t height);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_LAYOUT_H_
