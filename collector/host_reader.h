// HostReader: host facts for the Snapshot from <rootfs>/proc: /proc/stat
// (CPU time, online CPUs, btime; USER_HZ from sysconf(_SC_CLK_TCK)),
// /proc/meminfo (MemTotal, MemAvailable, SwapTotal), /proc/sys/kernel/osrelease and
// hostname (osrelease until it once parses); on request the host's OOM kill count
// (/proc/vmstat). Freshness per file in its table (freshness.h); descriptors stay open
// between reads.
//
// Ownership: owns its descriptors. Thread-safety: none. Errors: unreadable or
// malformed files leave the facts absent and count an error under "proc".
#ifndef BERTH_COLLECTOR_HOST_READER_H_
#define BERTH_COLLECTOR_HOST_READER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "collector/freshness.h"
#include "collector/kept_file.h"
#include "collector/read_context.h"
#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

// sysconf(_SC_CLK_TCK), 100 when unknown.
uint64_t UserHz();

class HostReader {
 public:
  explicit HostReader(const RootFs& rootfs);
  void Read(ReadContext& ctx, HostFacts& out);
  // /proc/vmstat oom_kill; nullopt when unreadable or absent (kernel < 4.13).
  std::optional<uint64_t> ReadOomKills(ReadContext& ctx);

 private:
  enum File { kStat, kMeminfo, kOsrelease, kHostname, kVmstat, kNumFiles };
  std::string proc_dir_;    // "<rootfs>/proc"
  std::string kernel_dir_;  // "<rootfs>/proc/sys/kernel"
  FreshnessSchedule schedule_;
  std::string kernel_release_;  // once parsed
  std::array<KeptFile, kNumFiles> files_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_HOST_READER_H_
