#include "collector/extra_parsers.h"

#include <algorithm>

namespace berth::collector {
namespace {

// Visits each line's value; false when a line is not a decimal id.
template <typename Fn>
bool ForEachIdLine(std::string_view text, Fn&& fn) {
  bool ok = true;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    uint64_t v = 0;
    bool good = line.size() <= 10;
    for (char c : line) {
      if (c < '0' || c > '9') {
        good = false;
        break;
      }
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!good || v > 0x7fffffff) {
      ok = false;
      continue;
    }
    fn(static_cast<int>(v));
  }
  return ok;
}

}  // namespace

bool ParsePidList(std::string_view text, std::vector<int>& out) {
  out.clear();
  bool ok = ForEachIdLine(text, [&](int pid) { out.push_back(pid); });
  if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return ok;
}

std::optional<uint64_t> CountIdLines(std::string_view text) {
  uint64_t n = 0;
  if (!ForEachIdLine(text, [&](int) { ++n; })) return std::nullopt;
  return n;
}

}  // namespace berth::collector
