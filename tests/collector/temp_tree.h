// Test helper: a private copy of a fixture tree in a temp directory (removed
// on destruction) and a count of this process's descriptors pointing into it.
#ifndef BERTH_TESTS_COLLECTOR_TEMP_TREE_H_
#define BERTH_TESTS_COLLECTOR_TEMP_TREE_H_

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace berth::collector::testing {

class TempTree {
 public:
  // Copies tests/fixtures/<fixture> ("" = start empty).
  explicit TempTree(const std::string& fixture = "") {
    namespace fs = std::filesystem;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("berth-" + std::to_string(::getpid()) + "-" +
                                         info->test_suite_name() + "-" + info->name());
    fs::remove_all(root_);
    if (fixture.empty()) {
      fs::create_directories(root_);
    } else {
      fs::copy(std::string(BERTH_FIXTURES_DIR) + "/" + fixture, root_,
               fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    }
  }
  ~TempTree() { std::filesystem::remove_all(root_); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  std::string path() const { return root_.string(); }
  std::string operator/(const std::string& rel) const { return (root_ / rel).string(); }

  void Write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::trunc) << text;  // same inode when it exists
  }
  void Remove(const std::string& rel) const { std::filesystem::remove_all(root_ / rel); }
  // Replaces the contents of an existing file with `text` of the same length
  // through a shared mapping: inotify reports no change (stands in for a
  // change no watch sees, such as cpu.weight moved through cpu.weight.nice).
  void WriteUnnoticed(const std::string& rel, const std::string& text) const {
    const int fd = ::open((root_ / rel).c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0) << rel;
    struct stat st;
    ASSERT_EQ(::fstat(fd, &st), 0);
    ASSERT_EQ(static_cast<size_t>(st.st_size), text.size()) << rel << ": same length only";
    void* map = ::mmap(nullptr, text.size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    ASSERT_NE(map, MAP_FAILED);
    std::memcpy(map, text.data(), text.size());
    ::munmap(map, text.size());
  }

  // Descriptors of this process whose target lies under `rel`.
  int OpenFdsUnder(const std::string& rel = "") const {
    namespace fs = std::filesystem;
    const std::string prefix = (root_ / rel).string();
    int n = 0;
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      fs::path target = fs::read_symlink(e.path(), ec);
      if (!ec && target.string().starts_with(prefix)) ++n;
    }
    return n;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace berth::collector::testing

#endif  // BERTH_TESTS_COLLECTOR_TEMP_TREE_H_
