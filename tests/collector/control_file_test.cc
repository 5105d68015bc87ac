// Bounded reads of control files: a FIFO, a device or a directory where a
// control file should be is an error at once (never a read that blocks or
// never ends), a file over kMaxControlFileBytes is an error and the read
// buffer shrinks back, through both KeptFile and ReadWholeFile.
#include "collector/control_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "collector/kept_file.h"
#include "collector/root_fs.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using testing::TempTree;

// Opens `fifo` for writing after a while and closes it again: a reader that
// blocked in open() (no O_NONBLOCK) is released then, so a regression fails
// the `released` check instead of hanging the test binary.
class FifoReleaser {
 public:
  explicit FifoReleaser(std::string fifo)
      : thread_([this, fifo = std::move(fifo)] {
          for (int i = 0; i < 30 && !done_; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
          if (done_) return;
          released_ = true;
          const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
          if (fd >= 0) ::close(fd);
        }) {}
  ~FifoReleaser() {
    done_ = true;
    thread_.join();
  }
  bool released() const { return released_; }

 private:
  std::atomic<bool> done_{false};
  std::atomic<bool> released_{false};
  std::thread thread_;
};

TEST(ControlFileTest, FifoIsAnErrorAtOnceNotABlockingRead) {
  TempTree tree;
  tree.Write("cg/placeholder", "");
  ASSERT_EQ(::mkfifo((tree / "cg/memory.stat").c_str(), 0600), 0);
  FdBudget budget(16);
  FileReader reader(&budget, true);
  KeptFile file("memory.stat");
  std::string_view text;
  FifoReleaser releaser(tree / "cg/memory.stat");
  EXPECT_EQ(file.Read(tree / "cg", reader, text), ReadStatus::kError);
  EXPECT_FALSE(releaser.released()) << "the read blocked until a writer came";
  EXPECT_FALSE(file.is_open());
}

TEST(ControlFileTest, ReadWholeFileRefusesAFifo) {
  TempTree tree;
  ASSERT_EQ(::mkfifo((tree / "cgroup.procs").c_str(), 0600), 0);
  FifoReleaser releaser(tree / "cgroup.procs");
  EXPECT_FALSE(ReadWholeFile(tree / "cgroup.procs"));
  EXPECT_FALSE(releaser.released()) << "the read blocked until a writer came";
}

TEST(ControlFileTest, DeviceAndDirectoryAreRefusedWithTheirErrno) {
  TempTree tree;
  tree.Write("cg/placeholder", "");
  ASSERT_EQ(::symlink("/dev/null", (tree / "cg/memory.max").c_str()), 0);
  std::filesystem::create_directories(tree / "cg/cpu.max");
  errno = 0;
  EXPECT_LT(OpenControlFile((tree / "cg/memory.max").c_str()), 0);
  EXPECT_EQ(errno, kNotRegularFileErrno);
  EXPECT_LT(OpenControlFile((tree / "cg/cpu.max").c_str()), 0);
  EXPECT_EQ(errno, EISDIR);
  EXPECT_STREQ(ReadErrorText(kNotRegularFileErrno),
               "not a regular file (a FIFO, socket or device), not read");

  FdBudget budget(16);
  FileReader reader(&budget, true);
  KeptFile file("memory.max");
  std::string_view text;
  EXPECT_EQ(file.Read(tree / "cg", reader, text), ReadStatus::kError);
  EXPECT_FALSE(ReadWholeFile(tree / "cg/memory.max"));
}

TEST(ControlFileTest, OversizedFileIsAnErrorAndTheBufferShrinksBack) {
  TempTree tree;
  tree.Write("cg/memory.stat", std::string(kMaxControlFileBytes + 1, 'x'));
  tree.Write("cg/io.stat", std::string(kMaxControlFileBytes, 'y'));
  tree.Write("cg/pids.current", "7\n");
  FdBudget budget(16);
  FileReader reader(&budget, true);
  const size_t initial = reader.buffer_capacity();
  std::string_view text;

  KeptFile exact("io.stat");
  ASSERT_EQ(exact.Read(tree / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text.size(), kMaxControlFileBytes);  // exactly the cap still reads

  KeptFile big("memory.stat");
  EXPECT_EQ(big.Read(tree / "cg", reader, text), ReadStatus::kError);
  EXPECT_EQ(reader.buffer_capacity(), initial);

  KeptFile small("pids.current");
  ASSERT_EQ(small.Read(tree / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "7\n");

  EXPECT_FALSE(ReadWholeFile(tree / "cg/memory.stat"));
  EXPECT_TRUE(ReadWholeFile(tree / "cg/io.stat"));
}

}  // namespace
}  // namespace berth::collector
