#include "collector/utf8_text.h"

#include <cstdint>
#include <cstring>

namespace berth::collector {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

uint64_t Load8(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  return word;
}

// A byte of `word` that is not printable ASCII (>= 0x80, < 0x20 or 0x7F)
// sets that byte's high bit of the result.
uint64_t NotPrintableAscii(uint64_t word) {
  const uint64_t below_space = (word - kOnes * 0x20) & ~word;
  const uint64_t del = word ^ (kOnes * 0x7F);
  const uint64_t is_del = (del - kOnes) & ~del;
  return (word | below_space | is_del) & kHighBits;
}

// Length of the leading run of ASCII bytes.
size_t AsciiPrefix(std::string_view text) {
  size_t i = 0;
  while (i + 8 <= text.size() && (Load8(text.data() + i) & kHighBits) == 0) i += 8;
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

// Length of the leading run of printable ASCII bytes (0x20..0x7E).
size_t PrintableAsciiPrefix(std::string_view text) {
  size_t i = 0;
  while (i + 8 <= text.size() && NotPrintableAscii(Load8(text.data() + i)) == 0) i += 8;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F) break;
    ++i;
  }
  return i;
}

// A well-formed sequence of `length` bytes at `p` that is a control character.
bool IsControl(const char* p, size_t length) {
  const auto b0 = static_cast<unsigned char>(p[0]);
  if (length == 1) return b0 < 0x20 || b0 == 0x7F;
  return length == 2 && b0 == 0xC2 && static_cast<unsigned char>(p[1]) < 0xA0;  // U+0080..009F
}

// Appends `text`, replacing ill-formed subparts and, when `terminal`, controls.
void AppendReplaced(std::string& out, std::string_view text, bool terminal) {
  size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = text.substr(i);
    const size_t run = terminal ? PrintableAsciiPrefix(rest) : AsciiPrefix(rest);
    out.append(rest.data(), run);
    i += run;
    if (i == text.size()) break;
    const Utf8Step step = FirstUtf8Step(text.substr(i));
    if (step.valid && !(terminal && IsControl(text.data() + i, step.length))) {
      out.append(text.data() + i, step.length);
    } else {
      out.append(kReplacementCharacter);
    }
    i += step.length;
  }
}

}  // namespace

Utf8Step FirstUtf8Step(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return {1, true};
  // Table 3-7 of the Unicode standard: the lead byte fixes the length and
  // the range of the second byte; later bytes are 80..BF.
  size_t continuation;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation = 2;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation = 3;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};  // 80..C1, F5..FF never start a sequence
  }
  for (size_t i = 1; i <= continuation; ++i) {
    if (i >= text.size()) return {i, false};
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < low || byte > high) return {i, false};
    low = 0x80;
    high = 0xBF;
  }
  return {continuation + 1, true};
}

bool IsValidUtf8(std::string_view text) {
  size_t i = AsciiPrefix(text);
  while (i < text.size()) {
    const Utf8Step step = FirstUtf8Step(text.substr(i));
    if (!step.valid) return false;
    i += step.length;
    i += AsciiPrefix(text.substr(i));
  }
  return true;
}

void AppendValidUtf8(std::string& out, std::string_view text) {
  AppendReplaced(out, text, false);
}

std::string ValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  AppendReplaced(out, text, false);
  return out;
}

std::string_view ValidUtf8View(std::string_view text, std::string& storage) {
  if (IsValidUtf8(text)) return text;
  storage.clear();
  AppendReplaced(storage, text, false);
  return storage;
}

bool IsTerminalSafe(std::string_view text) {
  size_t i = PrintableAsciiPrefix(text);
  while (i < text.size()) {
    const Utf8Step step = FirstUtf8Step(text.substr(i));
    if (!step.valid || IsControl(text.data() + i, step.length)) return false;
    i += step.length;
    i += PrintableAsciiPrefix(text.substr(i));
  }
  return true;
}

void AppendTerminalText(std::string& out, std::string_view text) {
  AppendReplaced(out, text, true);
}

std::string TerminalText(std::string_view text) {
  if (IsTerminalSafe(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  AppendReplaced(out, text, true);
  return out;
}

size_t CodePointCount(std::string_view text) {
  size_t count = 0, i = 0;
  while (i < text.size()) {
    const size_t run = AsciiPrefix(text.substr(i));
    count += run;
    i += run;
    if (i == text.size()) break;
    i += FirstUtf8Step(text.substr(i)).length;
    ++count;
  }
  return count;
}

size_t CodePointPrefixBytes(std::string_view text, size_t count) {
  size_t i = 0;
  for (size_t seen = 0; seen < count && i < text.size(); ++seen) {
    i += FirstUtf8Step(text.substr(i)).length;
  }
  return i;
}

}  // namespace berth::collector
