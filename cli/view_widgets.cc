#include "cli/view_widgets.h"

#include <algorithm>
#include <cmath>

#include "collector/utf8_text.h"

namespace berth::cli {

namespace {

// Byte length of the first `columns` columns of `text`.
size_t PrefixBytes(std::string_view text, size_t columns) {
  return collector::CodePointPrefixBytes(text, columns);
}

}  // namespace

size_t DisplayWidth(std::string_view text) { return collector::CodePointCount(text); }

std::string Truncate(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::string out(text.substr(0, PrefixBytes(text, width - 1)));
  out += '~';
  return out;
}

std::string PadRight(std::string_view text, size_t width) {
  std::string out = Truncate(text, width);
  out.append(width - DisplayWidth(out), ' ');
  return out;
}

std::string PadLeft(std::string_view text, size_t width) {
  std::string cut = Truncate(text, width);
  std::string out(width - DisplayWidth(cut), ' ');
  out += cut;
  return out;
}

std::string Bar(std::optional<double> fraction, size_t width) {
  if (width < 3) return "";
  const size_t inner = width - 2;
  size_t filled = 0;
  if (fraction && std::isfinite(*fraction)) {
    const double f = std::clamp(*fraction, 0.0, 1.0);
    filled = static_cast<size_t>(std::lround(f * static_cast<double>(inner)));
    // Any use at all shows at least one mark.
    if (filled == 0 && f > 0) filled = 1;
  }
  std::string out = "[";
  out.append(filled, '|');
  out.append(inner - filled, ' ');
  out += ']';
  return out;
}

std::string Sparkline(const std::vector<std::optional<double>>& values, size_t width,
                      double max, bool unicode) {
  static const char* const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAscii[] = "_.-=+*#@";
  const size_t n = std::min(values.size(), width);
  const size_t first = values.size() - n;
  if (max <= 0) {
    for (size_t i = first; i < values.size(); ++i) {
      if (values[i] && std::isfinite(*values[i])) max = std::max(max, *values[i]);
    }
  }
  std::string out(width - n, ' ');
  for (size_t i = first; i < values.size(); ++i) {
    const std::optional<double>& v = values[i];
    if (!v || !std::isfinite(*v)) {
      out += ' ';
      continue;
    }
    int level = 0;
    if (max > 0) {
      level = static_cast<int>(std::lround(std::clamp(*v / max, 0.0, 1.0) * 7));
    }
    if (unicode) {
      out += kBlocks[level];
    } else {
      out += kAscii[level];
    }
  }
  return out;
}

}  // namespace berth::cli
