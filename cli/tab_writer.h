// Column alignment like Go's text/tabwriter as docker configures it
// (minwidth 10, padding 3, pad with spaces): every tab-terminated cell is
// padded to max(minwidth, widest cell in its column + padding); the text
// after the last tab of a line is not padded. Widths count UTF-8 code points.
// Pure, thread-safe.
#ifndef BERTH_CLI_TAB_WRITER_H_
#define BERTH_CLI_TAB_WRITER_H_

#include <string>
#include <vector>

namespace berth::cli {

std::string AlignColumns(const std::vector<std::string>& lines, size_t min_width = 10,
                         size_t padding = 3);

}  // namespace berth::cli

#endif  // BERTH_CLI_TAB_WRITER_H_
