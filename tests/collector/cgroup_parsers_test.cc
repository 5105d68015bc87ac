// Table-driven tests of the cgroup v2 / v1 file parsers on real kernel text
// (copied from a 6.x host and Docker containers) and on malformed variants.
#include "collector/cgroup_parsers.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Expected structs are written with designated initializers naming only the
// fields a case expects; the rest are absent on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace berth::collector {
namespace {

using U64 = std::optional<uint64_t>;

// --- Field-by-field comparison (the Snapshot structs have no operator==) ----

template <typename T>
using Fields = std::vector<std::pair<const char*, std::optional<uint64_t> T::*>>;

const Fields<CpuStats> kCpuStatsFields = {
    {"usage_ns", &CpuStats::usage_ns},         {"user_ns", &CpuStats::user_ns},
    {"system_ns", &CpuStats::system_ns},       {"nr_periods", &CpuStats::nr_periods},
    {"nr_throttled", &CpuStats::nr_throttled}, {"throttled_ns", &CpuStats::throttled_ns},
};

const Fields<MemoryStat> kMemoryStatFields = {
    {"anon", &MemoryStat::anon},
    {"file", &MemoryStat::file},
    {"active_anon", &MemoryStat::active_anon},
    {"inactive_anon", &MemoryStat::inactive_anon},
    {"active_file", &MemoryStat::active_file},
    {"inactive_file", &MemoryStat::inactive_file},
    {"shmem", &MemoryStat::shmem},
    {"slab", &MemoryStat::slab},
    {"sock", &MemoryStat::sock},
    {"file_mapped", &MemoryStat::file_mapped},
    {"file_dirty", &MemoryStat::file_dirty},
    {"file_writeback", &MemoryStat::file_writeback},
    {"pgfault", &MemoryStat::pgfault},
    {"pgmajfault", &MemoryStat::pgmajfault},
    {"workingset_refault_anon", &MemoryStat::workingset_refault_anon},
    {"workingset_refault_file", &MemoryStat::workingset_refault_file},
    {"swap", &MemoryStat::swap},
};

const Fields<MemoryEvents> kMemoryEventsFields = {
    {"low", &MemoryEvents::low}, {"high", &MemoryEvents::high}, {"max", &MemoryEvents::max},
    {"oom", &MemoryEvents::oom}, {"oom_kill", &MemoryEvents::oom_kill},
};

template <typename T>
void ExpectFieldsEq(const std::optional<T>& got, const std::optional<T>& want,
                    const Fields<T>& fields) {
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!want) return;
  for (const auto& [name, member] : fields) {
    EXPECT_EQ((*got).*member, (*want).*member) << "field " << name;
  }
}

// --- Real kernel text --------------------------------------------------------

// v2 cpu.stat of a throttled Docker container (6.1: nice_usec, nr_bursts,
// burst_usec are extra keys).
constexpr std::string_view kCpuStatV2 =
    "usage_usec 78008000\n"
    "user_usec 43952000\n"
    "system_usec 34056000\n"
    "core_sched.force_idle_usec 0\n"
    "nice_usec 0\n"
    "nr_periods 1520\n"
    "nr_throttled 311\n"
    "throttled_usec 15804213\n"
    "nr_bursts 0\n"
    "burst_usec 0\n";

