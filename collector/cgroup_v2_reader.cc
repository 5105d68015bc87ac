#include "collector/cgroup_v2_reader.h"

#include "collector/freshness.h"

#include "collector/cgroup_parsers.h"
#include "collector/extra_parsers.h"
#include "collector/subtree_pids.h"

namespace berth::collector {
namespace {

constexpr const char* kSource = "cgroup";

// When each file can have changed (freshness.h), in File order.
constexpr std::array<ControlFileSpec, 21> kFiles = {{
    {"cpu.pressure", Freshness::kWithPressure},
    {"memory.pressure", Freshness::kWithPressure},
    {"io.pressure", Freshness::kWithPressure},
    {"cpu.stat", Freshness::kEveryCollection},
    {"cpu.max", Freshness::kOnWrite},
    {"cpu.weight", Freshness::kOnWrite},
    {"memory.current", Freshness::kEveryCollection},
    {"memory.max", Freshness::kOnWrite},
    {"memory.high", Freshness::kOnWrite},
    {"memory.low", Freshness::kOnWrite},
    {"memory.peak", Freshness::kEveryCollection},
    {"memory.stat", Freshness::kEveryCollection},
    {"memory.events", Freshness::kOnNotify},
    {"memory.swap.current", Freshness::kUntilZero},
    {"memory.swap.max", Freshness::kOnWrite},
    {"memory.swap.high", Freshness::kOnWrite},
    {"io.stat", Freshness::kEveryCollection},
    {"pids.current", Freshness::kEveryCollection},
    {"pids.max", Freshness::kOnWrite},
    // Read with every re-check (10 s), i.e. on every scrape at 15 s
    // intervals: keeps its descriptor.
    {"cgroup.procs", Freshness::kProcessList},
    {"cgroup.threads", Freshness::kOnlyWhenNeeded},  // without pids.current
}};

}  // namespace

std::optional<uint64_t> CpuWeightToShares(uint64_t weight) {
  if (weight < 1 || weight > 10000) return std::nullopt;
  return 2 + ((weight - 1) * 262142) / 9999;
}

CgroupV2Reader::CgroupV2Reader(std::string dir, bool pressure_only)
    : dir_(std::move(dir)), pressure_only_(pressure_only), schedule_(kFiles) {
  static_assert(kFiles.size() == kNumFiles && kNumFiles <= FreshnessSchedule::kMaxFiles);
  for (size_t i = 0; i < kNumFiles; ++i) {
    files_[i] = KeptFile(kFiles[i].name, KeepsDescriptor(kFiles[i].freshness));
  }
}

CgroupV2Reader::~CgroupV2Reader() { Close(); }

void CgroupV2Reader::Close() {
  for (auto& f : files_) f.Close();
  schedule_.Clear();
}

bool CgroupV2Reader::ReadPressure(ReadContext& ctx, ContainerStats& out) {
  if (!schedule_.Due(kCpuPressure, ctx.plan)) return true;  // the three alike
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
      ReadInto(files_[kSwapHigh], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.swap_high = v; }) &&
      ReadInto(files_[kPidsMax], dir_, ctx, kSource, uint_or_max,
               [&](uint64_t v) { l.pids_max = v; });
  if (!ok) return false;
  kept_.limits = l;
  schedule_.OnWriteStored();
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

bool CgroupV2Reader::Read(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids) {
  if (pressure_only_) return ReadPressure(ctx, out);
  schedule_.WatchOnce(ctx.plan, [&](size_t f) { return dir_ + "/" + kFiles[f].name; });
  if (schedule_.OnWriteDue(ctx.plan) && !ReadLimits(ctx)) return false;
  const Limits& limits = kept_.limits;
  out.cpu_limits = limits.cpu;
  MemoryStats& mem = out.memory;
  mem.limit_bytes = limits.memory_max;
  mem.high_bytes = limits.memory_high;
  mem.reservation_bytes = limits.memory_low;
  mem.swap_limit_bytes = limits.swap_max;
  mem.swap_high_bytes = limits.swap_high;
  out.pids_max = limits.pids_max;

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
  if (!schedule_.Due(kThreads, ctx.plan, !out.pids_current)) {
    out.threads = out.pids_current;  // every task of the subtree
  } else if (!ReadInto(files_[kThreads], dir_, ctx, kSource,
                       [](std::string_view t) { return CountIdLines(t); },
                       [&](uint64_t v) { out.threads = v; })) {
    return false;
  }
  // Without pids.current the thread count needs the process walk every time.
  return !schedule_.Due(kProcs, ctx.plan, !out.pids_current) || ReadProcesses(ctx, out, pids);
}

bool CgroupV2Reader::ReadEvents(ReadContext& ctx, MemoryStats& mem) {
  if (!schedule_.Due(kMemoryEvents, ctx.plan)) {
    mem.events = kept_.events;
    return true;
  }
  schedule_.Forget(kMemoryEvents);
  return ReadInto(files_[kMemoryEvents], dir_, ctx, kSource,
                  [](std::string_view t) { return ParseMemoryEvents(t); }, [&](MemoryEvents v) {
                    mem.events = v;
                    kept_.events = v;
                    schedule_.Stored(kMemoryEvents);
                  });
}

bool CgroupV2Reader::ReadSwap(ReadContext& ctx, MemoryStats& mem) {
  if (!schedule_.Due(kSwapCurrent, ctx.plan)) {
    files_[kSwapCurrent].Close();  // not read again: free its descriptor
    mem.swap_bytes = 0;
    return true;
  }
  return ReadInto(files_[kSwapCurrent], dir_, ctx, kSource,
                  [](std::string_view t) { return ParseUint(t); }, [&](uint64_t v) {
                    mem.swap_bytes = v;
                    schedule_.SawZero(kSwapCurrent, v == 0);
                  });
}

bool CgroupV2Reader::ReadProcesses(ReadContext& ctx, ContainerStats& out,
                                   std::vector<int>& pids) {
  pids.clear();
  const bool ok = ReadInto(files_[kProcs], dir_, ctx, kSource,
                           [&](std::string_view t) -> std::optional<bool> {
                             if (!ParsePidList(t, pids)) return std::nullopt;
                             return true;
                           },
                           [](bool) {});
  if (!ok) return false;
  if (pids.empty() && out.pids_current.value_or(1) > 0) {
    // Processes only in sub-cgroups (no-internal-process rule).
    SubtreeTasks sub = CollectSubtreePids(dir_, "cgroup.threads");
    if (!sub.pids.empty()) {
      pids = std::move(sub.pids);
      if (!out.pids_current) out.threads = out.threads.value_or(0) + sub.threads;
    }
  }
  return true;
}

}  // namespace berth::collector
