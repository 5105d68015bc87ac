// CgroupV1Reader: fills ContainerStats from a container's directories in the
// v1 controller hierarchies (each may sit under a different parent):
// cpuacct.usage, cpuacct.stat, cpu.stat, cpu.cfs_quota_us/cfs_period_us,
// cpu.shares, memory.usage_in_bytes, limit_in_bytes, max_usage_in_bytes,
// soft_limit_in_bytes, failcnt, memory.stat (total_*), memory.oom_control,
// memory.memsw.usage_in_bytes/limit_in_bytes, blkio.throttle.
// io_service_bytes_recursive (fallback io_service_bytes) and
// io_serviced_recursive (fallback io_serviced), pids.current, pids.max,
// cgroup.procs and tasks; on hybrid hosts also the container's directory in
// the v2 mount: its *.pressure files, and its cpu.stat for usage, user and
// system instead of cpuacct.usage and cpuacct.stat (which are the fallback).
//
// Same rules as CgroupV2Reader: missing -> absent, malformed -> absent and an
// error under "cgroup", Read() false when a directory is gone; the limit files
// (cfs_quota_us, cfs_period_us, shares, limit_in_bytes, soft_limit_in_bytes,
// memsw.limit_in_bytes, pids.max) are watched (WatchedFiles) and re-read only
// when a watch reports a write, with ReadContext::refresh_watched, with
// refresh_limits when they could not be watched, and on the first read.
// Between refresh_limits these files are not re-read while they cannot
// have changed, and the last values are reported: cpu.stat (throttling only,
// on v1) while there is no CPU quota; memory.failcnt while there is no
// memory limit or max_usage_in_bytes is far below it (see ReadFailcnt);
// memory.oom_control while ReadContext::oom_kills_may_have_changed is false;
// memory.memsw.usage_in_bytes on a host without swap once it equalled the
// usage; io_serviced when io_service_bytes lists no device. "tasks" only where
// pids.current is absent; cgroup.procs only when ReadContext::read_pids is
// set (or pids.current is absent). Ownership: owns its descriptors.
// Thread-safety: none.
#ifndef BERTH_COLLECTOR_CGROUP_V1_READER_H_
#define BERTH_COLLECTOR_CGROUP_V1_READER_H_

#include <array>
#include <optional>
#include <memory>
#include <string>

#include "collector/cgroup_layout.h"
#include "collector/cgroup_v2_reader.h"
#include "collector/kept_file.h"
#include "collector/read_context.h"
#include "collector/snapshot.h"
#include "collector/watched_files.h"

namespace berth::collector {

class CgroupV1Reader {
 public:
  // Absolute (RootFs-prefixed) directory per controller, "" when the
  // container is not in that hierarchy; `v2_dir` "" when no PSI is wanted.
  CgroupV1Reader(std::array<std::string, kNumV1Controllers> dirs, std::string v2_dir);

  bool Read(ReadContext& ctx, ContainerStats& out);
  // cgroup.procs (and the sub-cgroups' when it is empty) into out.pids;
  // false when the directory is gone.
  bool ReadProcesses(ReadContext& ctx, ContainerStats& out);
  void Close();

 private:
  enum File {
    kCpuStat, kCfsQuota, kCfsPeriod, kShares,           // cpu
    kCpuacctUsage, kCpuacctStat,                        // cpuacct
    kMemUsage, kMemLimit, kMemMaxUsage, kMemSoftLimit,  // memory
    kMemFailcnt, kMemStat, kMemOomControl, kMemswUsage, kMemswLimit,
    kBlkioBytesRecursive, kBlkioBytes, kBlkioIosRecursive, kBlkioIos,  // blkio
    kPidsCurrent, kPidsMax,                                             // pids
    kProcs, kTasks,                                                     // procs dir
    kNumFiles
  };
  const std::string& dir(V1Controller c) const { return dirs_[static_cast<size_t>(c)]; }
  bool ReadCpu(ReadContext& ctx, ContainerStats& out);
  bool ReadMemory(ReadContext& ctx, ContainerStats& out);
  bool ReadFailcnt(ReadContext& ctx, MemoryStats& mem);
  bool ReadOomKills(ReadContext& ctx, MemoryStats& mem);
  bool ReadBlkio(ReadContext& ctx, ContainerStats& out);
  bool ReadTasks(ReadContext& ctx, ContainerStats& out);
  bool ReadLimits(ReadContext& ctx);
  bool LimitsDue(ReadContext& ctx);

  struct Limits {
    CpuLimits cpu;
    std::optional<uint64_t> memory_limit, soft_limit, memsw_limit, pids_max;
  };
  bool limits_read_ = false;
  Limits limits_;
  WatchedFiles limit_watch_;
  // Last values of files that cannot change while a limit is absent (see
  // ReadCpu, ReadFailcnt); re-read with the limits.
  std::optional<CpuStats> throttling_;
  std::optional<uint64_t> failcnt_;
  std::optional<std::optional<uint64_t>> oom_kills_;  // memory.oom_control, last read
  bool swap_seen_zero_ = false;

  std::array<std::string, kNumV1Controllers> dirs_;
  std::string procs_dir_;    // the first hierarchy the container is in
  // The container's cgroup in the v2 mount (hybrid): PSI and the core's
  // cpu.stat. Null when it is not there.
  std::unique_ptr<CgroupV2Reader> unified_;
  std::array<KeptFile, kNumFiles> files_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CGROUP_V1_READER_H_