// v2 memory.stat of a Docker container on 6.1.
constexpr std::string_view kMemoryStatV2 =
    "anon 1863680\n"
    "file 4096000\n"
    "kernel 720896\n"
    "kernel_stack 65536\n"
    "pagetables 196608\n"
    "sec_pagetables 0\n"
    "percpu 0\n"
    "sock 8192\n"
    "vmalloc 0\n"
    "shmem 12288\n"
    "zswap 0\n"
    "zswapped 0\n"
    "file_mapped 1515520\n"
    "file_dirty 4096\n"
    "file_writeback 0\n"
    "swapcached 0\n"
    "anon_thp 0\n"
    "file_thp 0\n"
    "shmem_thp 0\n"
    "inactive_anon 1859584\n"
    "active_anon 4096\n"
    "inactive_file 3309568\n"
    "active_file 786432\n"
    "unevictable 0\n"
    "slab_reclaimable 267912\n"
    "slab_unreclaimable 168480\n"
    "slab 436392\n"
    "workingset_refault_anon 3\n"
    "workingset_refault_file 12\n"
    "workingset_activate_anon 0\n"
    "workingset_activate_file 0\n"
    "workingset_restore_anon 0\n"
    "workingset_restore_file 0\n"
    "workingset_nodereclaim 0\n"
    "pgscan 0\n"
    "pgsteal 0\n"
    "pgscan_kswapd 0\n"
    "pgscan_direct 0\n"
    "pgsteal_kswapd 0\n"
    "pgsteal_direct 0\n"
    "pgfault 3498\n"
    "pgmajfault 13\n"
    "pgrefill 0\n"
    "pgactivate 190\n"
    "pgdeactivate 0\n"
    "pglazyfree 0\n"
    "pglazyfreed 0\n"
    "zswpin 0\n"
    "zswpout 0\n"
    "thp_fault_alloc 0\n"
    "thp_collapse_alloc 0\n";

// v1 memory.stat copied from this hybrid host (/sys/fs/cgroup/memory).
constexpr std::string_view kMemoryStatV1 =
    "cache 13209600\n"
    "rss 4009984\n"
    "rss_huge 0\n"
    "shmem 9097216\n"
    "mapped_file 7610368\n"
    "dirty 45056\n"
    "writeback 0\n"
    "workingset_refault_anon 0\n"
    "workingset_refault_file 56\n"
    "swap 0\n"
    "swapcached 0\n"
    "pgpgin 30935\n"
    "pgpgout 26768\n"
    "pgfault 31224\n"
    "pgmajfault 0\n"
    "inactive_anon 0\n"
    "active_anon 1531904\n"
    "inactive_file 622592\n"
    "active_file 3489792\n"
    "unevictable 11575296\n"
    "hierarchical_memory_limit 9223372036854771712\n"
    "hierarchical_memsw_limit 9223372036854771712\n"
    "total_cache 637911040\n"
    "total_rss 6909952\n"
    "total_rss_huge 0\n"
    "total_shmem 9097216\n"
    "total_mapped_file 11059200\n"
    "total_dirty 524288\n"
    "total_writeback 4096\n"
    "total_workingset_refault_anon 0\n"
    "total_workingset_refault_file 8887\n"
    "total_swap 0\n"
    "total_swapcached 0\n"
    "total_pgpgin 1130640\n"
    "total_pgpgout 1053097\n"
    "total_pgfault 1761686\n"
    "total_pgmajfault 801\n"
    "total_inactive_anon 2793472\n"
    "total_active_anon 1552384\n"
    "total_inactive_file 515178496\n"
    "total_active_file 113635328\n"
    "total_unevictable 11575296\n";

// The cgroup's own keys only (as if total_* were missing).
constexpr std::string_view kMemoryStatV1LocalOnly =
    "cache 13209600\n"
    "rss 4009984\n"
    "shmem 9097216\n"
    "mapped_file 7610368\n"
    "dirty 45056\n"
    "writeback 0\n"
    "pgfault 31224\n"
    "pgmajfault 0\n"
    "inactive_anon 0\n"
    "active_anon 1531904\n"
    "inactive_file 622592\n"
    "active_file 3489792\n";

constexpr std::string_view kPsiCpu =
    "some avg10=2.52 avg60=1.53 avg300=1.33 total=6955110\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

constexpr std::string_view kIoStat =
    "254:0 rbytes=1011712 wbytes=4096 rios=38 wios=1 dbytes=0 dios=0\n"
    "8:16 rbytes=20480 wbytes=1073741824 rios=5 wios=1024 dbytes=0 dios=0\n"
    "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n";

