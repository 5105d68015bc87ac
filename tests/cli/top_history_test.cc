#include "cli/top_history.h"

#include <gtest/gtest.h>

#include "tests/cli/top_test_util.h"

namespace berth::cli {
namespace {

using testing::RowNamed;

TEST(TopHistoryTest, KeepsTheLastSamplesPerContainerAndForgetsVanished) {
  History history(3);
  for (int i = 1; i <= 5; ++i) {
    TopRow a = RowNamed("a", i * 10.0);
    a.mem_bytes = i * 100;
    a.net_rx_bytes_per_second = i;
    a.net_tx_bytes_per_second = 1;
    TopRow b = RowNamed("b");  // no figures yet
    history.Add({a, b});
  }
  const Series* a = history.Find("a-id");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->cpu_percent, (std::vector<std::optional<double>>{30.0, 40.0, 50.0}));
  EXPECT_EQ(a->mem_bytes, (std::vector<std::optional<double>>{300.0, 400.0, 500.0}));
  EXPECT_EQ(a->net_bytes_per_second, (std::vector<std::optional<double>>{4.0, 5.0, 6.0}));
  const Series* b = history.Find("b-id");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->cpu_percent, (std::vector<std::optional<double>>{std::nullopt, std::nullopt,
                                                                 std::nullopt}));
  history.Add({RowNamed("b", 1.0)});
  EXPECT_EQ(history.Find("a-id"), nullptr);
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.Find("b-id")->cpu_percent.back(), 1.0);
}

TEST(TopHistoryTest, GroupRowsAreNotRecorded) {
  History history;
  TopRow g = RowNamed("shop", 5.0);
  g.is_group = true;
  history.Add({g});
  EXPECT_EQ(history.size(), 0u);
}

}  // namespace
}  // namespace berth::cli
