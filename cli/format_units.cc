#include "cli/format_units.h"

#include <array>
#include <cstdio>

namespace berth::cli {
namespace {

template <size_t N>
std::string Scaled(double size, double base, const std::array<const char*, N>& units,
                   int precision) {
  size_t i = 0;
  while (size >= base && i + 1 < N) {
    size /= base;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g%s", precision, size, units[i]);
  return buf;
}

constexpr std::array<const char*, 9> kBinary = {"B",   "KiB", "MiB", "GiB", "TiB",
                                                "PiB", "EiB", "ZiB", "YiB"};
constexpr std::array<const char*, 9> kDecimal = {"B",  "kB", "MB", "GB", "TB",
                                                 "PB", "EB", "ZB", "YB"};

}  // namespace

std::string BytesSize(double bytes) { return Scaled(bytes, 1024.0, kBinary, 4); }
std::string HumanSize(double bytes) { return Scaled(bytes, 1000.0, kDecimal, 3); }

std::string Percent(double percent) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f%%", percent);
  return buf;
}

}  // namespace berth::cli