constexpr std::string_view kBlkioBytes =
    "8:0 Read 1069056\n"
    "8:0 Write 4096\n"
    "8:0 Sync 1073152\n"
    "8:0 Async 0\n"
    "8:0 Discard 0\n"
    "8:0 Total 1073152\n"
    "7:0 Read 20480\n"
    "7:0 Write 0\n"
    "7:0 Sync 20480\n"
    "7:0 Async 0\n"
    "7:0 Discard 0\n"
    "7:0 Total 20480\n"
    "Total 1093632\n";

// --- Single values -----------------------------------------------------------

TEST(ParseUintTest, Table) {
  struct Case {
    std::string_view text;
    U64 want;
  } cases[] = {
      {"123\n", 123},
      {"0", 0},
      {"  42 \t\n", 42},
      {"77742021957\n", 77742021957},  // v1 cpuacct.usage
      {"18446744073709551615\n", UINT64_MAX},
      {"18446744073709551616\n", std::nullopt},  // overflow
      {"99999999999999999999999\n", std::nullopt},
      {"", std::nullopt},
      {"\n", std::nullopt},
      {"abc\n", std::nullopt},
      {"12abc\n", std::nullopt},  // trailing garbage
      {"12 34\n", std::nullopt},
      {"12\n34\n", std::nullopt},
      {"-1\n", std::nullopt},
      {"+5\n", std::nullopt},
      {"max\n", std::nullopt},
      {"1.5\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    EXPECT_EQ(ParseUint(c.text), c.want);
  }
}

TEST(ParseUintOrMaxTest, Table) {
  struct Case {
    std::string_view text;
    U64 want;
  } cases[] = {
      {"max\n", kUnlimited},
      {"  max  ", kUnlimited},
      {"268435456\n", 268435456},
      {"0\n", 0},
      {"9223372036854771712\n", kUnlimited},  // v1 limit_in_bytes when unlimited
      {"9223372036854775807\n", kUnlimited},  // v1 pids / LONG_MAX
      {"4611686018427387904\n", kUnlimited},  // 2^62
      {"4611686018427387903\n", 4611686018427387903},
      {"18446744073709551616\n", std::nullopt},
      {"MAX\n", std::nullopt},
      {"maxx\n", std::nullopt},
      {"max 100000\n", std::nullopt},
      {"", std::nullopt},
      {"-1\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    EXPECT_EQ(ParseUintOrMax(c.text), c.want);
  }
}

TEST(ParseIntTest, Table) {
  struct Case {
    std::string_view text;
    std::optional<int64_t> want;
  } cases[] = {
      {"-1\n", -1},
      {"100000\n", 100000},
      {"0", 0},
      {"-9223372036854775808\n", INT64_MIN},
      {"9223372036854775807\n", INT64_MAX},
      {"9223372036854775808\n", std::nullopt},
      {"--1\n", std::nullopt},
      {"-\n", std::nullopt},
      {"1.5\n", std::nullopt},
      {"max\n", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    EXPECT_EQ(ParseInt(c.text), c.want);
  }
}

// --- ForEachKeyed ------------------------------------------------------------

using KeyValues = std::vector<std::pair<std::string, uint64_t>>;

TEST(ForEachKeyedTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    bool want_ok;
    KeyValues want;
  } cases[] = {
      {"plain", "a 1\nb 2\n", true, {{"a", 1}, {"b", 2}}},
      {"no final newline", "a 1\nb 2", true, {{"a", 1}, {"b", 2}}},
      {"blank lines and tabs", "\na\t1\n\n  b   2  \n", true, {{"a", 1}, {"b", 2}}},
      {"empty file", "", true, {}},
      {"truncated line keeps the good ones", "a 1\nb\nc 3\n", false, {{"a", 1}, {"c", 3}}},
      {"non-numeric value", "a 1\nb x\n", false, {{"a", 1}}},
      {"trailing garbage in value", "a 12k\nb 2\n", false, {{"b", 2}}},
      {"third token", "a 1 2\nb 2\n", false, {{"b", 2}}},
      {"negative", "a -1\n", false, {}},
      {"overflow", "a 18446744073709551616\nb 18446744073709551615\n", false,
       {{"b", UINT64_MAX}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    KeyValues got;
    bool ok = ForEachKeyed(c.text, [&](std::string_view k, uint64_t v) {
      got.emplace_back(std::string(k), v);
    });
    EXPECT_EQ(ok, c.want_ok);
    EXPECT_EQ(got, c.want);
  }
}

TEST(ForEachKeyedTest, StdFunctionOverload) {
  KeyValues got;
  std::function<void(std::string_view, uint64_t)> fn = [&](std::string_view k, uint64_t v) {
    got.emplace_back(std::string(k), v);
  };
  EXPECT_TRUE(ForEachKeyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", fn));
  EXPECT_EQ(got, (KeyValues{{"oom_kill_disable", 0}, {"under_oom", 0}, {"oom_kill", 3}}));
}

// --- cpu ---------------------------------------------------------------------

TEST(ParseCpuStatV2Test, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<CpuStats> want;
  } cases[] = {
      {"real file, usec to ns", kCpuStatV2,
       CpuStats{.usage_ns = 78008000000,
                .user_ns = 43952000000,
                .system_ns = 34056000000,
                .nr_periods = 1520,
                .nr_throttled = 311,
                .throttled_ns = 15804213000}},
      {"no cpu controller: usage only", "usage_usec 1\nuser_usec 2\nsystem_usec 3\n",
       CpuStats{.usage_ns = 1000, .user_ns = 2000, .system_ns = 3000}},
      {"empty file", "", std::nullopt},
      {"only unknown keys", "nice_usec 0\nnr_bursts 0\n", std::nullopt},
      {"truncated line", "usage_usec 78008000\nuser_usec\n", std::nullopt},
      {"non-numeric", "usage_usec abc\n", std::nullopt},
      {"trailing garbage", "usage_usec 78008000 x\n", std::nullopt},
      {"usec to ns overflows", "usage_usec 18446744073709552\n", std::nullopt},
      {"largest usec that fits", "usage_usec 18446744073709551\n",
       CpuStats{.usage_ns = 18446744073709551000u}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFieldsEq(ParseCpuStatV2(c.text), c.want, kCpuStatsFields);
  }
}

TEST(ParseCpuMaxTest, Table) {
  struct Case {
    std::string_view text;
    bool ok;
    uint64_t quota_us = 0, period_us = 0;
  } cases[] = {
      {"max 100000\n", true, kUnlimited, 100000},
      {"50000 100000\n", true, 50000, 100000},
      {"150000 100000", true, 150000, 100000},
      {"max\n", false},
      {"", false},
      {"50000 100000 7\n", false},
      {"-1 100000\n", false},
      {"max abc\n", false},
      {"50k 100000\n", false},
      {"max 100000000000000000000\n", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    auto got = ParseCpuMax(c.text);
    ASSERT_EQ(got.has_value(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(got->quota_us, c.quota_us);
    EXPECT_EQ(got->period_us, c.period_us);
    EXPECT_FALSE(got->shares.has_value());
    EXPECT_FALSE(got->weight.has_value());
  }
}

TEST(ParseCpuacctStatTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    uint64_t user_hz;
    std::optional<CpuStats> want;
  } cases[] = {
      {"ticks at 100 Hz", "user 4381\nsystem 3392\n", 100,
       CpuStats{.user_ns = 43810000000, .system_ns = 33920000000}},
      {"ticks at 250 Hz", "user 1\nsystem 3\n", 250,
       CpuStats{.user_ns = 4000000, .system_ns = 12000000}},
      {"user only", "user 5\n", 100, CpuStats{.user_ns = 50000000}},
      {"zero user_hz", "user 4381\nsystem 3392\n", 0, std::nullopt},
      {"empty", "", 100, std::nullopt},
      {"truncated", "user 4381\nsystem", 100, std::nullopt},
      {"non-numeric", "user x\nsystem 1\n", 100, std::nullopt},
      {"ns overflow", "user 18446744073709551615\nsystem 1\n", 100, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFieldsEq(ParseCpuacctStat(c.text, c.user_hz), c.want, kCpuStatsFields);
  }
}

TEST(ParseCpuStatV1Test, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<CpuStats> want;
  } cases[] = {
      {"real file",
       "nr_periods 1520\nnr_throttled 311\nthrottled_time 15804213456\nnr_bursts 0\n"
       "burst_time 0\n",
       CpuStats{.nr_periods = 1520, .nr_throttled = 311, .throttled_ns = 15804213456}},
      {"pre-5.14 kernel", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n",
       CpuStats{.nr_periods = 0, .nr_throttled = 0, .throttled_ns = 0}},
      {"empty", "", std::nullopt},
      {"non-numeric", "nr_periods 1\nnr_throttled many\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFieldsEq(ParseCpuStatV1(c.text), c.want, kCpuStatsFields);
  }
}

// --- memory ------------------------------------------------------------------

TEST(ParseMemoryStatV2Test, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<MemoryStat> want;
  } cases[] = {
      {"real file", kMemoryStatV2,
       MemoryStat{.anon = 1863680,
                  .file = 4096000,
                  .active_anon = 4096,
                  .inactive_anon = 1859584,
                  .active_file = 786432,
                  .inactive_file = 3309568,
                  .shmem = 12288,
                  .slab = 436392,
                  .sock = 8192,
                  .file_mapped = 1515520,
                  .file_dirty = 4096,
                  .file_writeback = 0,
                  .pgfault = 3498,
                  .pgmajfault = 13,
                  .workingset_refault_anon = 3,
                  .workingset_refault_file = 12}},
      {"keys out of kernel order", "pgfault 7\ninactive_file 5\nanon 1\n",
       MemoryStat{.anon = 1, .inactive_file = 5, .pgfault = 7}},
      {"pre-5.9 kernel: single workingset_refault", "anon 1\nworkingset_refault 9\n",
       MemoryStat{.anon = 1}},
      {"empty", "", std::nullopt},
      {"only unknown keys", "kernel 1\npercpu 0\n", std::nullopt},
      {"truncated last line", "anon 1863680\nfile 4096000\ninactive_fi", std::nullopt},
      {"non-numeric", "anon 1863680\nfile lots\n", std::nullopt},
      {"overflow", "anon 18446744073709551616\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFieldsEq(ParseMemoryStatV2(c.text), c.want, kMemoryStatFields);
  }
}

TEST(ParseMemoryStatV1Test, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<MemoryStat> want;
  } cases[] = {
      {"real file: total_* win", kMemoryStatV1,
       MemoryStat{.anon = 6909952,
                  .file = 637911040,
                  .active_anon = 1552384,
                  .inactive_anon = 2793472,
                  .active_file = 113635328,
                  .inactive_file = 515178496,
                  .shmem = 9097216,
                  .file_mapped = 11059200,
                  .file_dirty = 524288,
                  .file_writeback = 4096,
                  .pgfault = 1761686,
                  .pgmajfault = 801,
                  .workingset_refault_anon = 0,
                  .workingset_refault_file = 8887,
                  .swap = 0}},
      {"no total_*: own keys", kMemoryStatV1LocalOnly,
       MemoryStat{.anon = 4009984,
                  .file = 13209600,
                  .active_anon = 1531904,
                  .inactive_anon = 0,
                  .active_file = 3489792,
                  .inactive_file = 622592,
                  .shmem = 9097216,
                  .file_mapped = 7610368,
                  .file_dirty = 45056,
                  .file_writeback = 0,
                  .pgfault = 31224,
                  .pgmajfault = 0}},
      {"per-key fallback", "rss 1\nswap 2\ntotal_rss 10\n",
       MemoryStat{.anon = 10, .swap = 2}},
      {"total_* before own keys still wins", "total_cache 10\ncache 1\n",
       MemoryStat{.file = 10}},
      {"empty", "", std::nullopt},
      {"only unknown keys", "hierarchical_memory_limit 9223372036854771712\n", std::nullopt},
      {"truncated", "total_rss 6909952\ntotal_cache\n", std::nullopt},
      {"non-numeric", "total_rss 6909952\ntotal_cache ?\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFieldsEq(ParseMemoryStatV1(c.text), c.want, kMemoryStatFields);
  }
}

TEST(ParseMemoryEventsTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<MemoryEvents> want;
  } cases[] = {
      {"real file (6.x)", "low 0\nhigh 4\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n",
       MemoryEvents{.low = 0, .high = 4, .max = 12, .oom = 1, .oom_kill = 1}},
      {"4.19: no oom_group_kill", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
       MemoryEvents{.low = 0, .high = 0, .max = 0, .oom = 0, .oom_kill = 0}},
      {"empty", "", std::nullopt},
      {"truncated", "low 0\nhigh 0\nmax", std::nullopt},
      {"non-numeric", "low 0\noom_kill yes\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFieldsEq(ParseMemoryEvents(c.text), c.want, kMemoryEventsFields);
  }
}

TEST(ParseOomControlKillsTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    U64 want;
  } cases[] = {
      {"real file", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", 3},
      {"no kills", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", 0},
      {"pre-4.13: no oom_kill", "oom_kill_disable 0\nunder_oom 0\n", std::nullopt},
      {"empty", "", std::nullopt},
      {"non-numeric", "oom_kill_disable 0\nunder_oom 0\noom_kill x\n", std::nullopt},
      {"malformed other line", "oom_kill_disable\noom_kill 3\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseOomControlKills(c.text), c.want);
  }
}

// --- pressure ----------------------------------------------------------------

TEST(ParsePressureTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    bool ok;
    std::optional<PressureLine> some, full;
  } cases[] = {
      {"real cpu.pressure", kPsiCpu, true, PressureLine{2.52, 1.53, 1.33, 6955110},
       PressureLine{0, 0, 0, 0}},
      {"io.pressure",
       "some avg10=0.00 avg60=0.66 avg300=0.61 total=3226150\n"
       "full avg10=0.00 avg60=0.63 avg300=0.57 total=3001703\n",
       true, PressureLine{0, 0.66, 0.61, 3226150}, PressureLine{0, 0.63, 0.57, 3001703}},
      {"cpu before 5.13: some only", "some avg10=100.00 avg60=99.50 avg300=12.25 total=42\n",
       true, PressureLine{100, 99.5, 12.25, 42}, std::nullopt},
      {"extra key ignored", "some avg10=1.00 avg60=2.00 avg300=3.00 total=4 x=y\n", true,
       PressureLine{1, 2, 3, 4}, std::nullopt},
      {"empty", "", false},
      {"unknown lines only", "partial avg10=1.00\n", false},
      {"truncated", "some avg10=2.52 avg60=1.53 avg3", false},
      {"missing total", "some avg10=2.52 avg60=1.53 avg300=1.33\n", false},
      {"non-numeric", "some avg10=abc avg60=1.53 avg300=1.33 total=1\n", false},
      {"negative", "some avg10=-1.00 avg60=1.53 avg300=1.33 total=1\n", false},
      {"inf", "some avg10=inf avg60=1.53 avg300=1.33 total=1\n", false},
      {"token without =", "some avg10 avg60=1.53 avg300=1.33 total=1\n", false},
      {"total overflow", "some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551616\n",
       false},
      {"bad full line spoils the file", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull\n",
       false},
  };
  auto expect_line = [](const std::optional<PressureLine>& got,
                        const std::optional<PressureLine>& want) {
    ASSERT_EQ(got.has_value(), want.has_value());
    if (!want) return;
    EXPECT_DOUBLE_EQ(got->avg10, want->avg10);
    EXPECT_DOUBLE_EQ(got->avg60, want->avg60);
    EXPECT_DOUBLE_EQ(got->avg300, want->avg300);
    EXPECT_EQ(got->total_usec, want->total_usec);
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ParsePressure(c.text);
    ASSERT_EQ(got.has_value(), c.ok);
    if (!c.ok) continue;
    expect_line(got->some, c.some);
    expect_line(got->full, c.full);
  }
}

// --- block IO ----------------------------------------------------------------

struct Dev {
  uint32_t major, minor;
  U64 read_bytes, write_bytes, read_ios, write_ios;
};

void ExpectDevices(const std::optional<std::vector<BlockDeviceStats>>& got,
                   const std::optional<std::vector<Dev>>& want) {
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!want) return;
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < want->size(); ++i) {
    const BlockDeviceStats& g = (*got)[i];
    const Dev& w = (*want)[i];
    SCOPED_TRACE(std::to_string(w.major) + ":" + std::to_string(w.minor));
    EXPECT_EQ(g.major, w.major);
    EXPECT_EQ(g.minor, w.minor);
    EXPECT_TRUE(g.name.empty());
    EXPECT_EQ(g.read_bytes, w.read_bytes);
    EXPECT_EQ(g.write_bytes, w.write_bytes);
    EXPECT_EQ(g.read_ios, w.read_ios);
    EXPECT_EQ(g.write_ios, w.write_ios);
  }
}

TEST(ParseIoStatTest, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<std::vector<Dev>> want;
  } cases[] = {
      {"real file, sorted by device", kIoStat,
       std::vector<Dev>{{8, 0, 4096, 0, 1, 0},
                        {8, 16, 20480, 1073741824, 5, 1024},
                        {254, 0, 1011712, 4096, 38, 1}}},
      {"empty: no IO yet", "", std::vector<Dev>{}},
      {"iocost and io.latency keys ignored",
       "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=7 "
       "depth=max avg_lat=0 win=0\n",
       std::vector<Dev>{{8, 0, 1, 2, 3, 4}}},
      {"missing keys stay absent", "8:0 rbytes=1 rios=3\n",
       std::vector<Dev>{{8, 0, 1, std::nullopt, 3, std::nullopt}}},
      {"device alone: truncated", "8:0\n", std::nullopt},
      {"truncated token", "8:0 rbytes=1 wbyt\n", std::nullopt},
      {"non-numeric value", "8:0 rbytes=abc wbytes=2\n", std::nullopt},
      {"empty value", "8:0 rbytes= wbytes=2\n", std::nullopt},
      {"no minor", "8 rbytes=1\n", std::nullopt},
      {"bad major", "x:0 rbytes=1\n", std::nullopt},
      {"overflow", "8:0 rbytes=18446744073709551616\n", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectDevices(ParseIoStat(c.text), c.want);
  }
}

TEST(ParseBlkioV1Test, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    bool ios;
    std::optional<std::vector<Dev>> want;
  } cases[] = {
      {"bytes, sorted by device", kBlkioBytes, false,
       std::vector<Dev>{{7, 0, 20480, 0, std::nullopt, std::nullopt},
                        {8, 0, 1069056, 4096, std::nullopt, std::nullopt}}},
      {"ios", "8:0 Read 38\n8:0 Write 2\n8:0 Sync 40\n8:0 Async 0\n8:0 Total 40\nTotal 40\n",
       true, std::vector<Dev>{{8, 0, std::nullopt, std::nullopt, 38, 2}}},
      {"no IO yet (this host)", "Total 0\n", false, std::vector<Dev>{}},
      {"empty", "", false, std::vector<Dev>{}},
      {"truncated line", "8:0 Read 1069056\n8:0 Write\n", false, std::nullopt},
      {"non-numeric", "8:0 Read lots\n", false, std::nullopt},
      {"trailing garbage", "8:0 Read 1 2\n", false, std::nullopt},
      {"bad total", "Total x\n", false, std::nullopt},
      {"two tokens, not Total", "8:0 Read\n", false, std::nullopt},
      {"bad device", "sda Read 1\n", false, std::nullopt},
      {"overflow", "8:0 Read 18446744073709551616\n", false, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectDevices(ParseBlkioV1(c.text, c.ios), c.want);
  }
}

}  // namespace
}  // namespace berth::collector
