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
// error under "cgroup", Read() false when a directory is gone. When each file
// is read is declared in its table (kFiles in the .cc, see freshness.h): the
// limit files (cfs_quota_us, cfs_period_us, shares, limit_in_bytes,
// soft_limit_in_bytes, memsw.limit_in_bytes, pids.max) on a write (inotify);
// with the re-check, and in between only while they may have changed:
// cpu.stat (throttling only, on v1) while there is a CPU quota,
// memory.failcnt while a memory limit is near max_usage_in_bytes (see
// ReadFailcnt), memory.oom_control while the host's OOM kill count moves;
// memory.memsw.usage_in_bytes not again on a host without swap once it
// equalled the usage; io_serviced only while io_service_bytes lists a device;
// "tasks" only where pids.current is absent; cgroup.procs as on v2. In
// between the last values are reported. Ownership: owns its descriptors.
// Thread-safety: none.
#ifndef BERTH_COLLECTOR_CGROUP_V1_READER_H_
#define BERTH_COLLECTOR_CGROUP_V1_READER_H_

#include <array>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "collector/cgroup_layout.h"
#include "collector/cgroup_v2_reader.h"
#include "collector/freshness.h"
#include "collector/kept_file.h"
#include "collector/read_context.h"
#include "collector/snapshot.h"

namespace berth::collector {

class CgroupV1Reader {
 public:
  // Absolute (RootFs-prefixed) directory per controller, "" when the
  // container is not in that hierarchy; `v2_dir` "" when no PSI is wanted.
  CgroupV1Reader(std::array<std::string, kNumV1Controllers> dirs, std::string v2_dir);

  // As CgroupV2Reader's.
  bool Read(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids);
  bool ReadProcesses(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids);
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
  bool ReadTasks(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids);
  bool ReadLimits(ReadContext& ctx);
  // "<controller dir>/<name>" of `file`, "" when the container is not in
  // that hierarchy.
  std::string PathOf(size_t file) const;

  struct Limits {
    CpuLimits cpu;
    std::optional<uint64_t> memory_limit, soft_limit, memsw_limit, pids_max;
  };
  FreshnessSchedule schedule_;
  // What the files not due in a collection said last.
  struct {
    Limits limits;
    CpuStats throttling;
    uint64_t failcnt = 0;
    std::optional<uint64_t> oom_kills;  // memory.oom_control
  } kept_;

  std::array<std::string, kNumV1Controllers> dirs_;
  std::string procs_dir_;    // the first hierarchy the container is in
  // The container's cgroup in the v2 mount (hybrid): PSI and the core's
  // cpu.stat. Null when it is not there.
  std::unique_ptr<CgroupV2Reader> unified_;
  std::array<KeptFile, kNumFiles> files_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CGROUP_V1_READER_H_
