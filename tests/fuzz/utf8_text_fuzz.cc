// Fuzzes the UTF-8 sanitizer (collector/utf8_text.h) against a second,
// deliberately naive decoder written from Unicode's Table 3-7 (well-formed
// byte sequences) and §3.9's maximal-subpart rule. For any bytes:
//   - IsValidUtf8 agrees with the reference;
//   - ValidUtf8 equals the reference's replacement, is valid, is idempotent,
//     and leaves valid input unchanged (ValidUtf8View without a copy);
//   - TerminalText is terminal-safe and equals ValidUtf8 with controls replaced;
//   - CodePointCount is the reference's code-point count, and every
//     CodePointPrefixBytes cut lies on a step boundary.
// Any disagreement aborts (a crash for libFuzzer).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "collector/utf8_text.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Step {
  size_t length;
  bool valid;
  uint32_t code_point;
};

// Table 3-7: the allowed range of each byte after the first, by first byte.
bool SecondByteAllowed(uint8_t first, uint8_t second) {
  if (first == 0xE0) return second >= 0xA0 && second <= 0xBF;
  if (first == 0xED) return second >= 0x80 && second <= 0x9F;
  if (first == 0xF0) return second >= 0x90 && second <= 0xBF;
  if (first == 0xF4) return second >= 0x80 && second <= 0x8F;
  return second >= 0x80 && second <= 0xBF;
}

Step ReferenceStep(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t first = byte(0);
  if (first < 0x80) return {1, true, first};
  size_t need = 0;
  uint32_t cp = 0;
  if (first >= 0xC2 && first <= 0xDF) {
    need = 2, cp = first & 0x1F;
  } else if (first >= 0xE0 && first <= 0xEF) {
    need = 3, cp = first & 0x0F;
  } else if (first >= 0xF0 && first <= 0xF4) {
    need = 4, cp = first & 0x07;
  } else {
    return {1, false, 0};
  }
  size_t i = 1;
  for (; i < need; ++i) {
    if (i >= text.size()) return {i, false, 0};
    const uint8_t b = byte(i);
    const bool ok = i == 1 ? SecondByteAllowed(first, b) : (b >= 0x80 && b <= 0xBF);
    if (!ok) return {i, false, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {need, true, cp};
}

bool IsControl(uint32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace c = berth::collector;
  const std::string_view raw = berth::fuzz::AsText(data, size);

  std::string replaced, terminal;
  std::vector<size_t> boundaries{0};
  bool valid = true;
  for (size_t at = 0; at < raw.size();) {
    const Step step = ReferenceStep(raw.substr(at));
    const c::Utf8Step theirs = c::FirstUtf8Step(raw.substr(at));
    Check(theirs.length == step.length && theirs.valid == step.valid);
    const std::string_view piece = step.valid ? raw.substr(at, step.length) : c::kReplacementCharacter;
    replaced += piece;
    terminal += step.valid && !IsControl(step.code_point) ? piece : c::kReplacementCharacter;
    valid = valid && step.valid;
    at += step.length;
    boundaries.push_back(at);
  }

  Check(c::IsValidUtf8(raw) == valid);
  const std::string ours = c::ValidUtf8(raw);
  Check(ours == replaced);
  Check(c::IsValidUtf8(ours) && c::ValidUtf8(ours) == ours);
  std::string storage;
  const std::string_view view = c::ValidUtf8View(raw, storage);
  Check(view == replaced);
  Check(!valid || (view.data() == raw.data() && storage.empty()));

  const std::string shown = c::TerminalText(raw);
  Check(shown == terminal && c::IsTerminalSafe(shown));
  Check(c::IsTerminalSafe(raw) == (valid && terminal == raw));

  const size_t count = boundaries.size() - 1;
  Check(c::CodePointCount(raw) == count);
  for (size_t n : {size_t{0}, size_t{1}, count / 2, count, count + 3}) {
    const size_t cut = c::CodePointPrefixBytes(raw, n);
    Check(cut == boundaries[n < count ? n : count]);
  }
  return 0;
}
