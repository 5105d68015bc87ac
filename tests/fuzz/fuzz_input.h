// Helpers shared by the libFuzzer targets: the input as a string_view and a
// split of it into fields for parsers that take more than one argument.
// Header-only; each *_fuzz.cc defines LLVMFuzzerTestOneInput.
#ifndef BERTH_TESTS_FUZZ_FUZZ_INPUT_H_
#define BERTH_TESTS_FUZZ_FUZZ_INPUT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace berth::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input cut at its first N-1 NUL bytes into N parts (missing parts are
// empty; the last part keeps any further NULs).
template <size_t N>
std::array<std::string_view, N> SplitAtNul(std::string_view text) {
  std::array<std::string_view, N> parts{};
  for (size_t i = 0; i + 1 < N; ++i) {
    size_t nul = text.find('\0');
    if (nul == std::string_view::npos) {
      parts[i] = text;
      return parts;
    }
    parts[i] = text.substr(0, nul);
    text.remove_prefix(nul + 1);
  }
  parts[N - 1] = text;
  return parts;
}

}  // namespace berth::fuzz

#endif  // BERTH_TESTS_FUZZ_FUZZ_INPUT_H_
