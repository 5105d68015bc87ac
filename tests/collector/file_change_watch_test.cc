// FileChangeWatch over real files in a temp directory: a write shows as a
// change on the next Poll() only, an untouched file does not, a removed file
// stays "changed", and an unwatchable path gives -1 (read every time).
#include "collector/file_change_watch.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

TEST_F(FileChangeWatchTest, UnwatchablePathMeansReadEveryTime) {
  FileChangeWatch watch;
  const int missing = watch.Add(Path("nonexistent"));
  EXPECT_EQ(missing, -1);
  watch.Poll();
  EXPECT_TRUE(watch.Changed(missing));
  watch.Remove(missing);
}

}  // namespace
}  // namespace berth::collector
