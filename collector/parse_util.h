// Internal helpers shared by the kernel-text parsers (cgroup_parsers,
// proc_parsers): line and token splitting over std::string_view and strict
// number conversion with std::from_chars. Header-only, no allocation, no
// exceptions, no state; safe from any thread. Not a public collector API:
// readers should call the typed parsers instead.
#ifndef BERTH_COLLECTOR_PARSE_UTIL_H_
#define BERTH_COLLECTOR_PARSE_UTIL_H_

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

namespace berth::collector::parse {

namespace internal {
struct SpaceTable {
  bool is_space[256] = {};
  bool is_blank[256] = {};  // whitespace other than '\n'
  constexpr SpaceTable() {
    for (char c : {' ', '\t', '\n', '\r', '\v', '\f'}) {
      is_space[static_cast<unsigned char>(c)] = true;
      is_blank[static_cast<unsigned char>(c)] = c != '\n';
    }
  }
};
inline constexpr SpaceTable kSpaceTable;
}  // namespace internal

// ' ', '\t', '\n', '\r', '\v', '\f' (one table load, no locale).
inline constexpr bool IsSpace(char c) {
  return internal::kSpaceTable.is_space[static_cast<unsigned char>(c)];
}

// Whitespace other than '\n'.
inline constexpr bool IsBlank(char c) {
  return internal::kSpaceTable.is_blank[static_cast<unsigned char>(c)];
}

// `s` without leading and trailing whitespace.
inline std::string_view Trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size() && IsSpace(s[begin])) ++begin;
  size_t end = s.size();
  while (end > begin && IsSpace(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

// True when `a` and `b` are equal ignoring ASCII case (HTTP tokens, header names).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// True when `s` holds nothing but whitespace.
inline bool IsBlank(std::string_view s) { return Trim(s).empty(); }

// Pops the next line (without its '\n') off the front of *text. Returns false
// once *text is exhausted; a final line without '\n' is still returned.
inline bool NextLine(std::string_view* text, std::string_view* line) {
  if (text->empty()) return false;
  const void* nl = std::memchr(text->data(), '\n', text->size());
  if (nl == nullptr) {
    *line = *text;
    *text = {};
  } else {
    size_t len = static_cast<const char*>(nl) - text->data();
    *line = text->substr(0, len);
    text->remove_prefix(len + 1);
  }
  return true;
}

// Pops the next token separated by spaces or tabs off the front of *line.
// Returns false when only whitespace is left.
inline bool NextToken(std::string_view* line, std::string_view* token) {
  size_t i = 0;
  const size_t n = line->size();
  while (i < n && IsSpace((*line)[i])) ++i;
  if (i == n) {
    *line = {};
    return false;
  }
  size_t j = i;
  while (j < n && !IsSpace((*line)[j])) ++j;
  *token = line->substr(i, j - i);
  line->remove_prefix(j);
  return true;
}

// Whole of `s` as a decimal uint64: no sign, no whitespace, no overflow.
inline bool ToU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Whole of `s` as a decimal int64 (a leading '-' allowed).
inline bool ToI64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Whole of `s` as a decimal int (a leading '-' allowed).
inline bool ToInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Whole of `s` as a plain non-negative decimal ("2.52"; no sign, no
// exponent, no inf/nan).
inline bool ToDouble(std::string_view s, double* out) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out, std::chars_format::fixed);
  return ec == std::errc() && ptr == end;
}

// *out = a * b; false on overflow.
inline bool MulU64(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

// *out = a + b; false on overflow.
inline bool AddU64(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

// USER_HZ ticks -> ns (ticks * 1e9 / user_hz) without intermediate overflow.
// False when user_hz is 0 or the result does not fit in 64 bits.
inline bool TicksToNs(uint64_t ticks, uint64_t user_hz, uint64_t* ns) {
  if (user_hz == 0) return false;
  unsigned __int128 v = static_cast<unsigned __int128>(ticks) * 1000000000u / user_hz;
  if (v > UINT64_MAX) return false;
  *ns = static_cast<uint64_t>(v);
  return true;
}

}  // namespace berth::collector::parse

#endif  // BERTH_COLLECTOR_PARSE_UTIL_H_
