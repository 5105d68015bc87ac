// Cgroup mode and mount detection: from mountinfo text, from each fixture
// tree, and by probing when no mount table is readable.
#include "collector/cgroup_layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace berth::collector {
namespace {

namespace fs = std::filesystem;

CgroupLayout DetectIn(const std::string& fixture) {
  return DetectCgroupLayout(RootFs(std::string(BERTH_FIXTURES_DIR) + "/" + fixture));
}

TEST(CgroupLayoutTest, UnifiedFixtures) {
  for (const char* name : {"v2-docker-systemd", "v2-docker-cgroupfs", "v2-kubernetes", "v2-podman",
                           "v2-other-runtimes", "broken"}) {
    CgroupLayout l = DetectIn(name);
    EXPECT_EQ(l.mode, CgroupMode::kUnified) << name;
    EXPECT_EQ(l.v2_mount, "/sys/fs/cgroup") << name;
    EXPECT_FALSE(l.has_v1()) << name;
  }
}

TEST(CgroupLayoutTest, LegacyWithCoMountedCpuCpuacct) {
  CgroupLayout l = DetectIn("v1-docker");
  EXPECT_EQ(l.mode, CgroupMode::kLegacy);
  EXPECT_EQ(l.v2_mount, "");
  EXPECT_EQ(l.v1_mount(V1Controller::kCpu), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(l.v1_mount(V1Controller::kCpuacct), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(l.v1_mount(V1Controller::kMemory), "/sys/fs/cgroup/memory");
  EXPECT_EQ(l.v1_mount(V1Controller::kBlkio), "/sys/fs/cgroup/blkio");
  EXPECT_EQ(l.v1_mount(V1Controller::kPids), "/sys/fs/cgroup/pids");
}

TEST(CgroupLayoutTest, HybridWithSeparateCpuAndCpuacct) {
  CgroupLayout l = DetectIn("hybrid");
  EXPECT_EQ(l.mode, CgroupMode::kHybrid);
  EXPECT_EQ(l.v2_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(l.v1_mount(V1Controller::kCpu), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(l.v1_mount(V1Controller::kCpuacct), "/sys/fs/cgroup/cpuacct");
  EXPECT_EQ(l.v1_mount(V1Controller::kMemory), "/sys/fs/cgroup/memory");
}

TEST(CgroupLayoutTest, OnlyNameSystemdIsNotV1) {
  auto l = LayoutFromMountInfo(
      "30 22 0:26 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
      "31 22 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->mode, CgroupMode::kUnified);
  EXPECT_EQ(l->v2_mount, "/sys/fs/cgroup/unified");
}

TEST(CgroupLayoutTest, NoCgroupMountsIsUnknown) {
  auto l = LayoutFromMountInfo("28 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->mode, CgroupMode::kUnknown);
}

TEST(CgroupLayoutTest, PrefersTheConventionalMountOfABindMountedHierarchy) {
  auto l = LayoutFromMountInfo(
      "40 22 0:27 / /run/other rw - cgroup2 cgroup2 rw\n"
      "41 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->v2_mount, "/sys/fs/cgroup");
}

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("berth-layout-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Touch(const std::string& rel) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << "";
  }
  fs::path root_;
};

TEST_F(ProbeTest, ProbesUnifiedWithoutMountTable) {
  Touch("sys/fs/cgroup/cgroup.controllers");
  CgroupLayout l = DetectCgroupLayout(RootFs(root_.string()));
  EXPECT_EQ(l.mode, CgroupMode::kUnified);
  EXPECT_EQ(l.v2_mount, "/sys/fs/cgroup");
}

TEST_F(ProbeTest, ProbesHybridWithoutMountTable) {
  Touch("sys/fs/cgroup/memory/cgroup.procs");
  Touch("sys/fs/cgroup/cpu/cgroup.procs");
  Touch("sys/fs/cgroup/unified/cgroup.controllers");
  CgroupLayout l = DetectCgroupLayout(RootFs(root_.string()));
  EXPECT_EQ(l.mode, CgroupMode::kHybrid);
  EXPECT_EQ(l.v1_mount(V1Controller::kMemory), "/sys/fs/cgroup/memory");
  EXPECT_EQ(l.v1_mount(V1Controller::kBlkio), "");
}

TEST_F(ProbeTest, PrefersProcOneForAPrefixedRoot) {
  Touch("sys/fs/cgroup/cgroup.controllers");
  fs::create_directories(root_ / "proc/1");
  fs::create_directories(root_ / "proc/self");
  std::ofstream(root_ / "proc/1/mountinfo")
      << "31 30 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
  std::ofstream(root_ / "proc/self/mountinfo")
      << "29 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  CgroupLayout l = DetectCgroupLayout(RootFs(root_.string()));
  EXPECT_EQ(l.mode, CgroupMode::kLegacy);  // the host's table, not berth's own
}

TEST_F(ProbeTest, NothingFoundIsUnknown) {
  CgroupLayout l = DetectCgroupLayout(RootFs(root_.string()));
  EXPECT_EQ(l.mode, CgroupMode::kUnknown);
}

}  // namespace
}  // namespace berth::collector
