// Test helper: a private copy of a fixture tree in a temp directory (removed
// on destruction) and a count of this process's descriptors pointing into it.
#ifndef BERTH_TESTS_COLLECTOR_TEMP_TREE_H_
#define BERTH_TESTS_COLLECTOR_TEMP_TREE_H_

#include <unistd.h>

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
