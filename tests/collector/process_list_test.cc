#include "collector/process_list.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace berth::collector {
namespace {

TEST(ProcessListTest, ParseStatusUid) {
  struct Case {
    const char* text;
    std::optional<uint32_t> want;
  } cases[] = {
      {"Name:\tsh\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\n", 1000},
      {"Uid:\t0\t0\t0\t0\n", 0},
      {"Uid:\t4294967295\t0\t0\t0", 4294967295u},
      {"Uid:\t4294967296\t0\t0\t0", std::nullopt},  // out of range
      {"Name:\tsh\nGid:\t0\n", std::nullopt},
      {"Uid:\tabc\t0\n", std::nullopt},
      {"Uid:\n", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseStatusUid(c.text), c.want) << c.text;
}

TEST(ProcessListTest, ParseCmdline) {
  using namespace std::string_literals;
  struct Case {
    std::string text, want;
  } cases[] = {
      {"sleep\0""100\0"s, "sleep 100"},
      {"/bin/sh\0-c\0echo hi\0"s, "/bin/sh -c echo hi"},
      {"nginx: worker process\0\0\0"s, "nginx: worker process"},
      {"a\tb\nc"s, "a?b?c"},
      {""s, ""},
      {"\0"s, ""},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseCmdline(c.text), c.want);
}

TEST(ProcessListTest, ParsePasswd) {
  auto users = ParsePasswd(
      "root:x:0:0:root:/root:/bin/bash\n"
      "daemon:x:1:1::/:/usr/sbin/nologin\n"
      "broken line\n"
      "nouid:x::1::/:\n"
      ":x:5:5::/:\n"
      "dup:x:0:0::/:\n"
      "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin");
  EXPECT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0], "root");  // first entry wins
  EXPECT_EQ(users[1], "daemon");
  EXPECT_EQ(users[33], "www-data");
}

TEST(ProcessListTest, CpuPercentsMatchPidAndStartTime) {
  auto sample = [](int pid, uint64_t cpu_ticks, uint64_t start_time_ticks) {
    ProcessSample p;
    p.pid = pid;
    p.cpu_ticks = cpu_ticks;
    p.start_time_ticks = start_time_ticks;
    return p;
  };
  std::vector<ProcessSample> prev(3), cur(4);
  prev[0] = sample(1, 100, 5);
  prev[1] = sample(2, 100, 5);
  prev[2] = sample(3, 500, 5);
  cur[0] = sample(1, 150, 5);   // 50 ticks in 1 s
  cur[1] = sample(2, 100, 9);   // pid reused
  cur[2] = sample(3, 400, 5);   // went backwards
  cur[3] = sample(4, 10, 5);    // new
  auto pct = ProcessCpuPercents(prev, cur, 1.0, 100);
  ASSERT_EQ(pct.size(), 4u);
  ASSERT_TRUE(pct[0].has_value());
  EXPECT_DOUBLE_EQ(*pct[0], 50.0);
  EXPECT_FALSE(pct[1].has_value());
  EXPECT_FALSE(pct[2].has_value());
  EXPECT_FALSE(pct[3].has_value());
  auto none = ProcessCpuPercents(prev, cur, 0.0, 100);
  EXPECT_FALSE(none[0].has_value());
}

// A rootfs with two processes, one with an empty cmdline, one unknown uid.
class ProcessReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("berth-proclist-" + std::to_string(::getpid()));
    Write("etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    Write("proc/10/stat",
          "10 (sleep) S 1 10 10 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 500 1000 25 "
          "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0");
    Write("proc/10/status", "Name:\tsleep\nUid:\t1000\t1000\t1000\t1000\n");
    Write("proc/10/cmdline", std::string("sleep\0" "100\0", 10));
    Write("proc/11/stat",
          "11 (kworker) I 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 600 0 0 "
          "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0");
    Write("proc/11/status", "Name:\tkworker\nUid:\t4242\t0\t0\t0\n");
    Write("proc/11/cmdline", "");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(ProcessReaderTest, ReadsStatStatusAndCmdline) {
  RootFs fs(dir_.string());
  ProcessReader reader(fs);
  auto procs = reader.Read({10, 11, 12});  // 12 does not exist
  ASSERT_EQ(procs.size(), 2u);
  EXPECT_EQ(procs[0].pid, 10);
  EXPECT_EQ(procs[0].user, "alice");
  EXPECT_EQ(procs[0].state, 'S');
  EXPECT_EQ(procs[0].cpu_ticks, 10u);
  EXPECT_EQ(procs[0].start_time_ticks, 500u);
  EXPECT_EQ(procs[0].rss_bytes, 25u * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(procs[0].command, "sleep 100");
  EXPECT_EQ(procs[1].user, "4242");
  EXPECT_EQ(procs[1].state, 'I');
  EXPECT_EQ(procs[1].command, "[kworker]");
}

}  // namespace
}  // namespace berth::collector
