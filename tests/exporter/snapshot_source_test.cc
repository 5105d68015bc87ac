#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "exporter/snapshot_source.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

class CountingSource : public SnapshotSource {
 public:
  explicit CountingSource(std::chrono::milliseconds delay = {}) : delay_(delay) {}
  collector::SnapshotPtr Collect() override {
    const int n = ++calls_;
    std::this_thread::sleep_for(delay_);
    return testing::MakeSnapshot(static_cast<size_t>(n));
  }
  collector::ErrorCounts ErrorTotals() const override { return {{"cgroup", static_cast<uint64_t>(calls_.load())}}; }
  std::atomic<int> calls_{0};

 private:
  std::chrono::milliseconds delay_;
};

TEST(SharedCollectionTest, ReusesWithinWindowAndKeepsPrevious) {
  CountingSource source;
  auto now = SharedCollection::Clock::time_point(std::chrono::seconds(100));
  SharedCollection shared(source, std::chrono::milliseconds(500), [&] { return now; });
  auto first = shared.Get();
  EXPECT_FALSE(first.shared);
  EXPECT_EQ(first.previous, nullptr);
  EXPECT_EQ(first.current->containers.size(), 1u);
  now += std::chrono::milliseconds(499);
  auto second = shared.Get();
  EXPECT_TRUE(second.shared);
  EXPECT_EQ(second.current, first.current);
  now += std::chrono::milliseconds(1);
  auto third = shared.Get();
  EXPECT_FALSE(third.shared);
  EXPECT_EQ(third.previous, first.current);
  EXPECT_EQ(third.current->containers.size(), 2u);
  EXPECT_EQ(third.error_totals.at("cgroup"), 2u);
  EXPECT_EQ(shared.collections(), 2u);
  EXPECT_EQ(source.calls_, 2);
}

TEST(SharedCollectionTest, ConcurrentRequestsShareOneCollection) {
  CountingSource source(std::chrono::milliseconds(100));
  SharedCollection shared(source, std::chrono::milliseconds(500));
  std::vector<std::thread> threads;
  std::vector<collector::SnapshotPtr> seen(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { seen[i] = shared.Get().current; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(source.calls_, 1);
  for (const auto& s : seen) EXPECT_EQ(s, seen[0]);
}

TEST(SharedCollectionTest, ZeroWindowCollectsEveryTime) {
  CountingSource source;
  SharedCollection shared(source, std::chrono::milliseconds(0));
  shared.Get();
  shared.Get();
  EXPECT_EQ(source.calls_, 2);
}

}  // namespace
}  // namespace berth::exporter
