#include "collector/extra_parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace berth::collector {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParsePidListTest, SortsAndDeduplicates) {
  std::vector<int> pids{99};
  EXPECT_TRUE(ParsePidList("4150\n4123\n4150\n", pids));
  EXPECT_THAT(pids, ElementsAre(4123, 4150));
}

TEST(ParsePidListTest, EmptyFileIsNoProcess) {
  std::vector<int> pids{1};
  EXPECT_TRUE(ParsePidList("", pids));
  EXPECT_THAT(pids, IsEmpty());
  EXPECT_TRUE(ParsePidList("\n\n", pids));
  EXPECT_THAT(pids, IsEmpty());
}

TEST(ParsePidListTest, MalformedLineKeepsTheGoodOnes) {
  std::vector<int> pids;
  EXPECT_FALSE(ParsePidList("12\nabc\n7\n", pids));
  EXPECT_THAT(pids, ElementsAre(7, 12));
  EXPECT_FALSE(ParsePidList("-1\n", pids));
  EXPECT_FALSE(ParsePidList("99999999999\n", pids));  // overflows a pid
}

TEST(ParsePidListTest, NoTrailingNewline) {
  std::vector<int> pids;
  EXPECT_TRUE(ParsePidList("5\n6", pids));
  EXPECT_THAT(pids, ElementsAre(5, 6));
}

TEST(CountIdLinesTest, Counts) {
  EXPECT_EQ(CountIdLines("1\n2\n3\n"), 3u);
  EXPECT_EQ(CountIdLines(""), 0u);
  EXPECT_EQ(CountIdLines("1\nx\n"), std::nullopt);
}

}  // namespace
}  // namespace berth::collector
