#include "cli/tab_writer.h"

#include "collector/utf8_text.h"

namespace berth::cli {

std::string TabWriter(std::string_view text, size_t min_width, size_t padding) {
  struct Cell {
    std::string_view text;
    size_t width;
  };
  // Lines of cells; the last cell of a line is its text after the last tab.
  std::vector<std::vector<Cell>> lines(1);
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : '\n';
    if (i < text.size() && c != '\t' && c != '\v' && c != '\n' && c != '\f') continue;
    std::string_view cell = text.substr(start, i - start);
    lines.back().push_back({cell, collector::CodePointCount(cell)});
    start = i + 1;
    if (i < text.size() && (c == '\n' || c == '\f')) lines.emplace_back();
  }
  // Column j's width over each maximal run of lines having column j (a
  // cell there that is not the line's last).
  std::vector<std::vector<size_t>> widths(lines.size());
  for (size_t j = 0;; ++j) {
    bool any = false;
    size_t run = 0;
    while (run < lines.size()) {
      if (lines[run].size() <= j + 1) {
        ++run;
        continue;
      }
      any = true;
      size_t end = run, width = min_width;
      while (end < lines.size() && lines[end].size() > j + 1) {
        width = std::max(width, lines[end][j].width + padding);
        ++end;
      }
      for (size_t k = run; k < end; ++k) widths[k].push_back(width);
      run = end;
    }
    if (!any) break;
  }
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& cells = lines[i];
    for (size_t j = 0; j < cells.size(); ++j) {
      out += cells[j].text;
      if (j < widths[i].size() && widths[i][j] > cells[j].width) {
        out.append(widths[i][j] - cells[j].width, ' ');
      }
    }
    if (i + 1 < lines.size()) out += '\n';
  }
  return out;
}

std::string AlignColumns(const std::vector<std::string>& lines, size_t min_width,
                         size_t padding) {
  std::string text;
  for (const auto& line : lines) text.append(line).append("\n");
  return TabWriter(text, min_width, padding);
}

}  // namespace berth::cli
