// TreeWalk (collector/disk_usage/tree_walk.h): what it counts (du -sbx's
// bytes, allocated bytes, inodes), across any number of Step() slices, and
// how it bounds hostile trees: symlink loops, hard links, FIFOs, unreadable
// directories, deep trees, a root that is not a directory.
#include "collector/disk_usage/tree_walk.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using testing::TempTree;
namespace fs = std::filesystem;

TreeTotals WalkAll(const std::string& root, size_t budget = 1000000) {
  TreeWalk walk(root);
  size_t steps = 0;
  while (!walk.Step(budget)) ++steps;
  EXPECT_TRUE(walk.done()) << root;
  return walk.totals();
}

uint64_t DirSize(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0);
  return static_cast<uint64_t>(st.st_size);
}

TEST(TreeWalkTest, CountsApparentBytesAndInodesLikeDuSb) {
  TempTree t;
  t.Write("a/one", std::string(1000, 'x'));
  t.Write("a/b/two", std::string(5000, 'y'));
  t.Write("three", "");
  fs::create_symlink("a/one", t / "link");  // a symlink counts its own length (5)
  const TreeTotals got = WalkAll(t.path());
  const uint64_t dirs = DirSize(t.path()) + DirSize(t / "a") + DirSize(t / "a/b");
  EXPECT_EQ(got.bytes, dirs + 1000 + 5000 + 0 + 5);
  EXPECT_EQ(got.inodes, 7u);  // root, a, a/b, one, two, three, link
  EXPECT_EQ(got.errors, 0u);
  EXPECT_GE(got.allocated_bytes, 1000u + 5000u);
}

TEST(TreeWalkTest, SameTotalsWhateverTheSliceSize) {
  TempTree t;
  for (int d = 0; d < 5; ++d) {
    for (int f = 0; f < 40; ++f) {
      t.Write("d" + std::to_string(d) + "/f" + std::to_string(f), std::string(d * 10 + f, 'z'));
    }
  }
  const TreeTotals whole = WalkAll(t.path());
  for (size_t budget : {1, 3, 17, 1000}) {
    SCOPED_TRACE(budget);
    TreeWalk walk(t.path());
    size_t steps = 0;
    while (!walk.Step(budget)) ++steps;
    EXPECT_EQ(walk.totals().bytes, whole.bytes);
    EXPECT_EQ(walk.totals().inodes, whole.inodes);
    EXPECT_EQ(walk.totals().inodes, 206u);  // root + 5 dirs + 200 files
    // A slice examines at most `budget` entries.
    EXPECT_GE(steps + 1, walk.entries() / budget);
  }
}

TEST(TreeWalkTest, HardLinksCountedOnce) {
  TempTree t;
  t.Write("data", std::string(4096, 'h'));
  ASSERT_EQ(link((t / "data").c_str(), (t / "again").c_str()), 0);
  ASSERT_EQ(link((t / "data").c_str(), (t / "and-again").c_str()), 0);
  const TreeTotals got = WalkAll(t.path());
  EXPECT_EQ(got.bytes, DirSize(t.path()) + 4096);
  EXPECT_EQ(got.inodes, 2u);
}

TEST(TreeWalkTest, SymlinkLoopsAreNotFollowed) {
  TempTree t;
  fs::create_directories(t / "a/b");
  fs::create_directory_symlink("..", t / "a/b/up");
  fs::create_directory_symlink(t.path(), t / "a/root");
  fs::create_symlink("self", t / "self");
  const TreeTotals got = WalkAll(t.path());
  EXPECT_EQ(got.inodes, 6u);  // root, a, a/b and the three links
  EXPECT_EQ(got.errors, 0u);
}

TEST(TreeWalkTest, FifosAndSocketsAreCountedNeverOpened) {
  TempTree t;
  ASSERT_EQ(mkfifo((t / "fifo").c_str(), 0600), 0);
  // A FIFO where a directory is expected would block an open without O_NONBLOCK.
  const TreeTotals got = WalkAll(t.path());
  EXPECT_EQ(got.inodes, 2u);
  EXPECT_EQ(got.errors, 0u);
}

TEST(TreeWalkTest, UnreadableDirectoryIsSkippedAndMakesThePartial) {
  TempTree t;
  t.Write("locked/secret", "12345");
  ASSERT_EQ(chmod((t / "locked").c_str(), 0), 0);
  // root reads through mode 000 (CAP_DAC_OVERRIDE): walk as nobody in a child.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
    TreeWalk walk(t.path());
    while (!walk.Step(100)) {
    }
    // root and locked counted, not its file; one entry skipped.
    _exit(walk.done() && walk.totals().inodes == 2 && walk.totals().errors == 1 &&
                  walk.totals().partial()
              ? 0
              : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  chmod((t / "locked").c_str(), 0755);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(TreeWalkTest, DeepTreesAreBoundedByMaxDepth) {
  TempTree t;
  std::string rel;
  for (size_t i = 0; i < TreeWalk::kMaxDepth + 10; ++i) rel += "d/";
  fs::create_directories(t / rel);
  const TreeTotals got = WalkAll(t.path());
  // Directories up to the depth bound are counted; the one past it is
  // counted but not entered.
  EXPECT_EQ(got.inodes, TreeWalk::kMaxDepth + 1);
  EXPECT_EQ(got.errors, 1u);
}

TEST(TreeWalkTest, HugeDirectoryWalkedInSlices) {
  TempTree t;
  fs::create_directories(t / "big");
  for (int i = 0; i < 20000; ++i) {
    std::ofstream(t / ("big/" + std::to_string(i)));
  }
  TreeWalk walk(t.path());
  size_t slices = 0;
  while (!walk.Step(500)) ++slices;
  EXPECT_EQ(walk.totals().inodes, 20002u);
  EXPECT_GE(slices, 40u);  // 20,001 entries at 500 a slice
}

TEST(TreeWalkTest, RootMissingOrNotADirectoryFails) {
  TempTree t;
  t.Write("file", "x");
  ASSERT_EQ(mkfifo((t / "fifo").c_str(), 0600), 0);
  fs::create_directory_symlink(t.path(), t / "link");
  for (const std::string root : {t / "missing", t / "file", t / "fifo", t / "link"}) {
    SCOPED_TRACE(root);
    TreeWalk walk(root);
    EXPECT_TRUE(walk.Step(10));
    EXPECT_TRUE(walk.failed());
    EXPECT_NE(walk.errno_value(), 0);
  }
}

}  // namespace
}  // namespace berth::collector
