#include "cli/tab_writer.h"

#include <string_view>

namespace berth::cli {
namespace {

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\t') {
      cells.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  cells.push_back(line.substr(start));  // trailing text, never padded
  return cells;
}

}  // namespace

std::string AlignColumns(const std::vector<std::string>& lines, size_t min_width,
                         size_t padding) {
  std::vector<std::vector<std::string_view>> rows;
  rows.reserve(lines.size());
  std::vector<size_t> widths;
  for (const auto& line : lines) {
    rows.push_back(SplitTabs(line));
    const auto& cells = rows.back();
    for (size_t i = 0; i + 1 < cells.size(); ++i) {
      if (widths.size() <= i) widths.push_back(min_width);
      size_t w = DisplayWidth(cells[i]) + padding;
      if (w > widths[i]) widths[i] = w;
    }
  }
  std::string out;
  for (const auto& cells : rows) {
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out.append(widths[i] - DisplayWidth(cells[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace berth::cli
