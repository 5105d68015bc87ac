// The shared flags: runtime API timeouts take a unit and a sane range.
#include "cli/common_options.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace berth::cli {
namespace {

// Parses `args` after "berth"; the options, or nullopt when CLI11 refused.
std::optional<CommonOptions> Parse(std::vector<std::string> args) {
  CLI::App app("berth");
  CommonOptions options;
  AddCommonOptions(&app, &options);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants it reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError&) {
    return std::nullopt;
  }
  return options;
}

TEST(CommonOptionsTest, TimeoutsDefaultToOneSecond) {
  auto options = Parse({});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->docker_timeout_ms, 1000);
  EXPECT_EQ(options->podman_timeout_ms, 1000);
  EXPECT_EQ(options->crio_timeout_ms, 1000);
}

TEST(CommonOptionsTest, TimeoutsTakeMillisecondsOrSeconds) {
  struct Case {
    std::string flag, value;
    std::optional<double> want_ms;  // nullopt: refused
  };
  const Case cases[] = {
      {"--docker.timeout", "250ms", 250},
      {"--docker.timeout", "2s", 2000},
      {"--docker.timeout", "1.5s", 1500},
      {"--podman.timeout", "3s", 3000},
      {"--crio.timeout", "40ms", 40},
      {"--docker.timeout", "5", std::nullopt},     // no unit: ambiguous
      {"--docker.timeout", "5m", std::nullopt},    // 5 minutes: above 60 s
      {"--docker.timeout", "0ms", std::nullopt},   // below 10 ms
      {"--docker.timeout", "120s", std::nullopt},  // above 60 s
      {"--docker.timeout", "soon", std::nullopt},
      {"--docker.timeout", "nanms", std::nullopt},  // NaN passes CLI::Range
      {"--docker.timeout", "infs", std::nullopt},
      {"--docker.timeout", "-5ms", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag + "=" + c.value);
    auto options = Parse({c.flag, c.value});
    ASSERT_EQ(options.has_value(), c.want_ms.has_value());
    if (!options) continue;
    const double got = c.flag == "--docker.timeout"   ? options->docker_timeout_ms
                       : c.flag == "--podman.timeout" ? options->podman_timeout_ms
                                                      : options->crio_timeout_ms;
    EXPECT_DOUBLE_EQ(got, *c.want_ms);
  }
}

TEST(CommonOptionsTest, FiniteRangeRefusesNanInfinityNegativeAndHuge) {
  for (const char* value : {"nan", "NaN", "inf", "-inf", "-1", "1e300", "x"}) {
    SCOPED_TRACE(value);
    CLI::App app("berth");
    double interval = 1;
    app.add_option("--interval", interval)->check(FiniteRange(0.1, 3600.0));
    EXPECT_THROW(app.parse(std::vector<std::string>{value, "--interval"}), CLI::ValidationError);
  }
  CLI::App app("berth");
  double interval = 1;
  app.add_option("--interval", interval)->check(FiniteRange(0.1, 3600.0));
  app.parse(std::vector<std::string>{"2.5", "--interval"});
  EXPECT_DOUBLE_EQ(interval, 2.5);
}

}  // namespace
}  // namespace berth::cli
