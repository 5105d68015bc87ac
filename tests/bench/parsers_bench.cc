// Cost of each kernel-text parser on realistic input (the text a 6.x kernel
// gives for a Docker container, or this host's procfs files). The reported
// time per iteration is the cost of one parse; bytes_per_second shows the
// scanning speed.
//
//   build/release/tests/bench/parsers_bench [--benchmark_filter=MemoryStat]
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "collector/cgroup_parsers.h"
#include "collector/proc_parsers.h"

namespace berth::collector {
namespace {

const std::string kCpuStatV2 =
    "usage_usec 78008000\nuser_usec 43952000\nsystem_usec 34056000\n"
    "core_sched.force_idle_usec 0\nnice_usec 0\nnr_periods 1520\nnr_throttled 311\n"
    "throttled_usec 15804213\nnr_bursts 0\nburst_usec 0\n";

const std::string kMemoryStatV2 =
    "anon 1863680\nfile 4096000\nkernel 720896\nkernel_stack 65536\npagetables 196608\n"
    "sec_pagetables 0\npercpu 0\nsock 8192\nvmalloc 0\nshmem 12288\nzswap 0\nzswapped 0\n"
    "file_mapped 1515520\nfile_dirty 4096\nfile_writeback 0\nswapcached 0\nanon_thp 0\n"
    "file_thp 0\nshmem_thp 0\ninactive_anon 1859584\nactive_anon 4096\n"
    "inactive_file 3309568\nactive_file 786432\nunevictable 0\nslab_reclaimable 267912\n"
    "slab_unreclaimable 168480\nslab 436392\nworkingset_refault_anon 3\n"
    "workingset_refault_file 12\nworkingset_activate_anon 0\nworkingset_activate_file 0\n"
    "workingset_restore_anon 0\nworkingset_restore_file 0\nworkingset_nodereclaim 0\n"
    "pgscan 0\npgsteal 0\npgscan_kswapd 0\npgscan_direct 0\npgsteal_kswapd 0\n"
    "pgsteal_direct 0\npgfault 3498\npgmajfault 13\npgrefill 0\npgactivate 190\n"
    "pgdeactivate 0\npglazyfree 0\npglazyfreed 0\nzswpin 0\nzswpout 0\n"
    "thp_fault_alloc 0\nthp_collapse_alloc 0\n";

const std::string kMemoryStatV1 =
    "cache 13209600\nrss 4009984\nrss_huge 0\nshmem 9097216\nmapped_file 7610368\n"
    "dirty 45056\nwriteback 0\nworkingset_refault_anon 0\nworkingset_refault_file 56\n"
    "swap 0\nswapcached 0\npgpgin 30935\npgpgout 26768\npgfault 31224\npgmajfault 0\n"
    "inactive_anon 0\nactive_anon 1531904\ninactive_file 622592\nactive_file 3489792\n"
    "unevictable 11575296\nhierarchical_memory_limit 9223372036854771712\n"
    "hierarchical_memsw_limit 9223372036854771712\ntotal_cache 637911040\n"
    "total_rss 6909952\ntotal_rss_huge 0\ntotal_shmem 9097216\ntotal_mapped_file 11059200\n"
    "total_dirty 524288\ntotal_writeback 0\ntotal_workingset_refault_anon 0\n"
    "total_workingset_refault_file 8887\ntotal_swap 0\ntotal_swapcached 0\n"
    "total_pgpgin 1130640\ntotal_pgpgout 1053097\ntotal_pgfault 1761686\n"
    "total_pgmajfault 801\ntotal_inactive_anon 2793472\ntotal_active_anon 1552384\n"
    "total_inactive_file 515178496\ntotal_active_file 113635328\n"
    "total_unevictable 11575296\n";

const std::string kMemoryEvents = "low 0\nhigh 4\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n";

const std::string kPressure =
    "some avg10=2.52 avg60=1.53 avg300=1.33 total=6955110\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

const std::string kIoStat =
    "254:0 rbytes=1011712 wbytes=4096 rios=38 wios=1 dbytes=0 dios=0\n"
    "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n";

const std::string kBlkio =
    "8:0 Read 1069056\n8:0 Write 4096\n8:0 Sync 1073152\n8:0 Async 0\n8:0 Discard 0\n"
    "8:0 Total 1073152\n7:0 Read 20480\n7:0 Write 0\n7:0 Sync 20480\n7:0 Async 0\n"
    "7:0 Discard 0\n7:0 Total 20480\nTotal 1093632\n";

const std::string kOomControl = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";

// /proc/stat of a 2-CPU host; the intr line is as long as a real one (~1 KiB).
std::string MakeProcStat() {
  std::string s =
      "cpu  4388 0 3236 36502 395 0 158 0 0 0\n"
      "cpu0 1681 0 1244 19341 9 0 64 0 0 0\n"
      "cpu1 2707 0 1992 17161 385 0 94 0 0 0\n"
      "intr 156646";
  for (int i = 0; i < 500; ++i) s += i % 37 == 0 ? " 1683" : " 0";
  s +=
      "\nctxt 318412\nbtime 1795337408\nprocesses 4255\nprocs_running 1\n"
      "procs_blocked 0\nsoftirq 105441 0 9969 4 3005 42536 0 5 26714 0 23208\n";
  return s;
}
const std::string kProcStat = MakeProcStat();

const std::string kMemInfo =
    "MemTotal:       24683620 kB\nMemFree:        23896472 kB\n"
    "MemAvailable:   24339164 kB\nBuffers:           22804 kB\nCached:           600188 kB\n";

const std::string kNetDev =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "    lo:    3267      29    0    0    0     0          0         0     3267      29    0 "
    "   0    0     0       0          0\n"
    "  eth0: 126368544    3592    0    0    0     0          0         0   125463    1681    0 "
    "   0    0     0       0          0\n";

const std::string kMountinfo =
    "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
    "22 26 0:21 / /sys rw,relatime - sysfs sysfs rw\n"
    "23 26 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334448k,nr_inodes=3083612\n"
    "24 23 0:22 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683620k\n"
    "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

const std::string kProcCgroup =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
    "4:memory:/process_api/f5727b68a4b936b9423a2059aa338243\n3:cpuset:/\n2:cpuacct:/\n"
    "1:cpu:/\n0::/\n";

const std::string kPidStat =
    "1 (process_api) S 0 0 0 0 -1 4194560 48001 1276685 0 218 135 266 5252 4138 10 -10 13 0 "
    "19 49295360 4299 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 "
    "0 0 0 0 0 0\n";

// Runs `parse(text)` per iteration and fails the benchmark if it does not parse.
template <typename Parse>
void Run(benchmark::State& state, const std::string& text, Parse parse) {
  if (!parse(std::string_view(text))) {
    state.SkipWithError("input did not parse");
    return;
  }
  for (auto _ : state) {
    auto result = parse(std::string_view(text));
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ParseUint(benchmark::State& s) {
  Run(s, "1073741824\n", [](std::string_view t) { return ParseUint(t); });
}
void BM_ParseUintOrMax(benchmark::State& s) {
  Run(s, "max\n", [](std::string_view t) { return ParseUintOrMax(t); });
}
void BM_ParseCpuStatV2(benchmark::State& s) {
  Run(s, kCpuStatV2, [](std::string_view t) { return ParseCpuStatV2(t); });
}
void BM_ParseCpuMax(benchmark::State& s) {
  Run(s, "max 100000\n", [](std::string_view t) { return ParseCpuMax(t); });
}
void BM_ParseMemoryStatV2(benchmark::State& s) {
  Run(s, kMemoryStatV2, [](std::string_view t) { return ParseMemoryStatV2(t); });
}
void BM_ParseMemoryStatV1(benchmark::State& s) {
  Run(s, kMemoryStatV1, [](std::string_view t) { return ParseMemoryStatV1(t); });
}
void BM_ParseMemoryEvents(benchmark::State& s) {
  Run(s, kMemoryEvents, [](std::string_view t) { return ParseMemoryEvents(t); });
}
void BM_ParseIoStat(benchmark::State& s) {
  Run(s, kIoStat, [](std::string_view t) { return ParseIoStat(t); });
}
void BM_ParsePressure(benchmark::State& s) {
  Run(s, kPressure, [](std::string_view t) { return ParsePressure(t); });
}
void BM_ParseCpuacctStat(benchmark::State& s) {
  Run(s, "user 4381\nsystem 3392\n", [](std::string_view t) { return ParseCpuacctStat(t, 100); });
}
void BM_ParseOomControlKills(benchmark::State& s) {
  Run(s, kOomControl, [](std::string_view t) { return ParseOomControlKills(t); });
}
void BM_ParseBlkioV1(benchmark::State& s) {
  Run(s, kBlkio, [](std::string_view t) { return ParseBlkioV1(t, false); });
}
void BM_ParseProcStat(benchmark::State& s) {
  Run(s, kProcStat, [](std::string_view t) { return ParseProcStat(t, 100); });
}
void BM_ParseMemInfo(benchmark::State& s) {
  Run(s, kMemInfo, [](std::string_view t) { return ParseMemInfo(t); });
}
void BM_ParseNetDev(benchmark::State& s) {
  Run(s, kNetDev, [](std::string_view t) { return ParseNetDev(t); });
}
void BM_ParseCgroupMounts(benchmark::State& s) {
  Run(s, kMountinfo, [](std::string_view t) { return ParseCgroupMounts(t); });
}
void BM_ParseProcCgroup(benchmark::State& s) {
  Run(s, kProcCgroup, [](std::string_view t) { return ParseProcCgroup(t); });
}
void BM_ParseProcPidStat(benchmark::State& s) {
  Run(s, kPidStat, [](std::string_view t) { return ParseProcPidStat(t); });
}

BENCHMARK(BM_ParseUint);
BENCHMARK(BM_ParseUintOrMax);
BENCHMARK(BM_ParseCpuStatV2);
BENCHMARK(BM_ParseCpuMax);
BENCHMARK(BM_ParseMemoryStatV2);
BENCHMARK(BM_ParseMemoryStatV1);
BENCHMARK(BM_ParseMemoryEvents);
BENCHMARK(BM_ParseIoStat);
BENCHMARK(BM_ParsePressure);
BENCHMARK(BM_ParseCpuacctStat);
BENCHMARK(BM_ParseOomControlKills);
BENCHMARK(BM_ParseBlkioV1);
BENCHMARK(BM_ParseProcStat);
BENCHMARK(BM_ParseMemInfo);
BENCHMARK(BM_ParseNetDev);
BENCHMARK(BM_ParseCgroupMounts);
BENCHMARK(BM_ParseProcCgroup);
BENCHMARK(BM_ParseProcPidStat);

}  // namespace
}  // namespace berth::collector

BENCHMARK_MAIN();
