// Table-driven tests of the UTF-8 sanitizer (collector/utf8_text.h): valid
// text passes unchanged, each maximal ill-formed subpart becomes one U+FFFD
// (the cases of Unicode's Table 3-8 and Markus Kuhn's decoder test), and the
// terminal form also replaces controls. nlohmann's error_handler_t::replace
// must agree, since JSON dumps use it as the last guard.
#include "collector/utf8_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace berth::collector {
namespace {

#define R "\xEF\xBF\xBD"  // U+FFFD

struct Case {
  const char* what;
  std::string input;
  std::string valid;     // ValidUtf8
  std::string terminal;  // TerminalText
};

const Case kCases[] = {
    {"empty", "", "", ""},
    {"ascii", "web-1_db.2", "web-1_db.2", "web-1_db.2"},
    {"long ascii (word path)", std::string(41, 'a'), std::string(41, 'a'), std::string(41, 'a')},
    {"two-byte", "caf\xC3\xA9", "caf\xC3\xA9", "caf\xC3\xA9"},
    {"three-byte", "\xE2\x82\xAC" "1", "\xE2\x82\xAC" "1", "\xE2\x82\xAC" "1"},
    {"four-byte", "\xF0\x9F\x90\xB3", "\xF0\x9F\x90\xB3", "\xF0\x9F\x90\xB3"},
    {"highest code point", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},
    {"U+FFFD itself", R, R, R},
    {"lone 0xFF", "a\xFF" "b", "a" R "b", "a" R "b"},
    {"0xFF in a long run", std::string(9, 'x') + "\xFF" + std::string(9, 'y'),
     std::string(9, 'x') + R + std::string(9, 'y'), std::string(9, 'x') + R + std::string(9, 'y')},
    {"lone continuation bytes", "\x80\xBF", R R, R R},
    {"C0 and C1 leads (overlong two-byte)", "\xC0\xAF\xC1\xBF", R R R R, R R R R},
    {"overlong three-byte", "\xE0\x80\xAF", R R R, R R R},
    {"overlong four-byte", "\xF0\x80\x80\xAF", R R R R, R R R R},
    {"surrogate", "\xED\xA0\x80", R R R, R R R},
    {"last before surrogates", "\xED\x9F\xBF", "\xED\x9F\xBF", "\xED\x9F\xBF"},
    {"above U+10FFFF", "\xF4\x90\x80\x80", R R R R, R R R R},
    {"F5..FF leads", "\xF5\xF8\xFC\xFE", R R R R, R R R R},
    {"truncated three-byte at the end", "ab\xE2\x82", "ab" R, "ab" R},
    {"truncated four-byte at the end", "\xF0\x9F\x90", R, R},
    {"truncated lead then ascii", "\xE2\x82z", R "z", R "z"},
    {"truncated lead then a new lead", "\xF0\x9F\xC3\xA9", R "\xC3\xA9", R "\xC3\xA9"},
    {"Table 3-8 example", "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
     "a" R R R "b" R "c" R R "d", "a" R R R "b" R "c" R R "d"},
    {"ESC sequence kept as text but not for the terminal", "a\x1B[2Jb", "a\x1B[2Jb", "a" R "[2Jb"},
    {"C0 controls", "\t\n\r\x07", "\t\n\r\x07", R R R R},
    {"DEL", "x\x7Fy", "x\x7Fy", "x" R "y"},
    {"C1 CSI (U+009B)", "\xC2\x9B" "31m", "\xC2\x9B" "31m", R "31m"},
    {"first non-control after C1", "\xC2\xA0", "\xC2\xA0", "\xC2\xA0"},
    {"NUL", std::string("a\0b", 3), std::string("a\0b", 3), "a" R "b"},
};

class Utf8TextTest : public ::testing::TestWithParam<Case> {};

TEST_P(Utf8TextTest, ReplacesEachMaximalSubpart) {
  const Case& c = GetParam();
  EXPECT_EQ(ValidUtf8(c.input), c.valid);
  EXPECT_EQ(IsValidUtf8(c.input), c.input == c.valid);
  std::string storage;
  const std::string_view view = ValidUtf8View(c.input, storage);
  EXPECT_EQ(view, c.valid);
  if (c.input == c.valid) {
    EXPECT_EQ(view.data(), c.input.data()) << "valid text is not copied";
  }
  std::string appended = "<";
  AppendValidUtf8(appended, c.input);
  EXPECT_EQ(appended, "<" + c.valid);
}

TEST_P(Utf8TextTest, TerminalTextHasNoControls) {
  const Case& c = GetParam();
  EXPECT_EQ(TerminalText(c.input), c.terminal);
  EXPECT_EQ(IsTerminalSafe(c.input), c.input == c.terminal);
  std::string appended = "<";
  AppendTerminalText(appended, c.input);
  EXPECT_EQ(appended, "<" + c.terminal);
}

TEST_P(Utf8TextTest, CountsCodePointsAsReplaced) {
  const Case& c = GetParam();
  EXPECT_EQ(CodePointCount(c.input), CodePointCount(c.valid));
  EXPECT_EQ(CodePointCount(c.input), CodePointCount(c.terminal));
  const size_t n = CodePointCount(c.input);
  EXPECT_EQ(CodePointPrefixBytes(c.input, n), c.input.size());
  if (n > 0) {
    // The first n-1 code points, made valid, are the valid text minus its last one.
    const std::string head = ValidUtf8(c.input.substr(0, CodePointPrefixBytes(c.input, n - 1)));
    EXPECT_EQ(CodePointCount(head), n - 1);
    EXPECT_EQ(c.valid.substr(0, head.size()), head);
  }
}

TEST_P(Utf8TextTest, NlohmannReplaceAgrees) {
  const Case& c = GetParam();
  const nlohmann::json raw = c.input;
  const nlohmann::json clean = c.valid;
  EXPECT_EQ(raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), clean.dump());
}

INSTANTIATE_TEST_SUITE_P(Table, Utf8TextTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Utf8TextTest, EveryTwoByteInputMatchesTheStepwiseRule) {
  // Exhaustive over two bytes: the result is valid and valid input is kept.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string in{static_cast<char>(a), static_cast<char>(b)};
      const std::string out = ValidUtf8(in);
      ASSERT_TRUE(IsValidUtf8(out)) << a << " " << b;
      ASSERT_TRUE(IsTerminalSafe(TerminalText(in))) << a << " " << b;
      if (IsValidUtf8(in)) {
        ASSERT_EQ(out, in);
      }
    }
  }
}

#undef R

}  // namespace
}  // namespace berth::collector
