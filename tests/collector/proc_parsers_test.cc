// Table-driven tests of the procfs parsers on real kernel text (copied from
// this host and common distributions) and on malformed variants.
#include "collector/proc_parsers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

// Failing cases name only the fields they need; the rest stay defaulted.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace berth::collector {
namespace {

// /proc/stat from this 2-CPU host (intr line shortened).
constexpr std::string_view kProcStat =
    "cpu  4388 0 3236 36502 395 0 158 0 0 0\n"
    "cpu0 1681 0 1244 19341 9 0 64 0 0 0\n"
    "cpu1 2707 0 1992 17161 385 0 94 0 0 0\n"
    "intr 156646 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 8 0 0 0 0 44 23 0 16 1 "
    "42537 0 1683 1479 0 1521 2679 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    "ctxt 318412\n"
    "btime 1795337408\n"
    "processes 4255\n"
    "procs_running 1\n"
    "procs_blocked 0\n"
    "softirq 105441 0 9969 4 3005 42536 0 5 26714 0 23208\n";

TEST(ParseProcStatTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    uint64_t user_hz;
    bool ok;
    uint64_t total_ns = 0, idle_ns = 0;
    uint32_t cpus = 0;
    std::optional<double> btime;
  } cases[] = {
      // Σ(4388 0 3236 36502 395 0 158) = 44679 ticks; idle+iowait = 36897.
      {"real file", kProcStat, 100, true, 446790000000, 368970000000, 2, 1795337408.0},
      {"250 Hz", kProcStat, 250, true, 178716000000, 147588000000, 2, 1795337408.0},
      {"steal and guest are not counted",
       "cpu  10 20 30 40 50 60 70 1000 2000 3000\ncpu0 10 20 30 40 50 60 70 1000 2000 3000\n",
       100, true, 2800000000, 900000000, 1, std::nullopt},
      {"exactly 7 fields", "cpu  1 1 1 1 1 1 1\ncpu0 1 1 1 1 1 1 1\n", 100, true, 70000000,
       20000000, 1, std::nullopt},
      {"offline CPUs have no line", "cpu  1 0 0 0 0 0 0 0\ncpu0 1 0 0 0 0 0 0 0\ncpu3 0 0 0 0 0 0 0 0\n",
       100, true, 10000000, 0, 2, std::nullopt},
      {"huge tick counts do not overflow in the conversion",
       "cpu  1000000000000 0 0 0 0 0 0\n", 100, true, 10000000000000000000u, 0, 0,
       std::nullopt},
      {"truncated cpu line", "cpu  4388 0 3236\ncpu0 1 2 3 4 5 6 7\n", 100, false},
      {"non-numeric field", "cpu  4388 x 3236 36502 395 0 158 0 0 0\n", 100, false},
      {"trailing garbage", "cpu  4388 0 3236 36502 395 0 158 0 0 0 ?\n", 100, false},
      {"ns overflow", "cpu  18446744073709551615 0 0 0 0 0 0\n", 100, false},
      {"bad btime", "cpu  1 0 0 0 0 0 0\nbtime soon\n", 100, false},
      {"no cpu line", "intr 1 2 3\nbtime 1795337408\n", 100, false},
      {"empty", "", 100, false},
      {"zero user_hz", kProcStat, 0, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseProcStat(c.text, c.user_hz);
    ASSERT_EQ(got.has_value(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(got->cpu_total_ns, c.total_ns);
    EXPECT_EQ(got->cpu_idle_ns, c.idle_ns);
    EXPECT_EQ(got->online_cpus, c.cpus);
    EXPECT_EQ(got->boot_time_seconds, c.btime);
  }
}

TEST(ParseMemInfoTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    bool ok;
    uint64_t total = 0;
    std::optional<uint64_t> available;
    std::optional<uint64_t> swap_total;
  } cases[] = {
      {"real file",
       "MemTotal:       24683620 kB\nMemFree:        23896472 kB\n"
       "MemAvailable:   24339164 kB\nBuffers:           22804 kB\nSwapTotal:             0 kB\n"
       "SwapFree:              0 kB\nHugePages_Total:       0\n",
       true, 24683620ull * 1024, 24339164ull * 1024, 0},
      {"with swap", "MemTotal: 20 kB\nMemAvailable: 10 kB\nSwapTotal: 4 kB\n", true, 20480, 10240,
       4096},
      {"malformed SwapTotal", "MemTotal: 20 kB\nSwapTotal: x kB\n", false},
      {"before 3.14: no MemAvailable", "MemTotal:        2048000 kB\nMemFree:  1000 kB\n", true,
       2048000ull * 1024, std::nullopt},
      {"MemAvailable first", "MemAvailable: 10 kB\nMemTotal: 20 kB\n", true, 20480, 10240},
      {"no unit", "MemTotal: 4096\n", true, 4096, std::nullopt},
      {"no MemTotal", "MemFree: 1 kB\nMemAvailable: 2 kB\n", false},
      {"non-numeric", "MemTotal: lots kB\n", false},
      {"unknown unit", "MemTotal: 24 MB\n", false},
      {"trailing garbage", "MemTotal: 24 kB x\n", false},
      {"truncated", "MemTotal:\n", false},
      {"overflow on kB", "MemTotal: 18446744073709551615 kB\n", false},
      {"empty", "", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseMemInfo(c.text);
    ASSERT_EQ(got.has_value(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(got->mem_total_bytes, c.total);
    EXPECT_EQ(got->mem_available_bytes, c.available);
    EXPECT_EQ(got->swap_total_bytes, c.swap_total);
  }
}

TEST(ParseVmstatOomKillsTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<uint64_t> kills;
  } cases[] = {
      {"real file", "nr_free_pages 5012345\npgmajfault 1234\noom_kill 1616\nnuma_hit 9\n", 1616},
      {"last line without newline", "pgfault 7\noom_kill 3", 3},
      {"zero", "oom_kill 0\n", 0},
      {"before 4.13: no oom_kill", "nr_free_pages 1\npgfault 7\n", std::nullopt},
      {"a key that only starts alike", "oom_kill_disable 1\n", std::nullopt},
      {"non-numeric", "oom_kill many\n", std::nullopt},
      {"truncated", "oom_kill\n", std::nullopt},
      {"trailing garbage", "oom_kill 3 4\n", std::nullopt},
      {"negative", "oom_kill -1\n", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseVmstatOomKills(c.text), c.kills);
  }
}

constexpr std::string_view kNetDevHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n";

std::string NetDev(std::string_view body) { return std::string(kNetDevHeader) + std::string(body); }

TEST(ParseNetDevTest, Table) {
  struct Iface {
    std::string name;
    uint64_t rx_bytes, rx_packets, rx_errors, rx_dropped;
    uint64_t tx_bytes, tx_packets, tx_errors, tx_dropped;
  };
  struct Case {
    const char* name;
    std::string text;
    std::optional<std::vector<Iface>> want;
  } cases[] = {
      {"real file, sorted by name",
       NetDev("    lo:    3267      29    0    0    0     0          0         0     3267      29 "
              "   0    0    0     0       0          0\n"
              "  eth0: 126368544    3592    1    2    0     0          0         0   125463    "
              "1681    3    4    0     0       0          0\n"
              "  ifb0:       0       0    0    0    0     0          0         0        0       0 "
              "   0    0    0     0       0          0\n"),
       std::vector<Iface>{{"eth0", 126368544, 3592, 1, 2, 125463, 1681, 3, 4},
                          {"ifb0", 0, 0, 0, 0, 0, 0, 0, 0},
                          {"lo", 3267, 29, 0, 0, 3267, 29, 0, 0}}},
      {"no space after the colon (large counters)",
       NetDev("veth1a2b3c4:18446744073709551615 1 0 0 0 0 0 0 2 3 0 0 0 0 0 0\n"),
       std::vector<Iface>{{"veth1a2b3c4", UINT64_MAX, 1, 0, 0, 2, 3, 0, 0}}},
      {"header only", NetDev(""), std::vector<Iface>{}},
      {"truncated line", NetDev("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"), std::nullopt},
      {"extra field", NetDev("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"),
       std::nullopt},
      {"non-numeric", NetDev("  eth0: 1 2 3 4 5 6 7 8 x 10 11 12 13 14 15 16\n"), std::nullopt},
      {"overflow", NetDev("  eth0: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"),
       std::nullopt},
      {"no colon", NetDev("  eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), std::nullopt},
      {"empty name", NetDev("  : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseNetDev(c.text);
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (!c.want) continue;
    ASSERT_EQ(got->size(), c.want->size());
    for (size_t i = 0; i < got->size(); ++i) {
      const NetInterfaceStats& g = (*got)[i];
      const Iface& w = (*c.want)[i];
      SCOPED_TRACE(w.name);
      EXPECT_EQ(g.name, w.name);
      EXPECT_EQ(g.rx_bytes, w.rx_bytes);
      EXPECT_EQ(g.rx_packets, w.rx_packets);
      EXPECT_EQ(g.rx_errors, w.rx_errors);
      EXPECT_EQ(g.rx_dropped, w.rx_dropped);
      EXPECT_EQ(g.tx_bytes, w.tx_bytes);
      EXPECT_EQ(g.tx_packets, w.tx_packets);
      EXPECT_EQ(g.tx_errors, w.tx_errors);
      EXPECT_EQ(g.tx_dropped, w.tx_dropped);
    }
  }
}

// /proc/self/mountinfo of this hybrid host (cgroup part plus a few others).
constexpr std::string_view kMountinfoHybrid =
    "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
    "22 26 0:21 / /sys rw,relatime - sysfs sysfs rw\n"
    "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict\n"
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// systemd v1 host (Debian 10) with optional fields and extra super options.
constexpr std::string_view kMountinfoSystemdV1 =
    "25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,xattr,name=systemd\n"
    "31 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - "
    "cgroup cgroup rw,cpu,cpuacct\n"
    "33 25 0:30 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:17 - cgroup "
    "cgroup rw,clone_children,cpuset,release_agent=/sbin/agent\n";

// Inside a container with a private cgroup namespace view and an escaped path.
constexpr std::string_view kMountinfoContainerV2 =
    "612 600 0:26 /system.slice/docker-4f1e.scope /sys/fs/cgroup ro,nosuid,nodev,noexec,"
    "relatime master:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
    "613 600 0:26 / /mnt/my\\040cgroup rw shared:4 shared:5 - cgroup2 none rw\n";

TEST(ParseCgroupMountsTest, Table) {
  struct Mount {
    std::string mount_point, root;
    bool is_v2;
    std::vector<std::string> controllers;
  };
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<std::vector<Mount>> want;
  } cases[] = {
      {"hybrid host", kMountinfoHybrid,
       std::vector<Mount>{{"/sys/fs/cgroup/cpu", "/", false, {"cpu"}},
                          {"/sys/fs/cgroup/cpuacct", "/", false, {"cpuacct"}},
                          {"/sys/fs/cgroup/memory", "/", false, {"memory"}},
                          {"/sys/fs/cgroup/systemd", "/", false, {"name=systemd"}},
                          {"/sys/fs/cgroup/unified", "/", true, {}}}},
      {"systemd v1 host: options that are not controllers dropped", kMountinfoSystemdV1,
       std::vector<Mount>{{"/sys/fs/cgroup/systemd", "/", false, {"name=systemd"}},
                          {"/sys/fs/cgroup/cpu,cpuacct", "/", false, {"cpu", "cpuacct"}},
                          {"/sys/fs/cgroup/cpuset", "/", false, {"cpuset"}}}},
      {"container root and escaped mount point", kMountinfoContainerV2,
       std::vector<Mount>{{"/sys/fs/cgroup", "/system.slice/docker-4f1e.scope", true, {}},
                          {"/mnt/my cgroup", "/", true, {}}}},
      {"no cgroup mounts", "21 26 0:20 / /proc rw,relatime - proc proc rw\n",
       std::vector<Mount>{}},
      {"no separator", "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime cgroup cgroup rw,cpu\n",
       std::nullopt},
      {"truncated after separator", "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup\n",
       std::nullopt},
      {"truncated line", "31 30 0:28 /\n", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseCgroupMounts(c.text);
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (!c.want) continue;
    ASSERT_EQ(got->size(), c.want->size());
    for (size_t i = 0; i < got->size(); ++i) {
      SCOPED_TRACE((*c.want)[i].mount_point);
      EXPECT_EQ((*got)[i].mount_point, (*c.want)[i].mount_point);
      EXPECT_EQ((*got)[i].root, (*c.want)[i].root);
      EXPECT_EQ((*got)[i].is_v2, (*c.want)[i].is_v2);
      EXPECT_EQ((*got)[i].controllers, (*c.want)[i].controllers);
    }
  }
}

// A container's own mount table (docker 20.10 on this host: vfs root, a
// named volume, a read-only bind, --tmpfs, --shm-size), with escapes.
constexpr std::string_view kMountinfoContainer =
    "131 112 254:0 /tmp/d/data/vfs/dir/3f30 / rw,relatime master:2 - ext4 /dev/vda rw,discard\n"
    "147 133 0:63 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k\n"
    "148 131 254:0 /tmp/d/data/volumes/vol1/_data /data rw,relatime master:2 - ext4 /dev/vda "
    "rw,discard\n"
    "149 131 254:0 /tmp /hostt ro,relatime - ext4 /dev/vda rw,discard\n"
    "170 131 0:64 / /my\\040tmp\\011dir\\134x rw,nosuid,nodev - tmpfs tmpfs rw,size=30720k\n"
    "171 131 0:65 / /empty-super rw - fuse.sshfs user@host:/a\\040b\n";

TEST(ParseMountInfoTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<std::vector<MountInfoEntry>> want;
  } cases[] = {
      {"container mounts with escapes and an empty super options field", kMountinfoContainer,
       std::vector<MountInfoEntry>{
           {131, 112, 254, 0, "/tmp/d/data/vfs/dir/3f30", "/", "rw,relatime", "ext4", "/dev/vda",
            "rw,discard", false},
           {147, 133, 0, 63, "/", "/dev/shm", "rw,nosuid,nodev,noexec,relatime", "tmpfs", "shm",
            "rw,size=65536k", false},
           {148, 131, 254, 0, "/tmp/d/data/volumes/vol1/_data", "/data", "rw,relatime", "ext4",
            "/dev/vda", "rw,discard", false},
           {149, 131, 254, 0, "/tmp", "/hostt", "ro,relatime", "ext4", "/dev/vda", "rw,discard",
            true},
           {170, 131, 0, 64, "/", "/my tmp\tdir\\x", "rw,nosuid,nodev", "tmpfs", "tmpfs",
            "rw,size=30720k", false},
           {171, 131, 0, 65, "/", "/empty-super", "rw", "fuse.sshfs", "user@host:/a b", "",
            false}}},
      {"blank lines skipped", "\n21 26 0:20 / /proc rw - proc proc rw\n\n",
       std::vector<MountInfoEntry>{{21, 26, 0, 20, "/", "/proc", "rw", "proc", "proc", "rw", false}}},
      {"escape cut short stays literal", "1 0 0:1 / /a\\04 rw - tmpfs t rw\n",
       std::vector<MountInfoEntry>{{1, 0, 0, 1, "/", "/a\\04", "rw", "tmpfs", "t", "rw", false}}},
      {"not octal stays literal", "1 0 0:1 / /a\\999 rw - tmpfs t rw\n",
       std::vector<MountInfoEntry>{{1, 0, 0, 1, "/", "/a\\999", "rw", "tmpfs", "t", "rw", false}}},
      {"ro only as a whole option", "1 0 0:1 / /a rw,errors=ro - ext4 /dev/x rw\n",
       std::vector<MountInfoEntry>{
           {1, 0, 0, 1, "/", "/a", "rw,errors=ro", "ext4", "/dev/x", "rw", false}}},
      {"non-numeric mount id", "x 0 0:1 / /a rw - tmpfs t rw\n", std::nullopt},
      {"device without colon", "1 0 01 / /a rw - tmpfs t rw\n", std::nullopt},
      {"device minor too large", "1 0 0:4294967296 / /a rw - tmpfs t rw\n", std::nullopt},
      {"no separator", "1 0 0:1 / /a rw tmpfs t rw\n", std::nullopt},
      {"separator as field 6 is not one", "1 0 0:1 / - rw tmpfs t\n", std::nullopt},
      {"missing source", "1 0 0:1 / /a rw - tmpfs\n", std::nullopt},
      {"one good line and one malformed refuses all",
       "1 0 0:1 / /a rw - tmpfs t rw\n2 1 0:2 /\n", std::nullopt},
      {"binary junk", std::string_view("\x01\x02\xff\n", 4), std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseMountInfo(c.text);
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (!c.want) continue;
    ASSERT_EQ(got->size(), c.want->size());
    for (size_t i = 0; i < got->size(); ++i) {
      const MountInfoEntry& g = (*got)[i];
      const MountInfoEntry& w = (*c.want)[i];
      SCOPED_TRACE(w.mount_point);
      EXPECT_EQ(g.mount_id, w.mount_id);
      EXPECT_EQ(g.parent_id, w.parent_id);
      EXPECT_EQ(g.major, w.major);
      EXPECT_EQ(g.minor, w.minor);
      EXPECT_EQ(g.root, w.root);
      EXPECT_EQ(g.mount_point, w.mount_point);
      EXPECT_EQ(g.mount_options, w.mount_options);
      EXPECT_EQ(g.fs_type, w.fs_type);
      EXPECT_EQ(g.source, w.source);
      EXPECT_EQ(g.super_options, w.super_options);
      EXPECT_EQ(g.read_only, w.read_only);
    }
  }
}

TEST(ParseProcCgroupTest, Table) {
  struct Line {
    int id;
    std::vector<std::string> controllers;
    std::string path;
  };
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<std::vector<Line>> want;
  } cases[] = {
      {"hybrid host (this machine)",
       "9:name=systemd:/\n4:memory:/process_api/f5727b68a4b9\n2:cpu,cpuacct:/\n0::/\n",
       std::vector<Line>{{9, {"name=systemd"}, "/"},
                         {4, {"memory"}, "/process_api/f5727b68a4b9"},
                         {2, {"cpu", "cpuacct"}, "/"},
                         {0, {}, "/"}}},
      {"v2 only", "0::/system.slice/docker-4f1e.scope\n",
       std::vector<Line>{{0, {}, "/system.slice/docker-4f1e.scope"}}},
      {"path with a colon", "0::/kubepods/pod1/a:b\n", std::vector<Line>{{0, {}, "/kubepods/pod1/a:b"}}},
      {"no final newline", "0::/", std::vector<Line>{{0, {}, "/"}}},
      {"one colon only", "0:/\n", std::nullopt},
      {"non-numeric id", "x:cpu:/\n", std::nullopt},
      {"negative id", "-1:cpu:/\n", std::nullopt},
      {"relative path", "0::system.slice\n", std::nullopt},
      {"empty path", "0::\n", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseProcCgroup(c.text);
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (!c.want) continue;
    ASSERT_EQ(got->size(), c.want->size());
    for (size_t i = 0; i < got->size(); ++i) {
      EXPECT_EQ((*got)[i].hierarchy_id, (*c.want)[i].id);
      EXPECT_EQ((*got)[i].controllers, (*c.want)[i].controllers);
      EXPECT_EQ((*got)[i].path, (*c.want)[i].path);
    }
  }
}

TEST(ParseProcPidStatTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    bool ok;
    int pid = 0;
    std::string comm;
    char state = 0;
    uint64_t utime = 0, stime = 0, threads = 0, start = 0, rss = 0, vsize = 0;
  } cases[] = {
      // This host's pid 1 (negative nice among the skipped fields).
      {"real line",
       "1 (process_api) S 0 0 0 0 -1 4194560 48001 1276685 0 218 135 266 5252 4138 10 -10 13 0 "
       "19 49295360 4299 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 "
       "0 0 0 0 0 0\n",
       true, 1, "process_api", 'S', 135, 266, 13, 19, 4299, 49295360},
      {"comm with spaces and parentheses",
       "4242 (tmux: (server) x) R 1 2 3 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 1000 55\n", true,
       4242, "tmux: (server) x", 'R', 7, 8, 1, 99, 55, 1000},
      {"truncated", "4242 (sh) R 1 2 3 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 1000\n", false},
      {"non-numeric utime", "4242 (sh) R 1 2 3 0 -1 0 0 0 0 0 x 8 0 0 20 0 1 0 99 1000 55\n",
       false},
      {"no comm", "4242 sh R 1 2 3\n", false},
      {"bad pid", "abc (sh) R 1 2 3 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 1000 55\n", false},
      {"long state", "4242 (sh) RR 1 2 3 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 1000 55\n", false},
      {"empty", "", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParseProcPidStat(c.text);
    ASSERT_EQ(got.has_value(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(got->pid, c.pid);
    EXPECT_EQ(got->comm, c.comm);
    EXPECT_EQ(got->state, c.state);
    EXPECT_EQ(got->utime_ticks, c.utime);
    EXPECT_EQ(got->stime_ticks, c.stime);
    EXPECT_EQ(got->num_threads, c.threads);
    EXPECT_EQ(got->start_time_ticks, c.start);
    EXPECT_EQ(got->vsize_bytes, c.vsize);
    EXPECT_EQ(got->rss_pages, c.rss);
  }
}

TEST(ParseDevNameTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<std::string> want;
  } cases[] = {
      {"real uevent", "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=9\n", "vda"},
      {"nested name", "MAJOR=253\nMINOR=1\nDEVNAME=mapper/vg-root\n", "mapper/vg-root"},
      {"no DEVNAME", "MAJOR=254\nMINOR=0\n", std::nullopt},
      {"empty DEVNAME", "DEVNAME=\n", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseDevName(c.text), c.want);
  }
}

}  // namespace
}  // namespace berth::collector
