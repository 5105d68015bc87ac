// FileChangeWatch over real files in a temp directory: a write shows as a
// change on the next Poll() only, an untouched file does not, a removed file
// stays "changed", and an unwatchable path gives -1 (read every time).
// WatchedFiles on top: a missing file needs no watch, an unwatchable one
// may always have changed (when a read is due: freshness_test.cc).
#include "collector/file_change_watch.h"
#include "collector/watched_files.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace berth::collector {
namespace {

namespace fs = std::filesystem;

class FileChangeWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("berth-watch-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    Write("a", "low 0\n");
    Write("b", "low 0\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::trunc) << text;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(FileChangeWatchTest, WriteShowsOnTheNextPollOnly) {
  FileChangeWatch watch;
  const int a = watch.Add(Path("a"));
  const int b = watch.Add(Path("b"));
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  watch.Poll();
  EXPECT_FALSE(watch.Changed(a));
  EXPECT_FALSE(watch.Changed(b));
  Write("a", "low 1\n");
  watch.Poll();
  EXPECT_TRUE(watch.Changed(a));
  EXPECT_FALSE(watch.Changed(b));
  watch.Poll();
  EXPECT_FALSE(watch.Changed(a));
}

TEST_F(FileChangeWatchTest, RemovedFileStaysChangedUntilItsWatchIsRemoved) {
  FileChangeWatch watch;
  const int a = watch.Add(Path("a"));
  ASSERT_GE(a, 0);
  fs::remove(dir_ / "a");
  watch.Poll();
  EXPECT_TRUE(watch.Changed(a));
  watch.Poll();
  EXPECT_TRUE(watch.Changed(a));
  watch.Remove(a);  // the kernel dropped it already: no error, no crash
}

TEST_F(FileChangeWatchTest, QueueOverflowReportsEveryWatchChanged) {
  FileChangeWatch watch;
  ASSERT_GE(watch.Add(Path("a")), 0);
  ASSERT_GE(watch.Add(Path("b")), 0);
  const int quiet = watch.Add(dir_.string(), FileChangeWatch::Kind::kDirectoryEntries);
  ASSERT_GE(quiet, 0);
  std::string text;
  ASSERT_TRUE(std::getline(std::ifstream("/proc/sys/fs/inotify/max_queued_events"), text));
  const long max_queued = std::stol(text);
  ASSERT_LT(max_queued, 1'000'000) << "too many events to overflow in a test";
  // Alternating files: the kernel merges only identical consecutive events.
  const int fa = ::open(Path("a").c_str(), O_WRONLY | O_CLOEXEC);
  const int fb = ::open(Path("b").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fa, 0);
  ASSERT_GE(fb, 0);
  for (long i = 0; i <= max_queued; ++i) {
    ASSERT_EQ(::pwrite(i % 2 == 0 ? fa : fb, "x", 1, 0), 1);
  }
  ::close(fa);
  ::close(fb);
  watch.Poll();
  EXPECT_TRUE(watch.AnyChanged());
  EXPECT_TRUE(watch.Changed(quiet));  // events were lost: nobody may trust "unchanged"
  watch.Poll();
  EXPECT_FALSE(watch.Changed(quiet));
}

TEST_F(FileChangeWatchTest, UnwatchablePathMeansReadEveryTime) {
  FileChangeWatch watch;
  const int missing = watch.Add(Path("nonexistent"));
  EXPECT_EQ(missing, -1);
  watch.Poll();
  EXPECT_TRUE(watch.Changed(missing));
  watch.Remove(missing);
}

TEST_F(FileChangeWatchTest, WatchedFilesNeedNoWatchForAMissingFile) {
  FileChangeWatch watch;
  WatchedFiles files;
  files.Watch(watch, {Path("a"), Path("nonexistent")});
  EXPECT_TRUE(files.complete());
  watch.Poll();
  EXPECT_FALSE(files.MayHaveChanged());
  Write("a", "max\n");
  watch.Poll();
  EXPECT_TRUE(files.MayHaveChanged());
  watch.Poll();
  EXPECT_FALSE(files.MayHaveChanged());
}

TEST_F(FileChangeWatchTest, WatchedFilesThatCannotBeWatchedMayAlwaysHaveChanged) {
  FileChangeWatch watch;
  WatchedFiles files;
  files.Watch(watch, {Path("a"), Path("a") + "/below-a-file"});  // ENOTDIR, not ENOENT
  EXPECT_FALSE(files.complete());
  watch.Poll();
  EXPECT_TRUE(files.MayHaveChanged());
}

TEST_F(FileChangeWatchTest, WatchedFilesClearRemovesTheWatches) {
  FileChangeWatch watch;
  WatchedFiles files;
  files.Watch(watch, {Path("a")});
  files.Clear();
  EXPECT_FALSE(files.started());
  Write("a", "max\n");
  watch.Poll();
  // Neither the write nor the kernel's IN_IGNORED for the removed watch shows.
  EXPECT_FALSE(watch.AnyChanged());
  EXPECT_EQ(watch.tracked(), 0u);
}

TEST_F(FileChangeWatchTest, BeyondItsCapAddFailsAsTheKernelLimitWould) {
  FileChangeWatch watch;
  watch.set_max_watches(1);
  const int a = watch.Add(Path("a"));
  ASSERT_GE(a, 0);
  EXPECT_EQ(watch.Add(Path("b")), -1);
  EXPECT_EQ(errno, ENOSPC);
  WatchedFiles files;
  files.Watch(watch, {Path("b")});
  EXPECT_FALSE(files.complete());  // so its owner re-reads on the timer
  watch.Remove(a);
  EXPECT_GE(watch.Add(Path("b")), 0);
}

TEST_F(FileChangeWatchTest, WatchesComingAndGoingLeaveNothingBehind) {
  FileChangeWatch watch;
  const int keep = watch.Add(Path("b"));
  ASSERT_GE(keep, 0);
  for (int i = 0; i < 200; ++i) {
    Write("a", "low 0\n");
    const int w = watch.Add(Path("a"));
    ASSERT_GE(w, 0);
    if (i % 2 == 0) fs::remove(dir_ / "a");  // gone before its owner removes it
    watch.Remove(w);
    watch.Poll();
  }
  EXPECT_EQ(watch.tracked(), 1u);
  EXPECT_FALSE(watch.Changed(keep));
}

}  // namespace
}  // namespace berth::collector
