// Valid UTF-8 for everything berth writes (label values, JSON, the terminal).
// Text from outside (cgroup directory names, runtime names, images, labels,
// interface and device names) is kept as read in the Snapshot; every output
// path passes it through here. The rule: valid UTF-8 passes unchanged; each
// ill-formed part becomes U+FFFD, one per *maximal subpart* (Unicode §3.9,
// "U+FFFD Substitution of Maximal Subparts", as the WHATWG decoder, Go and
// nlohmann's error_handler_t::replace do): a byte that cannot start a
// sequence, an overlong form (C0, C1, E0 80..9F, F0 80..8F), a surrogate
// (ED A0..BF), a code point above U+10FFFF (F4 90.., F5..FF), or a sequence
// cut short by a byte that cannot continue it (the bytes up to that point are
// one U+FFFD; the offending byte is looked at again) or by the end.
// For a terminal, TerminalText also replaces each control character (C0
// U+0000..001F, DEL, C1 U+0080..009F) with U+FFFD, so a name cannot carry an
// escape sequence; every character and every U+FFFD is one code point, which
// is what berth's column arithmetic counts.
//
// Pure functions; no allocation when the input is already fine (the checks
// read eight ASCII bytes at a time); thread-safe; never throw.
#ifndef BERTH_COLLECTOR_UTF8_TEXT_H_
#define BERTH_COLLECTOR_UTF8_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace berth::collector {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The first step through `text` (not empty): the byte length of the
// well-formed sequence that starts it (valid) or of the maximal ill-formed
// subpart there (not valid, length >= 1).
struct Utf8Step {
  size_t length;
  bool valid;
};
Utf8Step FirstUtf8Step(std::string_view text);

bool IsValidUtf8(std::string_view text);

// Appends `text` with each maximal ill-formed subpart replaced by U+FFFD.
void AppendValidUtf8(std::string& out, std::string_view text);
std::string ValidUtf8(std::string_view text);

// `text` itself when it is valid UTF-8 (no copy), else the replaced text,
// kept in `storage`.
std::string_view ValidUtf8View(std::string_view text, std::string& storage);

// True when `text` is valid UTF-8 without control characters.
bool IsTerminalSafe(std::string_view text);
// ValidUtf8, and each control character (C0, DEL, C1) replaced by U+FFFD.
void AppendTerminalText(std::string& out, std::string_view text);
std::string TerminalText(std::string_view text);

// Code points of `text` once made valid (each U+FFFD counts one).
size_t CodePointCount(std::string_view text);
// Byte length of the first `count` code points of `text`, counted as
// CodePointCount does (never cuts a sequence; an ill-formed subpart is one).
size_t CodePointPrefixBytes(std::string_view text, size_t count);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_UTF8_TEXT_H_
