#include "collector/cgroup_v2_reader.h"

#include "collector/cgroup_parsers.h"
#include "collector/extra_parsers.h"
#include "collector/subtree_pids.h"

namespace berth::collector {
namespace {

constexpr const char* kSource = "cgroup";

constexpr std::array<const char*, 20> kNames = {
    "cpu.pressure",   "memory.pressure",     "io.pressure",     "cpu.stat",
    "cpu.max",        "cpu.weight",          "memory.current",  "memory.max",
    "memory.high",    "memory.low",          "memory.peak",     "memory.stat",
    "memory.events",  "memory.swap.current", "memory.swap.max", "io.stat",
    "pids.current",   "pids.max",            "cgroup.procs",    "cgroup.threads",
};

}  // namespace

std::optional<uint64_t> CpuWeightToShares(uint64_t weight) {
  if (weight < 1 || weight > 10000) return std::nullopt;
  return 2 + ((weight - 1) * 262142) / 9999;
}

CgroupV2Reader::CgroupV2Reader(std::string dir, bool pressure_only)
    : dir_(std::move(dir)), pressure_only_(pressure_only) {
  static_assert(kNames.size() == kNumFiles);
  for (size_t i = 0; i < kNumFiles; ++i) {
    // Read rarely (limits and memory.events on a change, cgroup.threads
    // without pids.current): not worth a descriptor of the RLIMIT_NOFILE
    // budget. cgroup.procs is: it is read with every re-check (10 s), i.e. on
    // every scrape at 15 s intervals.
    const bool rare = i == kCpuMax || i == kCpuWeight || i == kMemoryMax || i == kMemoryHigh ||
                      i == kMemoryLow || i == kSwapMax || i == kPidsMax || i == kMemoryEvents ||
                      i == kThreads;
    files_[i] = KeptFile(kNames[i], /*keep=*/!rare);
  }
}

CgroupV2Reader::~CgroupV2Reader() { Close(); }

void CgroupV2Reader::Close() {
  for (auto& f : files_) f.Close();
  limit_watch_.Clear();
  if (watch_ != nullptr) watch_->Remove(events_watch_);
  watch_ = nullptr;
  events_watch_ = -1;
  events_.reset();
}

bool CgroupV2Reader::ReadPressure(ReadContext& ctx, ContainerStats& out) {
  if (!ctx.read_pressure) return true;
  auto parse = [](std::string_view t) { return ParsePressure(t); };
  return ReadInto(files_[kCpuPressure], dir_, ctx, kSource, parse,
                  [&](Pressure p) { out.cpu_pressure = p; }) &&
         ReadInto(files_[kMemoryPressure], dir_, ctx, kSource, parse,
                  [&](Pressure p) { out.memory_pressure = p; }) &&
         ReadInto(files_[kIoPressure], dir_, ctx, kSource, parse,
                  [&](Pressure p) { out.io_pressure = p; });
}

bool CgroupV2Reader::ReadLimits(ReadContext& ctx) {
  auto uint = [](std::string_view t) { return ParseUint(t); };
  auto uint_or_max = [](std::string_view t) { return ParseUintOrMax(t); };
  Limits l;
  const bool ok =
      ReadInto(files_[kCpuMax], dir_, ctx, kSource,
               [](std::string_view t) { return ParseCpuMax(t); },
               [&](CpuLimits v) {
                 l.cpu.quota_us = v.quota_us;
                 l.cpu.period_us = v.period_us;
               }) &&
      ReadInto(files_[kCpuWeight], dir_, ctx, kSource, uint,
               [&](uint64_t w) {
                 l.cpu.weight = w;
                 l.cpu.shares = CpuWeightToShares(w);
               }) &&
      ReadInto(files_[kMemoryMax], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.memory_max = v; }) &&
      ReadInto(files_[kMemoryHigh], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.memory_high = v; }) &&
      ReadInto(files_[kMemoryLow], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.memory_low = v; }) &&
      ReadInto(files_[kSwapMax], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.swap_max = v; }) &&
      ReadInto(files_[kPidsMax], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.pids_max = v; });
  if (!ok) return false;
  limits_ = l;
  limits_read_ = true;
  return true;
}

ReadOutcome CgroupV2Reader::ReadCpuUsage(ReadContext& ctx, CpuStats& cpu) {
  bool have_usage = false;
  const ReadOutcome o = ReadParsed(files_[kCpuStat], dir_, ctx, kSource,
                                   [](std::string_view t) { return ParseCpuStatV2(t); },
                                   [&](const CpuStats& v) {
                                     if (!v.usage_ns) return;
                                     cpu.usage_ns = v.usage_ns;
                                     cpu.user_ns = v.user_ns;
                                     cpu.system_ns = v.system_ns;
                                     have_usage = true;
                                   });
  return o == ReadOutcome::kStored && !have_usage ? ReadOutcome::kMissing : o;
}

