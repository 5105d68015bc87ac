// FreshnessSchedule: for every Freshness, whether a file is due given the
// collection's plan, what the file gave last and the reader's condition; the
// limit files (kOnWrite) together, on a watched write, with the guard, and
// with the re-check only while not all could be watched; kOnNotify on the
// kernel's notification; FreshnessClock's intervals.
#include "collector/freshness.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>

namespace berth::collector {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

// A plan where nothing periodic is due.
ReadPlan Quiet() {
  ReadPlan p;
  p.recheck = false;
  p.guard = false;
  p.processes_wanted = false;
  p.host_oom_kills_moved = false;
  return p;
}

struct Case {
  const char* what;
  Freshness freshness;
  bool have;        // the file gave a value before
  bool zero;        // ... and it was zero (kUntilZero)
  bool recheck;     // plan.recheck
  bool condition;   // the reader's condition
  bool due;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.what; }

class FreshnessDueTest : public ::testing::TestWithParam<Case> {};

TEST_P(FreshnessDueTest, DueFollowsTheDeclaredFreshness) {
  const Case& c = GetParam();
  const ControlFileSpec table[] = {{"f", c.freshness}};
  FreshnessSchedule schedule(table);
  if (c.have) schedule.Stored(0);
  schedule.SawZero(0, c.zero);
  ReadPlan plan = Quiet();
  plan.recheck = c.recheck;
  plan.host_without_swap = true;
  EXPECT_EQ(schedule.Due(0, plan, c.condition), c.due) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FreshnessDueTest,
    ::testing::Values(
        Case{"every collection", Freshness::kEveryCollection, true, false, false, false, true},
        Case{"while may change: first read", Freshness::kWhileMayChange, false, false, false, false,
             true},
        Case{"while may change: cannot", Freshness::kWhileMayChange, true, false, false, false,
             false},
        Case{"while may change: may", Freshness::kWhileMayChange, true, false, false, true, true},
        Case{"while may change: re-check", Freshness::kWhileMayChange, true, false, true, false,
             true},
        Case{"host oom kills stand", Freshness::kWithHostOomKills, true, false, false, true, false},
        Case{"host oom kills: re-check", Freshness::kWithHostOomKills, true, false, true, false,
             true},
        Case{"until zero: not yet zero", Freshness::kUntilZero, true, false, true, false, true},
        Case{"until zero: zero, no swap", Freshness::kUntilZero, true, true, true, true, false},
        Case{"process list: not needed", Freshness::kProcessList, false, false, false, false, false},
        Case{"process list: reader needs", Freshness::kProcessList, false, false, false, true, true},
        Case{"process list: re-check", Freshness::kProcessList, false, false, true, false, true},
        Case{"only when needed: not", Freshness::kOnlyWhenNeeded, false, false, true, false, false},
        Case{"only when needed", Freshness::kOnlyWhenNeeded, false, false, false, true, true},
        Case{"when needed: not", Freshness::kEveryCollectionWhenNeeded, true, false, true, false,
             false},
        Case{"until parsed: not yet", Freshness::kUntilParsed, false, false, false, false, true},
        Case{"until parsed: parsed", Freshness::kUntilParsed, true, false, true, true, false},
        Case{"notify: no watch reads every time", Freshness::kOnNotify, true, false, false, false,
             true}));

TEST(FreshnessTest, PlanFactsDecideTheirKinds) {
  const ControlFileSpec table[] = {{"psi", Freshness::kWithPressure},
                                   {"oom", Freshness::kWithHostOomKills},
                                   {"swap", Freshness::kUntilZero},
                                   {"procs", Freshness::kProcessList}};
  FreshnessSchedule schedule(table);
  for (size_t i = 0; i < 4; ++i) schedule.Stored(i);
  schedule.SawZero(2, true);
  ReadPlan plan = Quiet();
  plan.pressure = false;
  EXPECT_FALSE(schedule.Due(0, plan));
  EXPECT_FALSE(schedule.Due(1, plan));
  EXPECT_TRUE(schedule.Due(2, plan));  // the host has swap
  EXPECT_FALSE(schedule.Due(3, plan, false));
  plan.pressure = true;
  plan.host_oom_kills_moved = true;
  plan.host_without_swap = true;
  plan.processes_wanted = true;
  EXPECT_TRUE(schedule.Due(0, plan));
  EXPECT_TRUE(schedule.Due(1, plan));
  EXPECT_FALSE(schedule.Due(2, plan));
  EXPECT_TRUE(schedule.Due(3, plan, false));
}

TEST(FreshnessTest, ForgetMakesTheNextCollectionReadAgain) {
  const ControlFileSpec table[] = {{"failcnt", Freshness::kWhileMayChange}};
  FreshnessSchedule schedule(table);
  schedule.Stored(0);
  EXPECT_FALSE(schedule.Due(0, Quiet(), false));
  schedule.Forget(0);  // the read failed: no value to report
  EXPECT_TRUE(schedule.Due(0, Quiet(), false));
}

TEST(FreshnessTest, ClockIsDueOncePerInterval) {
  FreshnessClock clock;
  ReadPlan plan;
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  clock.Tick(t0, milliseconds(10000), milliseconds(300000), plan);
  EXPECT_TRUE(plan.recheck);
  EXPECT_TRUE(plan.guard);
  for (int i = 1; i < 10; ++i) {  // slot 0: ten collections and the interval
    clock.Tick(t0 + milliseconds(1000 * i), milliseconds(10000), milliseconds(300000), plan);
    EXPECT_FALSE(plan.recheck) << i;
  }
  clock.Tick(t0 + milliseconds(9999), milliseconds(10000), milliseconds(300000), plan);
  EXPECT_FALSE(plan.recheck);  // ten collections, not yet the interval
  EXPECT_FALSE(plan.guard);
  clock.Tick(t0 + milliseconds(10000), milliseconds(10000), milliseconds(300000), plan);
  EXPECT_TRUE(plan.recheck);
  EXPECT_FALSE(plan.guard);
  clock.Tick(t0 + milliseconds(10001), milliseconds(0), milliseconds(0), plan);
  EXPECT_TRUE(plan.recheck);
  EXPECT_TRUE(plan.guard);
}

// Containers found together re-check in turn: a tenth of them in each
// collection, whether collections come 1 s or 15 s apart (issue 14: a 15 s
// scrape met every container's re-check at once), each one every 10 s at
// 1 s, every 10 collections at 15 s.
TEST(FreshnessTest, RechecksAreSpreadOverCollectionsAtAnyInterval) {
  for (const int interval_ms : {1000, 15000}) {
    SCOPED_TRACE(interval_ms);
    std::vector<FreshnessClock> clocks;
    for (unsigned slot = 0; slot < 100; ++slot) clocks.emplace_back(slot);
    std::vector<int> last(clocks.size(), 0);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    for (int collection = 0; collection < 60; ++collection) {
      int due = 0;
      for (size_t i = 0; i < clocks.size(); ++i) {
        ReadPlan plan;
        clocks[i].Tick(t0 + milliseconds(interval_ms * collection), milliseconds(10000),
                       milliseconds(300000), plan);
        if (!plan.recheck) continue;
        ++due;
        if (collection > 10) EXPECT_EQ(collection - last[i], 10) << i;
        last[i] = collection;
      }
      EXPECT_EQ(due, collection == 0 ? 100 : 10) << collection;
    }
  }
}

class FreshnessWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("berth-freshness-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    Write("a", "max\n");
    Write("b", "max\n");
    Write("events", "low 0\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::trunc) << text;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(FreshnessWatchTest, LimitFilesAreDueTogetherOnAWriteOrTheGuard) {
  const ControlFileSpec table[] = {{"a", Freshness::kOnWrite}, {"b", Freshness::kOnWrite}};
  FileChangeWatch watch;
  FreshnessSchedule schedule(table);
  ReadPlan plan = Quiet();
  plan.watch = &watch;
  schedule.WatchOnce(plan, [&](size_t i) { return Path(table[i].name); });
  watch.Poll();
  plan.recheck = true;  // the 10 s re-check does not re-read watched files
  EXPECT_TRUE(schedule.OnWriteDue(plan));  // never read
  EXPECT_TRUE(schedule.Due(1, plan));
  schedule.OnWriteStored();
  EXPECT_FALSE(schedule.OnWriteDue(plan));
  EXPECT_FALSE(schedule.Due(0, plan));
  plan.guard = true;
  EXPECT_TRUE(schedule.OnWriteDue(plan));
  plan.guard = false;
  Write("b", "100\n");
  watch.Poll();
  EXPECT_TRUE(schedule.OnWriteDue(plan));
  EXPECT_TRUE(schedule.Due(0, plan));
  watch.Poll();
  EXPECT_FALSE(schedule.OnWriteDue(plan));
}

TEST_F(FreshnessWatchTest, LimitFilesThatCannotBeWatchedFollowTheRecheck) {
  const ControlFileSpec table[] = {{"a", Freshness::kOnWrite},
                                   {"a/below-a-file", Freshness::kOnWrite}};  // ENOTDIR
  FileChangeWatch watch;
  FreshnessSchedule schedule(table);
  ReadPlan plan = Quiet();
  plan.watch = &watch;
  schedule.WatchOnce(plan, [&](size_t i) { return Path(table[i].name); });
  schedule.OnWriteStored();
  watch.Poll();
  EXPECT_FALSE(schedule.OnWriteDue(plan));
  plan.recheck = true;
  EXPECT_TRUE(schedule.OnWriteDue(plan));
}

TEST_F(FreshnessWatchTest, NotifiedFileIsDueOnItsNotificationAndTheRecheck) {
  const ControlFileSpec table[] = {{"events", Freshness::kOnNotify}};
  FileChangeWatch watch;
  FreshnessSchedule schedule(table);
  ReadPlan plan = Quiet();
  plan.watch = &watch;
  schedule.WatchOnce(plan, [&](size_t i) { return Path(table[i].name); });
  watch.Poll();
  EXPECT_TRUE(schedule.Due(0, plan));  // nothing read yet
  schedule.Stored(0);
  EXPECT_FALSE(schedule.Due(0, plan));
  plan.recheck = true;
  EXPECT_TRUE(schedule.Due(0, plan));
  plan.recheck = false;
  Write("events", "low 1\n");
  watch.Poll();
  EXPECT_TRUE(schedule.Due(0, plan));
  schedule.Clear();  // watch removed: read every time until watched again
  EXPECT_TRUE(schedule.Due(0, plan));
  EXPECT_EQ(watch.tracked(), 0u);
}

}  // namespace
}  // namespace berth::collector
