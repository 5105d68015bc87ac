#include "collector/cgroup_v1_reader.h"

#include <algorithm>

#include "collector/cgroup_parsers.h"
#include "collector/extra_parsers.h"
#include "collector/freshness.h"
#include "collector/subtree_pids.h"

namespace berth::collector {
namespace {

constexpr const char* kSource = "cgroup";

// When each file can have changed (freshness.h), in File order.
constexpr std::array<ControlFileSpec, 23> kFiles = {{
    {"cpu.stat", Freshness::kWhileMayChange},  // throttling: only with a quota
    {"cpu.cfs_quota_us", Freshness::kOnWrite},
    {"cpu.cfs_period_us", Freshness::kOnWrite},
    {"cpu.shares", Freshness::kOnWrite},
    {"cpuacct.usage", Freshness::kEveryCollection},  // hybrid: when v2's cpu.stat has none
    {"cpuacct.stat", Freshness::kEveryCollection},
    {"memory.usage_in_bytes", Freshness::kEveryCollection},
    {"memory.limit_in_bytes", Freshness::kOnWrite},
    {"memory.max_usage_in_bytes", Freshness::kEveryCollection},
    {"memory.soft_limit_in_bytes", Freshness::kOnWrite},
    {"memory.failcnt", Freshness::kWhileMayChange},  // near the limit (ReadFailcnt)
    {"memory.stat", Freshness::kEveryCollection},
    {"memory.oom_control", Freshness::kWithHostOomKills},
    {"memory.memsw.usage_in_bytes", Freshness::kUntilZero},
    {"memory.memsw.limit_in_bytes", Freshness::kOnWrite},
    // The first of each pair that exists.
    {"blkio.throttle.io_service_bytes_recursive", Freshness::kEveryCollection},
    {"blkio.throttle.io_service_bytes", Freshness::kEveryCollection},
    {"blkio.throttle.io_serviced_recursive", Freshness::kEveryCollectionWhenNeeded},
    {"blkio.throttle.io_serviced", Freshness::kEveryCollectionWhenNeeded},
    {"pids.current", Freshness::kEveryCollection},
    {"pids.max", Freshness::kOnWrite},
    // Read with every re-check (10 s), i.e. on every scrape at 15 s
    // intervals: keeps its descriptor.
    {"cgroup.procs", Freshness::kProcessList},
    {"tasks", Freshness::kOnlyWhenNeeded},  // without pids.current
}};

auto Uint() {
  return [](std::string_view t) { return ParseUint(t); };
}
auto UintOrMax() {
  return [](std::string_view t) { return ParseUintOrMax(t); };
}

// Adds the io counts of `ios` to the byte counts in `devices` (both sorted).
void MergeIos(std::vector<BlockDeviceStats>& devices, const std::vector<BlockDeviceStats>& ios) {
  for (const auto& d : ios) {
    auto it = std::find_if(devices.begin(), devices.end(), [&](const BlockDeviceStats& x) {
      return x.major == d.major && x.minor == d.minor;
    });
    if (it == devices.end()) {
      BlockDeviceStats& added = devices.emplace_back();
      added.major = d.major;
      added.minor = d.minor;
      it = devices.end() - 1;
    }
    it->read_ios = d.read_ios;
    it->write_ios = d.write_ios;
  }
  std::sort(devices.begin(), devices.end(), [](const auto& a, const auto& b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  });
}

}  // namespace

CgroupV1Reader::CgroupV1Reader(std::array<std::string, kNumV1Controllers> dirs,
                               std::string v2_dir)
    : schedule_(kFiles), dirs_(std::move(dirs)) {
  static_assert(kFiles.size() == kNumFiles && kNumFiles <= FreshnessSchedule::kMaxFiles);
  for (size_t i = 0; i < kNumFiles; ++i) {
    files_[i] = KeptFile(kFiles[i].name, KeepsDescriptor(kFiles[i].freshness));
  }
  for (V1Controller c : {V1Controller::kCpu, V1Controller::kCpuacct, V1Controller::kMemory,
                         V1Controller::kPids, V1Controller::kBlkio}) {
    if (!dir(c).empty()) {
      procs_dir_ = dir(c);
      break;
    }
  }
  if (!v2_dir.empty()) unified_ = std::make_unique<CgroupV2Reader>(std::move(v2_dir), true);
}

void CgroupV1Reader::Close() {
  schedule_.Clear();
  for (auto& f : files_) f.Close();
  if (unified_) unified_->Close();
}

bool CgroupV1Reader::ReadCpu(ReadContext& ctx, ContainerStats& out) {
  CpuStats& cpu = out.cpu;
  const std::string& acct = dir(V1Controller::kCpuacct);
  // Hybrid: the container's cgroup in the v2 mount has the core's cpu.stat
  // without any controller. Its usage_usec is fed by the same scheduler
  // accounting as cpuacct.usage (equal to the microsecond), and user/system
  // come in microseconds instead of cpuacct.stat's ticks: one read, not two.
  bool have_usage = false;
  if (unified_) {
    const ReadOutcome o = unified_->ReadCpuUsage(ctx, cpu);
    if (o == ReadOutcome::kGone) return false;
    have_usage = o == ReadOutcome::kStored;
  }
  if (!acct.empty() && !have_usage) {
    if (!ReadInto(files_[kCpuacctUsage], acct, ctx, kSource, Uint(),
                  [&](uint64_t v) { cpu.usage_ns = v; }) ||
        !ReadInto(files_[kCpuacctStat], acct, ctx, kSource,
                  [&](std::string_view t) { return ParseCpuacctStat(t, ctx.user_hz); },
                  [&](const CpuStats& v) {
                    cpu.user_ns = v.user_ns;
                    cpu.system_ns = v.system_ns;
                  })) {
      return false;
    }
  }
  const std::string& d = dir(V1Controller::kCpu);
  if (d.empty()) return true;
  // Without a quota the bandwidth timer does not run: v1's cpu.stat (periods
  // and throttling only) cannot change until a quota is set, which the limits
  // refresh notices.
  if (!schedule_.Due(kCpuStat, ctx.plan, kept_.limits.cpu.quota_us != kUnlimited)) {
    cpu.nr_periods = kept_.throttling.nr_periods;
    cpu.nr_throttled = kept_.throttling.nr_throttled;
    cpu.throttled_ns = kept_.throttling.throttled_ns;
    return true;
  }
  schedule_.Forget(kCpuStat);
  return ReadInto(files_[kCpuStat], d, ctx, kSource,
                  [](std::string_view t) { return ParseCpuStatV1(t); },
                  [&](const CpuStats& v) {
                    cpu.nr_periods = v.nr_periods;
                    cpu.nr_throttled = v.nr_throttled;
                    cpu.throttled_ns = v.throttled_ns;
                    kept_.throttling = v;
                    schedule_.Stored(kCpuStat);
                  });
}

bool CgroupV1Reader::ReadLimits(ReadContext& ctx) {
  Limits l;
  const std::string& cpu = dir(V1Controller::kCpu);
  const std::string& mem = dir(V1Controller::kMemory);
  const std::string& pids = dir(V1Controller::kPids);
  const bool ok =
      (cpu.empty() ||
       (ReadInto(files_[kCfsQuota], cpu, ctx, kSource,
                 [](std::string_view t) { return ParseInt(t); },
                 [&](int64_t v) {
                   l.cpu.quota_us = v < 0 ? kUnlimited : static_cast<uint64_t>(v);
                 }) &&
        ReadInto(files_[kCfsPeriod], cpu, ctx, kSource, Uint(),
                 [&](uint64_t v) { l.cpu.period_us = v; }) &&
        ReadInto(files_[kShares], cpu, ctx, kSource, Uint(),
                 [&](uint64_t v) { l.cpu.shares = v; }))) &&
      (mem.empty() ||
       (ReadInto(files_[kMemLimit], mem, ctx, kSource, UintOrMax(),
                 [&](uint64_t v) { l.memory_limit = v; }) &&
        ReadInto(files_[kMemSoftLimit], mem, ctx, kSource, UintOrMax(),
                 [&](uint64_t v) { l.soft_limit = v; }) &&
        ReadInto(files_[kMemswLimit], mem, ctx, kSource, UintOrMax(),
                 [&](uint64_t v) { l.memsw_limit = v; }))) &&
      (pids.empty() || ReadInto(files_[kPidsMax], pids, ctx, kSource, UintOrMax(),
                                [&](uint64_t v) { l.pids_max = v; }));
  if (!ok) return false;
  kept_.limits = l;
  schedule_.OnWriteStored();
  return true;
}

bool CgroupV1Reader::ReadFailcnt(ReadContext& ctx, MemoryStats& mem) {
  // failcnt counts charges refused at this cgroup's own limit: without a
  // limit it cannot change until one is set, which the limits refresh
  // notices. With one, a refusal means the usage counter, in-flight charges
  // included, came within one charge of the limit. Every CPU has at most one
  // charge in flight, of at most kLargestCharge; the settled part is at most
  // the high-water mark (max_usage_in_bytes, read just before), which only a
  // write by hand lowers. So while the mark stays further from the limit than
  // one charge per CPU and one more, the count cannot have moved.
  // A limit lowered since the last limits refresh is noticed with the next.
  constexpr uint64_t kLargestCharge = uint64_t{4} << 20;  // order-10 kernel page, 4 MiB
  const std::optional<uint64_t>& limit = kept_.limits.memory_limit;
  const bool unlimited = limit == kUnlimited;
  bool far_from_limit = false;
  if (!unlimited && limit && mem.peak_bytes && ctx.online_cpus > 0) {
    const uint64_t margin = (uint64_t{ctx.online_cpus} + 1) * kLargestCharge;
    far_from_limit = *limit > margin && *mem.peak_bytes < *limit - margin;
  }
  if (!schedule_.Due(kMemFailcnt, ctx.plan, !(unlimited || far_from_limit))) {
    mem.failcnt = kept_.failcnt;
    mem.events.max = kept_.failcnt;
    return true;
  }
  schedule_.Forget(kMemFailcnt);
  return ReadInto(files_[kMemFailcnt], dir(V1Controller::kMemory), ctx, kSource, Uint(),
                  [&](uint64_t v) {
                    mem.failcnt = v;
                    mem.events.max = v;
                    kept_.failcnt = v;
                    schedule_.Stored(kMemFailcnt);
                  });
}

bool CgroupV1Reader::ReadMemory(ReadContext& ctx, ContainerStats& out) {
  const std::string& d = dir(V1Controller::kMemory);
  if (d.empty()) return true;
  MemoryStats& mem = out.memory;
  std::optional<uint64_t> memsw_usage;
  bool ok = ReadInto(files_[kMemUsage], d, ctx, kSource, Uint(),
                     [&](uint64_t v) { mem.usage_bytes = v; }) &&
            ReadInto(files_[kMemMaxUsage], d, ctx, kSource, Uint(),
                     [&](uint64_t v) { mem.peak_bytes = v; }) &&
            ReadFailcnt(ctx, mem) &&
            ReadInto(files_[kMemStat], d, ctx, kSource,
                     [](std::string_view t) { return ParseMemoryStatV1(t); },
                     [&](const MemoryStat& v) { mem.stat = v; }) &&
            ReadOomKills(ctx, mem);
  if (!ok) return false;
  // Without swap on the host nothing can be swapped out: once memsw.usage
  // equalled the usage it is not read again (as v2's memory.swap.current).
  if (!schedule_.Due(kMemswUsage, ctx.plan)) {
    files_[kMemswUsage].Close();  // not read again: free its descriptor
    mem.swap_bytes = 0;
    return true;
  }
  schedule_.SawZero(kMemswUsage, false);
  if (!ReadInto(files_[kMemswUsage], d, ctx, kSource, Uint(),
                [&](uint64_t v) { memsw_usage = v; })) {
    return false;
  }
  if (memsw_usage && mem.usage_bytes && *memsw_usage >= *mem.usage_bytes) {
    mem.swap_bytes = *memsw_usage - *mem.usage_bytes;
    schedule_.SawZero(kMemswUsage, mem.swap_bytes == 0u);
  }
  return true;
}

bool CgroupV1Reader::ReadOomKills(ReadContext& ctx, MemoryStats& mem) {
  if (!schedule_.Due(kMemOomControl, ctx.plan)) {
    mem.events.oom_kill = kept_.oom_kills;
    return true;
  }
  schedule_.Forget(kMemOomControl);
  return ReadInto(files_[kMemOomControl], dir(V1Controller::kMemory), ctx, kSource,
                  [](std::string_view t) -> std::optional<std::optional<uint64_t>> {
                    // Valid file without oom_kill (kernel < 4.13): absent.
                    if (t.find("oom_kill_disable") == std::string_view::npos) {
                      return std::nullopt;
                    }
                    return ParseOomControlKills(t);
                  },
                  [&](std::optional<uint64_t> v) {
                    mem.events.oom_kill = v;
                    kept_.oom_kills = v;
                    schedule_.Stored(kMemOomControl);
                  });
}

bool CgroupV1Reader::ReadBlkio(ReadContext& ctx, ContainerStats& out) {
  const std::string& d = dir(V1Controller::kBlkio);
  if (d.empty()) return true;
  std::optional<std::vector<BlockDeviceStats>> bytes, ios;
  auto read = [&](File primary, File fallback, bool want_ios,
                  std::optional<std::vector<BlockDeviceStats>>& dest) {
    auto parse = [want_ios](std::string_view t) { return ParseBlkioV1(t, want_ios); };
    auto sink = [&](std::vector<BlockDeviceStats> v) { dest = std::move(v); };
    ReadOutcome o = ReadParsed(files_[primary], d, ctx, kSource, parse, sink);
    if (o == ReadOutcome::kMissing) o = ReadParsed(files_[fallback], d, ctx, kSource, parse, sink);
    return o != ReadOutcome::kGone;
  };
  if (!read(kBlkioBytesRecursive, kBlkioBytes, false, bytes)) return false;
  // Both files print the same devices (the cgroup's blkio groups of the
  // throttle policy); with none in the bytes there are none to count ios of.
  if (schedule_.Due(kBlkioIosRecursive, ctx.plan, !bytes || !bytes->empty()) &&
      !read(kBlkioIosRecursive, kBlkioIos, true, ios)) {
    return false;
  }
  if (bytes) {
    out.block_devices = std::move(*bytes);
    out.block_io_known = true;
  }
  if (ios) MergeIos(out.block_devices, *ios);
  ctx.devices.Fill(out.block_devices);
  return true;
}

bool CgroupV1Reader::ReadTasks(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids) {
  const std::string& p = dir(V1Controller::kPids);
  if (!p.empty() &&
      !ReadInto(files_[kPidsCurrent], p, ctx, kSource, Uint(),
                [&](uint64_t v) { out.pids_current = v; })) {
    return false;
  }
  if (procs_dir_.empty()) return true;
  if (!schedule_.Due(kTasks, ctx.plan, !out.pids_current)) {
    out.threads = out.pids_current;  // every task of the subtree
  } else if (!ReadInto(files_[kTasks], procs_dir_, ctx, kSource,
                       [](std::string_view t) { return CountIdLines(t); },
                       [&](uint64_t v) { out.threads = v; })) {
    return false;
  }
  // Without pids.current the thread count needs the process walk every time.
  return !schedule_.Due(kProcs, ctx.plan, !out.pids_current) || ReadProcesses(ctx, out, pids);
}

bool CgroupV1Reader::ReadProcesses(ReadContext& ctx, ContainerStats& out,
                                   std::vector<int>& pids) {
  pids.clear();
  if (procs_dir_.empty()) return true;
  bool ok = ReadInto(files_[kProcs], procs_dir_, ctx, kSource,
                     [&](std::string_view t) -> std::optional<bool> {
                       if (!ParsePidList(t, pids)) return std::nullopt;
                       return true;
                     },
                     [](bool) {});
  if (!ok) return false;
  if (pids.empty() && out.pids_current.value_or(1) > 0) {
    SubtreeTasks sub = CollectSubtreePids(procs_dir_, "tasks");
    if (!sub.pids.empty()) {
      pids = std::move(sub.pids);
      if (!out.pids_current) out.threads = out.threads.value_or(0) + sub.threads;
    }
  }
  return true;
}

std::string CgroupV1Reader::PathOf(size_t file) const {
  V1Controller c = V1Controller::kCpu;
  switch (file) {
    case kCpuStat: case kCfsQuota: case kCfsPeriod: case kShares:
      c = V1Controller::kCpu; break;
    case kCpuacctUsage: case kCpuacctStat:
      c = V1Controller::kCpuacct; break;
    case kBlkioBytesRecursive: case kBlkioBytes: case kBlkioIosRecursive: case kBlkioIos:
      c = V1Controller::kBlkio; break;
    case kPidsCurrent: case kPidsMax:
      c = V1Controller::kPids; break;
    case kProcs: case kTasks:
      return procs_dir_.empty() ? std::string() : procs_dir_ + "/" + kFiles[file].name;
    default:
      c = V1Controller::kMemory;
  }
  return dir(c).empty() ? std::string() : dir(c) + "/" + kFiles[file].name;
}

bool CgroupV1Reader::Read(ReadContext& ctx, ContainerStats& out, std::vector<int>& pids) {
  schedule_.WatchOnce(ctx.plan, [&](size_t f) { return PathOf(f); });
  if (schedule_.OnWriteDue(ctx.plan) && !ReadLimits(ctx)) return false;
  const Limits& limits = kept_.limits;
  out.cpu_limits = limits.cpu;
  out.memory.limit_bytes = limits.memory_limit;
  out.memory.reservation_bytes = limits.soft_limit;
  out.memory.swap_limit_bytes = limits.memsw_limit;
  out.pids_max = limits.pids_max;
  return ReadCpu(ctx, out) && ReadMemory(ctx, out) && ReadBlkio(ctx, out) &&
         ReadTasks(ctx, out, pids) && (!unified_ || unified_->Read(ctx, out, pids));
}

}  // namespace berth::collector