bool CgroupV2Reader::LimitsDue(ReadContext& ctx) {
  if (!limit_watch_.started() && ctx.watch != nullptr) {
    std::vector<std::string> paths;
    for (File f : {kCpuMax, kCpuWeight, kMemoryMax, kMemoryHigh, kMemoryLow, kSwapMax, kPidsMax}) {
      paths.push_back(dir_ + "/" + kNames[f]);
    }
    limit_watch_.Watch(*ctx.watch, paths);
  }
  return limit_watch_.ReadDue(limits_read_, ctx);
}

bool CgroupV2Reader::Read(ReadContext& ctx, ContainerStats& out) {
  if (pressure_only_) return ReadPressure(ctx, out);
  if (LimitsDue(ctx) && !ReadLimits(ctx)) return false;
  out.cpu_limits = limits_.cpu;
  MemoryStats& mem = out.memory;
  mem.limit_bytes = limits_.memory_max;
  mem.high_bytes = limits_.memory_high;
  mem.reservation_bytes = limits_.memory_low;
  mem.swap_limit_bytes = limits_.swap_max;
  out.pids_max = limits_.pids_max;

  auto uint = [](std::string_view t) { return ParseUint(t); };
  bool ok =
      ReadInto(files_[kCpuStat], dir_, ctx, kSource,
               [](std::string_view t) { return ParseCpuStatV2(t); },
               [&](CpuStats v) { out.cpu = v; }) &&
      ReadInto(files_[kMemoryCurrent], dir_, ctx, kSource, uint,
               [&](uint64_t v) { mem.usage_bytes = v; }) &&
      ReadInto(files_[kMemoryPeak], dir_, ctx, kSource, uint,
               [&](uint64_t v) { mem.peak_bytes = v; }) &&
      ReadInto(files_[kMemoryStat], dir_, ctx, kSource,
               [](std::string_view t) { return ParseMemoryStatV2(t); },
               [&](const MemoryStat& v) { mem.stat = v; }) &&
      ReadEvents(ctx, mem) &&
      ReadSwap(ctx, mem) &&
      ReadInto(files_[kIoStat], dir_, ctx, kSource,
               [](std::string_view t) { return ParseIoStat(t); },
               [&](std::vector<BlockDeviceStats> v) {
                 ctx.devices.Fill(v);
                 out.block_devices = std::move(v);
                 out.block_io_known = true;
               }) &&
      ReadInto(files_[kPidsCurrent], dir_, ctx, kSource, uint,
               [&](uint64_t v) { out.pids_current = v; }) &&
      ReadPressure(ctx, out);
  if (!ok) return false;
  if (out.pids_current) {
    out.threads = out.pids_current;  // every task of the subtree
  } else if (!ReadInto(files_[kThreads], dir_, ctx, kSource,
                       [](std::string_view t) { return CountIdLines(t); },
                       [&](uint64_t v) { out.threads = v; })) {
    return false;
  }
  // Without pids.current the thread count needs the process walk every time.
  return (!ctx.read_pids && out.pids_current) || ReadProcesses(ctx, out);
}

bool CgroupV2Reader::ReadEvents(ReadContext& ctx, MemoryStats& mem) {
  if (watch_ == nullptr && ctx.watch != nullptr) {
    watch_ = ctx.watch;  // before the first read: no change slips in between
    events_watch_ = watch_->Add(dir_ + "/memory.events");
  }
  if (events_ && !ctx.refresh_limits && events_watch_ >= 0 && !watch_->Changed(events_watch_)) {
    mem.events = *events_;
    return true;
  }
  events_.reset();
  return ReadInto(files_[kMemoryEvents], dir_, ctx, kSource,
                  [](std::string_view t) { return ParseMemoryEvents(t); }, [&](MemoryEvents v) {
                    mem.events = v;
                    events_ = v;
                  });
}

bool CgroupV2Reader::ReadSwap(ReadContext& ctx, MemoryStats& mem) {
  if (ctx.host_without_swap && swap_seen_zero_) {
    files_[kSwapCurrent].Close();  // not read again: free its descriptor
    mem.swap_bytes = 0;
    return true;
  }
  return ReadInto(files_[kSwapCurrent], dir_, ctx, kSource,
                  [](std::string_view t) { return ParseUint(t); }, [&](uint64_t v) {
                    mem.swap_bytes = v;
                    swap_seen_zero_ = v == 0;
                  });
}

bool CgroupV2Reader::ReadProcesses(ReadContext& ctx, ContainerStats& out) {
  out.pids.clear();
  const bool ok = ReadInto(files_[kProcs], dir_, ctx, kSource,
                           [&](std::string_view t) -> std::optional<bool> {
                             if (!ParsePidList(t, out.pids)) return std::nullopt;
                             return true;
                           },
                           [](bool) {});
  if (!ok) return false;
  if (out.pids.empty() && out.pids_current.value_or(1) > 0) {
    // Processes only in sub-cgroups (no-internal-process rule).
    SubtreeTasks sub = CollectSubtreePids(dir_, "cgroup.threads");
    if (!sub.pids.empty()) {
      out.pids = std::move(sub.pids);
      if (!out.pids_current) out.threads = out.threads.value_or(0) + sub.threads;
    }
  }
  return true;
}

}  // namespace berth::collector
