// The columns of `berth top`'s list view, described in one table: for each
// column its --sort name, sort key, header, width, layout priority,
// alignment, whether it takes a bar, how its figure is read from a sample,
// how its cell is formatted, how it sorts and how a group row sums it. The
// code that builds rows (top_rows), orders them (top_order) and lays them
// out (top_layout) walks this table and knows no column by name, except
// NAME, which the layout widens.
//
// A new column: an enumerator in `Column` (display order) and a row in
// kColumns in top_columns.cc; plus, for a figure the rows do not carry yet,
// its TopRow field (top_rows.h). The table's tests check every row is whole.
//
// Thread-safety: the table is constant. Errors: none; absent figures format
// as "--".
#ifndef BERTH_CLI_TOP_COLUMNS_H_
#define BERTH_CLI_TOP_COLUMNS_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/top_rows.h"
#include "collector/rates.h"
#include "collector/snapshot.h"

namespace berth::cli {

// The list view's columns, in display order. Every column can be sorted on.
enum class Column {
  kName, kId, kCpu, kMem, kMemPercent, kNet, kBlock, kPids, kThrottle, kOom,
  kPsi, kUptime, kNamespaces,
};
inline constexpr int kColumnCount = 13;

enum class Align { kLeft, kRight };

// What a cell shows: its text and, in a column with a bar, how full the bar
// is (0..1; absent: an empty bar).
struct CellText {
  std::string text;
  std::optional<double> bar_fraction = std::nullopt;
};

// Where a row's figures are read from: one container of the current sample
// and its rates (null when unknown: the first sample, or an id mismatch).
struct RowSource {
  const collector::ContainerStats& container;
  const collector::ContainerRates* rates;
  const collector::Snapshot& sample;
};

struct ColumnInfo {
  Column column;
  const char* flag_name;  // --sort value: "cpu"
  char key;               // the key that sorts on it in the live view
  const char* title;      // header text: "CPU %"
  size_t width;           // cell width without a bar (NAME: its narrowest)
  int priority;           // 1 is given room first as the terminal widens
  Align align;
  bool bar;               // gets a bar when the terminal has room
  // Sets the column's figure(s) of `row` from the sample. Null: the column
  // shows the row's identity, which BuildRows sets.
  void (*read)(TopRow& row, const RowSource& source);
  CellText (*format)(const TopRow& row);
  // Numeric columns sort on sort_value (absent last) and default to
  // descending; the others (sort_value null) sort on sort_text, ascending.
  std::optional<double> (*sort_value)(const TopRow& row);
  const std::string& (*sort_text)(const TopRow& row);
  // Adds one member's figure(s) into its group row (sum, or the worst
  // member's). Null: a group row leaves the figure absent.
  void (*add_to_group)(TopRow& group, const TopRow& member);

  bool numeric() const { return sort_value != nullptr; }
};

// Every column, in display order (AllColumns()[i].column == Column(i)).
std::span<const ColumnInfo> AllColumns();
const ColumnInfo& InfoFor(Column column);

// "cpu", "mem", "name" … (also the header title, case-insensitively) ->
// the column; nullopt for an unknown name.
std::optional<Column> ParseColumn(std::string_view name);
// The column sorting on `key`, or nullopt.
std::optional<Column> ColumnForKey(int key);
// The neighbour in display order (wraps around); `step` is +1 or -1.
Column NextColumn(Column column, int step);

// Cell texts, "--" when absent: "45s", "12m05s", "3h04m", "2d03h";
// "12.34%"; "1.5GiB"; and two figures "a / b".
std::string FormatUptime(std::optional<double> seconds);
std::string PercentText(std::optional<double> percent);
std::string BytesText(std::optional<uint64_t> bytes);
std::string PairText(const std::string& a, const std::string& b);
// The NS column: "H:net,pid" (the isolating kinds that are the host's,
// collector::HostSharedIsolation), "C:net,ipc" (kinds shared with other
// containers), "U" (a user namespace of its own: remapped or rootless),
// space-separated; "" when none applies, "--" when no link was read.
std::string NamespaceMarker(const collector::ContainerNamespaces& ns);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_COLUMNS_H_
