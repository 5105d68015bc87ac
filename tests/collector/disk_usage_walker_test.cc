// DiskUsageWalker (collector/disk_usage/disk_usage_walker.h): results match
// a TreeWalk of the same tree, the IO budget holds (a walk cannot finish
// faster than entries / entries_per_second), trees are walked again after
// the interval, forgotten when no longer wanted, and a missing root reports
// its errno. Waits poll with wide bounds; nothing asserts an upper time.
#include "collector/disk_usage/disk_usage_walker.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "collector/disk_usage/layer_usage.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using testing::TempTree;
using namespace std::chrono_literals;

// Polls until pred() or 60 s (a loaded host, sanitizers).
template <typename Pred>
bool WaitFor(Pred pred) {
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

void MakeFiles(const TempTree& t, int n, const std::string& dir = "f") {
  for (int i = 0; i < n; ++i) t.Write(dir + "/" + std::to_string(i), std::string(i % 97, 'q'));
}

TEST(DiskUsageWalkerTest, ResultMatchesATreeWalk) {
  TempTree t;
  MakeFiles(t, 300);
  TreeWalk reference(t.path());
  while (!reference.Step(100000)) {
  }
  DiskUsageWalker walker({.entries_per_second = 1000000, .slice_entries = 50});
  walker.Want({t.path()});
  ASSERT_TRUE(WaitFor([&] { return walker.Get(t.path()).has_value(); }));
  const DirUsage got = *walker.Get(t.path());
  EXPECT_EQ(got.totals.bytes, reference.totals().bytes);
  EXPECT_EQ(got.totals.inodes, 302u);
  ASSERT_TRUE(got.fs_size_bytes.has_value());
  EXPECT_GT(*got.fs_size_bytes, 0u);
  ASSERT_TRUE(got.fs_inodes_free.has_value());
  EXPECT_EQ(walker.walks(), 1u);
  EXPECT_EQ(walker.entries(), 301u);  // every entry below the root, once
}

TEST(DiskUsageWalkerTest, TheIoBudgetBoundsHowFastAWalkEnds) {
  TempTree t;
  MakeFiles(t, 2000);
  // 2,001 entries at 4,000 a second in slices of 100: 20 slices, no faster
  // than 0.5 s (19 waits of 25 ms) however idle the host.
  DiskUsageWalker walker({.entries_per_second = 4000, .slice_entries = 100});
  const auto start = std::chrono::steady_clock::now();
  walker.Want({t.path()});
  ASSERT_TRUE(WaitFor([&] { return walker.Get(t.path()).has_value(); }));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 470ms);
  EXPECT_GE(walker.Get(t.path())->walk_duration, 470ms);
}

TEST(DiskUsageWalkerTest, WalkedAgainAfterTheInterval) {
  TempTree t;
  MakeFiles(t, 10);
  DiskUsageWalker walker({.entries_per_second = 1000000, .interval = 50ms});
  walker.Want({t.path()});
  ASSERT_TRUE(WaitFor([&] { return walker.Get(t.path()).has_value(); }));
  EXPECT_EQ(walker.Get(t.path())->totals.inodes, 12u);
  MakeFiles(t, 20);  // 10 more files
  ASSERT_TRUE(WaitFor([&] { return walker.Get(t.path())->totals.inodes == 22u; }));
  EXPECT_GE(walker.walks(), 2u);
}

TEST(DiskUsageWalkerTest, UnwantedTreesAreForgotten) {
  TempTree t;
  MakeFiles(t, 5, "a");
  MakeFiles(t, 5, "b");
  DiskUsageWalker walker({.entries_per_second = 1000000});
  walker.Want({t / "a", t / "b"});
  ASSERT_TRUE(WaitFor([&] { return walker.Get(t / "a") && walker.Get(t / "b"); }));
  walker.Want({t / "b"});
  EXPECT_FALSE(walker.Get(t / "a").has_value());
  EXPECT_TRUE(walker.Get(t / "b").has_value());
}

TEST(DiskUsageWalkerTest, MissingRootReportsItsErrno) {
  TempTree t;
  DiskUsageWalker walker;
  walker.Want({t / "missing"});
  ASSERT_TRUE(WaitFor([&] { return walker.Failure(t / "missing") != 0; }));
  EXPECT_EQ(walker.Failure(t / "missing"), ENOENT);
  EXPECT_FALSE(walker.Get(t / "missing").has_value());
}

TEST(DiskUsageWalkerTest, DestructorStopsAWalkInProgress) {
  TempTree t;
  MakeFiles(t, 3000);
  {
    // 1 entry a second: the walk would take an hour.
    DiskUsageWalker walker({.entries_per_second = 1, .slice_entries = 1});
    walker.Want({t.path()});
    ASSERT_TRUE(WaitFor([&] { return walker.entries() > 0; }));
  }  // must return promptly (the test would hang otherwise)
  SUCCEED();
}

TEST(LayerUsageTest, SnapshotCarriesTheLayerWithDeviceAndAge) {
  TempTree t;
  MakeFiles(t, 40, "layer");
  struct stat st {};
  ASSERT_EQ(stat(t.path().c_str(), &st), 0);
  t.Write("proc/1/mountinfo", "1 0 0:1 / / rw - ext4 /dev/other rw\n2 1 " +
                                  std::to_string(major(st.st_dev)) + ":" +
                                  std::to_string(minor(st.st_dev)) +
                                  " / /srv rw - ext4 /dev/test\\040root rw\n");
  RootFs rootfs(t.path());
  LayerUsage usage(rootfs, {.entries_per_second = 1000000});
  Snapshot snap;
  snap.containers.resize(2);
  snap.containers[0].identity.id = "with-layer";
  snap.containers[0].identity.writable_layer_dir = "/layer";  // a host path, under the rootfs
  snap.containers[1].identity.id = "without";
  ASSERT_TRUE(WaitFor([&] {
    usage.Apply(snap);
    return snap.containers[0].writable_layer.has_value();
  }));
  const FsUsage& layer = *snap.containers[0].writable_layer;
  EXPECT_EQ(layer.inodes, 41u);
  EXPECT_GE(layer.age_seconds, 0.0);
  // The device is named from the host's mountinfo by major:minor.
  EXPECT_EQ(layer.device, "/dev/test root");
  EXPECT_FALSE(snap.containers[1].writable_layer.has_value());
}

}  // namespace
}  // namespace berth::collector
