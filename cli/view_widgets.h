// Text widgets of the live view: fitting text into a cell (truncation with a
// marker, padding), meter bars and sparklines. Pure functions returning
// std::string; widths count terminal columns, one per UTF-8 code point
// (berth shows no double-width text of its own), an ill-formed part counting
// one as the U+FFFD the screen shows for it (collector/utf8_text.h); a cut
// never splits a sequence. Thread-safe (no state).
#ifndef BERTH_CLI_VIEW_WIDGETS_H_
#define BERTH_CLI_VIEW_WIDGETS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

// Number of terminal columns `text` takes (UTF-8 code points).
size_t DisplayWidth(std::string_view text);

// `text` cut to at most `width` columns; when something was cut the last
// column is "~" so a truncated name never passes for a whole one.
std::string Truncate(std::string_view text, size_t width);
// Truncated, then padded with spaces to exactly `width` columns.
std::string PadRight(std::string_view text, size_t width);
std::string PadLeft(std::string_view text, size_t width);

// A meter "[|||||     ]" of exactly `width` columns (brackets included;
// nothing for width < 3). `fraction` is clamped to [0, 1]; absent -> empty.
std::string Bar(std::optional<double> fraction, size_t width);

// A sparkline of the last `width` values, oldest left, scaled from 0 to
// `max` (or the largest value when `max` <= 0), right-aligned and padded
// with spaces. Absent values are gaps. `unicode` picks "▁▂▃▄▅▆▇█", otherwise
// the ASCII ramp "_.-=+*#@".
std::string Sparkline(const std::vector<std::optional<double>>& values, size_t width,
                      double max, bool unicode);

}  // namespace berth::cli

#endif  // BERTH_CLI_VIEW_WIDGETS_H_
