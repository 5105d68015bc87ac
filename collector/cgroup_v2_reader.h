// CgroupV2Reader: fills ContainerStats from one cgroup v2 directory
// (cpu.stat, cpu.max, cpu.weight, memory.current/max/high/low/peak,
// memory.stat, memory.events, memory.swap.current/max/high, io.stat, pids.current,
// pids.max, cgroup.procs, cgroup.threads, cpu/memory/io.pressure), keeping
// each file's descriptor open between reads (see KeptFile).
//
// With `pressure_only` (hybrid hosts: the controller-less v2 mount) Read()
// reads only the three *.pressure files, and ReadCpuUsage() the core's
// cpu.stat.
//
// When each file is read is declared in its table (kFiles in the .cc, see
// freshness.h): the limit files (cpu.max, cpu.weight, memory.max/high/low,
// memory.swap.max/high, pids.max) on a write (inotify); memory.events when the
// kernel notifies a change (the notification can trail the change by ~10 ms,
// so a collection right after may show the previous value) and with the
// re-check; memory.swap.current not again on a host without swap once it read
// 0; cgroup.threads only where pids.current is absent (pids.current counts the
// tasks of the whole subtree already); cgroup.procs with the re-check, when
// the plan wants processes or pids.current is absent; the *.pressure files
// only when the view shows pressure. In between the last values are reported.
//
// A missing file leaves its field absent; a malformed one also counts an
// error under "cgroup". Read() returns false when the directory is gone (the
// caller drops the container). Ownership: owns its descriptors. Thread-safety:
// none.
#ifndef BERTH_COLLECTOR_CGROUP_V2_READER_H_
#define BERTH_COLLECTOR_CGROUP_V2_READER_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "collector/freshness.h"
#include "collector/kept_file.h"
#include "collector/read_context.h"
#include "collector/snapshot.h"

namespace berth::collector {

// cAdvisor's inverse of runc's shares -> weight mapping: 2 + (w−1)·262142/9999.
std::optional<uint64_t> CpuWeightToShares(uint64_t weight);

class CgroupV2Reader {
 public:
  // `dir`: the cgroup directory as an absolute, RootFs-prefixed path.
  explicit CgroupV2Reader(std::string dir, bool pressure_only = false);
  ~CgroupV2Reader();
  CgroupV2Reader(const CgroupV2Reader&) = delete;
  CgroupV2Reader& operator=(const CgroupV2Reader&) = delete;

  // The process list goes to `pids` when it is due (Freshness::kProcessList),
  // untouched otherwise.
  bool Read(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids);
  // usage, user and system from cpu.stat into `cpu` (hybrid: the v1 reader
  // takes them from here instead of cpuacct); kStored only with a usage.
  ReadOutcome ReadCpuUsage(ReadContext& ctx, CpuStats& cpu);
  // cgroup.procs (and the sub-cgroups' when it is empty) into `pids`,
  // sorted; false when the directory is gone.
  bool ReadProcesses(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids);
  const std::string& dir() const { return dir_; }
  void Close();

 private:
  enum File {
    kCpuPressure, kMemoryPressure, kIoPressure,  // first: pressure_only reads these
    kCpuStat, kCpuMax, kCpuWeight,
    kMemoryCurrent, kMemoryMax, kMemoryHigh, kMemoryLow, kMemoryPeak,
    kMemoryStat, kMemoryEvents, kSwapCurrent, kSwapMax, kSwapHigh,
    kIoStat, kPidsCurrent, kPidsMax, kProcs, kThreads,
    kNumFiles
  };
  struct Limits {
    CpuLimits cpu;
    std::optional<uint64_t> memory_max, memory_high, memory_low, swap_max, swap_high, pids_max;
  };
  bool ReadPressure(ReadContext& ctx, ContainerStats& out);
  bool ReadLimits(ReadContext& ctx);
  bool ReadSwap(ReadContext& ctx, MemoryStats& mem);
  bool ReadEvents(ReadContext& ctx, MemoryStats& mem);

  std::string dir_;
  bool pressure_only_;
  FreshnessSchedule schedule_;
  // What the files not due in a collection said last.
  struct {
    Limits limits;
    MemoryEvents events;
  } kept_;
  std::array<KeptFile, kNumFiles> files_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CGROUP_V2_READER_H_
