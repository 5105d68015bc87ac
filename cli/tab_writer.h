// Column alignment as docker's tabwriter (cli/command/formatter/tabwriter, a
// copy of Go's text/tabwriter) configured by docker: minwidth 10, tabwidth 1,
// padding 3, pad with spaces, no flags. The text is lines ('\n'; '\f' is a
// line break too) of cells, each terminated by '\t' (or '\v'); the text
// after a line's last tab is not part of a column. A column is a run of
// consecutive lines that all have a cell there (Go's column blocks): each of
// its cells is padded to max(minwidth, widest cell of the run + padding).
// Widths count code points (docker counts terminal cells; the two differ
// only for East Asian wide and zero-width characters). Pure, thread-safe.
#ifndef BERTH_CLI_TAB_WRITER_H_
#define BERTH_CLI_TAB_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

// `text` aligned, as tabwriter.Write(text) + Flush() writes it.
std::string TabWriter(std::string_view text, size_t min_width = 10, size_t padding = 3);

// Each line (no '\n' of its own) followed by a newline, aligned.
std::string AlignColumns(const std::vector<std::string>& lines, size_t min_width = 10,
                         size_t padding = 3);

}  // namespace berth::cli

#endif  // BERTH_CLI_TAB_WRITER_H_
