// Unit strings must match what docker stats (go-units) prints.
#include "cli/format_units.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

struct Case {
  double value;
  const char* want;
};

TEST(FormatUnitsTest, BytesSizeIsBinaryWithFourDigits) {
  const Case cases[] = {
      {0, "0B"},
      {512, "512B"},
      {1023, "1023B"},
      {1024, "1KiB"},
      {557056, "544KiB"},                // seen in docker stats
      {25274654720.0, "23.54GiB"},       // MemTotal of this machine
      {1.5 * 1024 * 1024, "1.5MiB"},
      {1048575, "1024KiB"},              // %.4g of 1023.999 rounds up, as in Go
      {64.0 * 1024 * 1024, "64MiB"},
  };
  for (const auto& c : cases) EXPECT_EQ(BytesSize(c.value), c.want) << c.value;
}

TEST(FormatUnitsTest, HumanSizeIsDecimalWithThreeDigits) {
  const Case cases[] = {
      {0, "0B"},
      {999, "999B"},
      {1000, "1kB"},
      {1234, "1.23kB"},
      {1536000, "1.54MB"},
      {10485760, "10.5MB"},
      {999999, "1e+03kB"},  // Go's %.3g gives the same exponent form
      {3.2e12, "3.2TB"},
  };
  for (const auto& c : cases) EXPECT_EQ(HumanSize(c.value), c.want) << c.value;
}

TEST(FormatUnitsTest, PercentHasTwoDecimals) {
  EXPECT_EQ(Percent(0), "0.00%");
  EXPECT_EQ(Percent(49.639), "49.64%");
  EXPECT_EQ(Percent(150), "150.00%");
}

}  // namespace
}  // namespace berth::cli
