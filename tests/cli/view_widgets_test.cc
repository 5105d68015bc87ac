#include "cli/view_widgets.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

TEST(ViewWidgetsTest, TruncateAtEachWidth) {
  const std::string name = "my-very-long-container-name";
  for (size_t width = 0; width <= name.size() + 2; ++width) {
    std::string cut = Truncate(name, width);
    EXPECT_LE(DisplayWidth(cut), width) << width;
    if (width >= name.size()) {
      EXPECT_EQ(cut, name) << width;
    } else if (width > 0) {
      EXPECT_EQ(cut.size(), width);
      EXPECT_EQ(cut.back(), '~') << width;
      EXPECT_EQ(cut.substr(0, width - 1), name.substr(0, width - 1));
    } else {
      EXPECT_EQ(cut, "");
    }
    EXPECT_EQ(DisplayWidth(PadRight(name, width)), width);
    EXPECT_EQ(DisplayWidth(PadLeft(name, width)), width);
  }
}

TEST(ViewWidgetsTest, TruncateCountsCodePointsNotBytes) {
  const std::string text = "caf\xC3\xA9-\xC3\xA9t\xC3\xA9";  // "café-été", 8 columns
  EXPECT_EQ(DisplayWidth(text), 8u);
  EXPECT_EQ(Truncate(text, 8), text);
  EXPECT_EQ(Truncate(text, 5), "caf\xC3\xA9~");
  EXPECT_EQ(DisplayWidth(Truncate(text, 4)), 4u);
  EXPECT_EQ(PadRight(text, 10), text + "  ");
}

TEST(ViewWidgetsTest, Padding) {
  EXPECT_EQ(PadRight("ab", 5), "ab   ");
  EXPECT_EQ(PadLeft("ab", 5), "   ab");
  EXPECT_EQ(PadLeft("abcdef", 4), "abc~");
}

TEST(ViewWidgetsTest, Bar) {
  struct Case {
    std::optional<double> fraction;
    size_t width;
    const char* want;
  } cases[] = {
      {0.0, 12, "[          ]"},   {0.5, 12, "[|||||     ]"}, {1.0, 12, "[||||||||||]"},
      {2.0, 12, "[||||||||||]"},   {-1.0, 12, "[          ]"}, {0.001, 12, "[|         ]"},
      {std::nullopt, 7, "[     ]"}, {0.5, 3, "[|]"},          {0.5, 2, ""},
      {0.26, 6, "[|   ]"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Bar(c.fraction, c.width), c.want) << c.fraction.value_or(-9) << " " << c.width;
  }
}

TEST(ViewWidgetsTest, SparklineAscii) {
  std::vector<std::optional<double>> v = {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0};
  EXPECT_EQ(Sparkline(v, 8, 7.0, false), "_.-=+*#@");
  EXPECT_EQ(Sparkline(v, 8, 0.0, false), "_.-=+*#@");   // scale to the largest
  EXPECT_EQ(Sparkline(v, 10, 7.0, false), "  _.-=+*#@");  // right-aligned
  EXPECT_EQ(Sparkline(v, 3, 7.0, false), "*#@");         // the newest values
  EXPECT_EQ(Sparkline({1.0, std::nullopt, 1.0}, 3, 1.0, false), "@ @");
  EXPECT_EQ(Sparkline({}, 4, 0.0, false), "    ");
  EXPECT_EQ(Sparkline({0.0, 0.0}, 2, 0.0, false), "__");  // all zero: floor, no NaN
  EXPECT_EQ(Sparkline({14.0}, 1, 7.0, false), "@");        // clamped
}

TEST(ViewWidgetsTest, SparklineUnicode) {
  std::vector<std::optional<double>> v = {0.0, 7.0};
  const std::string s = Sparkline(v, 3, 7.0, true);
  EXPECT_EQ(s, " \xE2\x96\x81\xE2\x96\x88");  // " ▁█"
  EXPECT_EQ(DisplayWidth(s), 3u);
}

}  // namespace
}  // namespace berth::cli
