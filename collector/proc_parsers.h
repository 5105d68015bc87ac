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

// /proc/<pid>/mountinfo: every mount, in the file's order. Fields 4, 5 and
// 10 are unescaped (\040 space, \011 tab, \012 newline, \134 backslash).
// nullopt when the text is blank or any non-blank line lacks the fields up to
// the source (a truncated or foreign file is refused whole, never half-used).
struct MountInfoEntry {
  uint64_t mount_id = 0;
  uint64_t parent_id = 0;
  uint32_t major = 0;
  uint32_t minor = 0;
  std::string root;           // field 4: the mount's root within its filesystem
  std::string mount_point;    // field 5, relative to the reader's root
  std::string mount_options;  // field 6: "rw,nosuid,relatime"
  std::string fs_type;        // after " - ": "ext4", "tmpfs", "cgroup2"
  std::string source;         // "/dev/sda1", "tmpfs", "overlay"
  std::string super_options;  // "rw,size=65536k" (may be empty)
  bool read_only = false;     // "ro" among the mount options
};
std::optional<std::vector<MountInfoEntry>> ParseMountInfo(std::string_view text);

// /proc/self/mountinfo: the cgroup and cgroup2 mounts (from ParseMountInfo).
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
