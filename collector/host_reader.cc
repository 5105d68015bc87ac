#include "collector/host_reader.h"

#include <unistd.h>

#include "collector/proc_parsers.h"

namespace berth::collector {
namespace {

constexpr const char* kSource = "proc";

// When each file can have changed (freshness.h), in HostReader::File order.
constexpr std::array<ControlFileSpec, 5> kFiles = {{
    {"stat", Freshness::kEveryCollection},
    {"meminfo", Freshness::kEveryCollection},
    {"osrelease", Freshness::kUntilParsed},  // the running kernel's release
    {"hostname", Freshness::kEveryCollection},
    {"vmstat", Freshness::kEveryCollectionWhenNeeded},  // v1/hybrid: ReadOomKills()
}};

std::optional<std::string> TrimmedLine(std::string_view t) {
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.remove_suffix(1);
  if (t.empty() || t.find('\n') != std::string_view::npos) return std::nullopt;
  return std::string(t);
}

}  // namespace

uint64_t UserHz() {
  long hz = ::sysconf(_SC_CLK_TCK);
  return hz > 0 ? static_cast<uint64_t>(hz) : 100;
}

HostReader::HostReader(const RootFs& rootfs)
    : proc_dir_(rootfs.Path("/proc")),
      kernel_dir_(rootfs.Path("/proc/sys/kernel")),
      schedule_(kFiles) {
  static_assert(kFiles.size() == kNumFiles);
  for (size_t i = 0; i < kNumFiles; ++i) {
    files_[i] = KeptFile(kFiles[i].name, KeepsDescriptor(kFiles[i].freshness));
  }
}

void HostReader::Read(ReadContext& ctx, HostFacts& out) {
  ReadInto(files_[kStat], proc_dir_, ctx, kSource,
           [&](std::string_view t) { return ParseProcStat(t, ctx.user_hz); },
           [&](const ProcStat& s) {
             out.cpu_total_ns = s.cpu_total_ns;
             out.cpu_idle_ns = s.cpu_idle_ns;
             out.online_cpus = s.online_cpus;
             out.boot_time_seconds = s.boot_time_seconds;
           });
  ReadInto(files_[kMeminfo], proc_dir_, ctx, kSource,
           [](std::string_view t) { return ParseMemInfo(t); },
           [&](const MemInfo& m) {
             out.mem_total_bytes = m.mem_total_bytes;
             out.mem_available_bytes = m.mem_available_bytes;
             out.swap_total_bytes = m.swap_total_bytes;
           });
  if (schedule_.Due(kOsrelease, ctx.plan)) {
    ReadInto(files_[kOsrelease], kernel_dir_, ctx, kSource, TrimmedLine, [&](std::string v) {
      kernel_release_ = std::move(v);
      schedule_.Stored(kOsrelease);
    });
  }
  out.kernel_release = kernel_release_;  // "" until it parses
  ReadInto(files_[kHostname], kernel_dir_, ctx, kSource, TrimmedLine,
           [&](std::string v) { out.hostname = std::move(v); });
}

std::optional<uint64_t> HostReader::ReadOomKills(ReadContext& ctx) {
  std::optional<uint64_t> kills;
  // A kernel without the counter is not an error: callers read every count.
  ReadInto(files_[kVmstat], proc_dir_, ctx, kSource,
           [](std::string_view t) { return std::optional(ParseVmstatOomKills(t)); },
           [&](std::optional<uint64_t> v) { kills = v; });
  return kills;
}

}  // namespace berth::collector
