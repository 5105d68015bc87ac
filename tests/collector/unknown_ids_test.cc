// UnknownIds, the followers' negative cache: an id stays remembered until an
// event forgets it, a reconnect clears all, or its retry interval passed
// (then it is due once and remembered anew); ids out of sight are dropped;
// the set is capped.
#include "collector/runtimes/unknown_ids.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::collector {
namespace {

using std::chrono::milliseconds;
using Clock = UnknownIds::Clock;

TEST(UnknownIdsTest, RememberedUntilTheRetryIsDue) {
  UnknownIds unknown(milliseconds(1000));
  const Clock::time_point t0{};
  EXPECT_FALSE(unknown.Contains("a", t0));
  unknown.Remember("a", t0);
  EXPECT_TRUE(unknown.Contains("a", t0));
  EXPECT_TRUE(unknown.Contains("a", t0 + milliseconds(999)));
  EXPECT_FALSE(unknown.Contains("a", t0 + milliseconds(1000)));  // asked once more
  EXPECT_FALSE(unknown.Contains("b", t0));
}

TEST(UnknownIdsTest, RememberingAgainKeepsTheFirstTimeUntilTheRetry) {
  UnknownIds unknown(milliseconds(1000));
  const Clock::time_point t0{};
  unknown.Remember("a", t0);
  unknown.Remember("a", t0 + milliseconds(500));  // a list for another id missed it again
  EXPECT_FALSE(unknown.Contains("a", t0 + milliseconds(1000)));
  unknown.Remember("a", t0 + milliseconds(1000));  // the retry's list: again for a while
  EXPECT_TRUE(unknown.Contains("a", t0 + milliseconds(1999)));
  EXPECT_FALSE(unknown.Contains("a", t0 + milliseconds(2000)));
}

TEST(UnknownIdsTest, ForgetClearAndRetain) {
  UnknownIds unknown(milliseconds(1000));
  const Clock::time_point t0{};
  for (const char* id : {"a", "b", "c"}) unknown.Remember(id, t0);
  unknown.Forget("b");  // an event named it
  EXPECT_FALSE(unknown.Contains("b", t0));
  EXPECT_TRUE(unknown.Contains("a", t0));
  unknown.Retain([](const std::string& id) { return id == "c"; });  // "a" left the host
  EXPECT_FALSE(unknown.Contains("a", t0));
  EXPECT_TRUE(unknown.Contains("c", t0));
  EXPECT_EQ(unknown.size(), 1u);
  unknown.Clear();  // the stream reconnected
  EXPECT_FALSE(unknown.Contains("c", t0));
  EXPECT_EQ(unknown.size(), 0u);
}

TEST(UnknownIdsTest, ZeroRetryRemembersNothingUsefully) {
  UnknownIds unknown(milliseconds(0));
  unknown.Remember("a", Clock::time_point{});
  EXPECT_FALSE(unknown.Contains("a", Clock::time_point{}));
}

TEST(UnknownIdsTest, CappedAtMaxIds) {
  UnknownIds unknown(milliseconds(1000));
  const Clock::time_point t0{};
  for (size_t i = 0; i < UnknownIds::kMaxIds + 10; ++i) unknown.Remember(std::to_string(i), t0);
  EXPECT_EQ(unknown.size(), UnknownIds::kMaxIds);
  EXPECT_TRUE(unknown.Contains("0", t0));
  EXPECT_FALSE(unknown.Contains(std::to_string(UnknownIds::kMaxIds + 5), t0));
}

}  // namespace
}  // namespace berth::collector
