// Pure parsers for procfs files: text in, typed values out. No I/O, no
// exceptions; malformed input -> std::nullopt. Thread-safe (no state).
#ifndef BERTH_COLLECTOR_PROC_PARSERS_H_
#define BERTH_COLLECTOR_PROC_PARSERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/snapshot.h"

namespace berth::collector {

// /proc/stat: host CPU time (Σ first 7 fields of "cpu", ticks -> ns),
// the number of cpuN lines, and btime.
struct ProcStat {
  uint64_t cpu_total_ns = 0;
  uint64_t cpu_idle_ns = 0;  // idle + iowait
  uint32_t online_cpus = 0;
  std::optional<double> boot_time_seconds;
};
std::optional<ProcStat> ParseProcStat(std::string_view text, uint64_t user_hz);

// /proc/meminfo: MemTotal, MemAvailable and SwapTotal in bytes.
struct MemInfo {
  uint64_t mem_total_bytes = 0;
  std::optional<uint64_t> mem_available_bytes;
  std::optional<uint64_t> swap_total_bytes;
};
std::optional<MemInfo> ParseMemInfo(std::string_view text);

// /proc/vmstat: the oom_kill counter (every OOM kill on the host, memcg or
// global; kernel >= 4.13). nullopt when the line is absent or malformed.
std::optional<uint64_t> ParseVmstatOomKills(std::string_view text);

// /proc/<pid>/net/dev: every interface (lo included), sorted by name.
std::optional<std::vector<NetInterfaceStats>> ParseNetDev(std::string_view text);

// /proc/self/mountinfo: the cgroup and cgroup2 mounts.
struct CgroupMount {
  std::string mount_point;               // "/sys/fs/cgroup/memory"
  std::string root;                      // field 4: the mount's root in the hierarchy
  bool is_v2 = false;                    // fs type cgroup2
  std::vector<std::string> controllers;  // v1 super options: "cpu", "cpuacct", "name=systemd"
};
std::optional<std::vector<CgroupMount>> ParseCgroupMounts(std::string_view text);

// /proc/<pid>/cgroup: "hierarchy-id:controllers:path" lines.
struct ProcCgroupLine {
  int hierarchy_id = 0;
  std::vector<std::string> controllers;  // empty for the v2 "0::" line
  std::string path;
};
std::optional<std::vector<ProcCgroupLine>> ParseProcCgroup(std::string_view text);

// /proc/<pid>/stat: the fields berth shows in the process list and its own
// process_* metrics (the one parser of this file).
struct ProcPidStat {
  int pid = 0;
  std::string comm;
  char state = '?';
  uint64_t utime_ticks = 0, stime_ticks = 0;
  uint64_t start_time_ticks = 0;  // since boot
  uint64_t num_threads = 0;
  uint64_t vsize_bytes = 0;
  uint64_t rss_pages = 0;
};
std::optional<ProcPidStat> ParseProcPidStat(std::string_view text);

// /sys/dev/block/M:m/uevent: the DEVNAME= value ("sda"), or nullopt.
std::optional<std::string> ParseDevName(std::string_view uevent_text);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_PROC_PARSERS_H_
