// Snapshot: the one vocabulary crossing module lines.
//
// A Snapshot is what one Sampler::Collect() saw: host facts and, per
// container, identity plus raw counters and gauges exactly as the kernel gave
// them. Every figure is std::optional: absent means "the kernel does not
// provide it here" (or the file was malformed), never 0. Limits use
// kUnlimited for "max". A Snapshot is immutable once built and is shared as
// std::shared_ptr<const Snapshot>; it is safe to read from any thread.
// Containers are sorted by id (deterministic output everywhere). Every struct
// compares field by field (==), as the history store's round-trip tests do.
#ifndef BERTH_COLLECTOR_SNAPSHOT_H_
#define BERTH_COLLECTOR_SNAPSHOT_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/namespace_types.h"

namespace berth::collector {

// A limit that the kernel reports as "max" (or v1's PAGE_COUNTER_MAX).
inline constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

enum class CgroupMode { kUnknown, kUnified, kLegacy, kHybrid };
const char* CgroupModeName(CgroupMode mode);  // "v2", "v1", "hybrid", "unknown"

enum class Runtime { kDocker, kPodman, kContainerd, kCrio, kLxc, kNspawn, kCgroup };
const char* RuntimeName(Runtime runtime);  // "docker", "podman", ... "cgroup"

// --- CPU ---------------------------------------------------------------------
struct CpuStats {
  std::optional<uint64_t> usage_ns;      // v2 usage_usec*1000, v1 cpuacct.usage
  std::optional<uint64_t> user_ns;       // v2 user_usec, v1 cpuacct.stat user (ticks->ns)
  std::optional<uint64_t> system_ns;
  std::optional<uint64_t> nr_periods;    // cpu.stat
  std::optional<uint64_t> nr_throttled;
  std::optional<uint64_t> throttled_ns;  // v2 throttled_usec*1000, v1 throttled_time
  friend bool operator==(const CpuStats&, const CpuStats&) = default;
};

struct CpuLimits {
  // Quota per period in microseconds; kUnlimited for "max" / -1.
  std::optional<uint64_t> quota_us;
  std::optional<uint64_t> period_us;
  std::optional<uint64_t> shares;  // v1 cpu.shares; on v2 derived from cpu.weight
  std::optional<uint64_t> weight;  // v2 cpu.weight (1..10000)
  friend bool operator==(const CpuLimits&, const CpuLimits&) = default;
};

// --- Memory ------------------------------------------------------------------
// memory.stat keys berth uses. On v1 the hierarchical total_* keys are used
// (total_rss -> anon, total_cache -> file, total_inactive_file -> inactive_file …).
struct MemoryStat {
  std::optional<uint64_t> anon, file, active_anon, inactive_anon, active_file,
      inactive_file, shmem, slab, sock, file_mapped, file_dirty, file_writeback,
      pgfault, pgmajfault, workingset_refault_anon, workingset_refault_file,
      swap;  // v1 total_swap only
  friend bool operator==(const MemoryStat&, const MemoryStat&) = default;
};

struct MemoryEvents {
  std::optional<uint64_t> low, high, max, oom, oom_kill;
  friend bool operator==(const MemoryEvents&, const MemoryEvents&) = default;
};

struct MemoryStats {
  std::optional<uint64_t> usage_bytes;        // memory.current / usage_in_bytes
  std::optional<uint64_t> limit_bytes;        // memory.max / limit_in_bytes; kUnlimited
  std::optional<uint64_t> high_bytes;         // memory.high (v2); kUnlimited
  std::optional<uint64_t> reservation_bytes;  // memory.low (v2) / soft_limit_in_bytes (v1)
  std::optional<uint64_t> peak_bytes;         // memory.peak / max_usage_in_bytes
  std::optional<uint64_t> failcnt;            // v1 memory.failcnt
  std::optional<uint64_t> swap_bytes;         // memory.swap.current; v1 memsw.usage - usage
  std::optional<uint64_t> swap_limit_bytes;   // memory.swap.max; v1 memsw.limit; kUnlimited
  std::optional<uint64_t> swap_high_bytes;    // memory.swap.high (v2); kUnlimited
  MemoryStat stat;
  MemoryEvents events;  // v1: oom_kill from memory.oom_control, max from failcnt
  friend bool operator==(const MemoryStats&, const MemoryStats&) = default;
};

// --- Block IO ----------------------------------------------------------------
struct BlockDeviceStats {
  uint32_t major = 0;
  uint32_t minor = 0;
  std::string name;  // "sda" from /sys/dev/block/M:m/uevent; empty if unknown
  std::optional<uint64_t> read_bytes, write_bytes, read_ios, write_ios;
  friend bool operator==(const BlockDeviceStats&, const BlockDeviceStats&) = default;
};

// --- Network -----------------------------------------------------------------
struct NetInterfaceStats {
  std::string name;
  uint64_t rx_bytes = 0, rx_packets = 0, rx_errors = 0, rx_dropped = 0;
  uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0, tx_dropped = 0;
  friend bool operator==(const NetInterfaceStats&, const NetInterfaceStats&) = default;
};

enum class NetworkMode {
  kUnknown,  // no process readable (stopped, or /proc not visible)
  kOwn,      // the container has its own network namespace
  kHost,     // it shares the host's namespace: its traffic is not its own
};

// --- Pressure (PSI) ----------------------------------------------------------
struct PressureLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;
  uint64_t total_usec = 0;
  friend bool operator==(const PressureLine&, const PressureLine&) = default;
};
struct Pressure {
  std::optional<PressureLine> some, full;
  friend bool operator==(const Pressure&, const Pressure&) = default;
};

// --- Identity ----------------------------------------------------------------
struct ContainerIdentity {
  std::string id;     // 64-hex for OCI runtimes; the unit/cgroup name for lxc/nspawn
  std::string name;   // never empty once metadata ran: falls back to short id
  std::string image;  // empty when unknown
  Runtime runtime = Runtime::kCgroup;
  // Cgroup path relative to the hierarchy root, "/system.slice/docker-….scope".
  // On v1 the path of the cpu(acct) hierarchy (the others may differ).
  std::string cgroup_path;
  std::map<std::string, std::string> labels;  // runtime labels (compose, k8s …)
  // Kubernetes (from the cgroup path and kubelet's log layout).
  std::string pod_uid, qos_class, k8s_namespace, k8s_pod, k8s_container;
  bool is_sandbox = false;  // the pod's pause container
  std::optional<double> start_time_seconds;  // unix time the container started
  // Docker/Podman: restarts by the restart policy, and the healthcheck status
  // ("starting", "healthy", "unhealthy"; empty without a healthcheck).
  std::optional<int64_t> restart_count;
  std::string health_status;
  // The container's writable layer as a host path (not under --path.rootfs),
  // from its runtime's metadata: Docker's overlay2 GraphDriver.Data.UpperDir,
  // its vfs dir (layerdb mount-id), a containerd snapshot's upper dir. Empty
  // when no runtime says (then there is no writable-layer usage).
  std::string writable_layer_dir;
  friend bool operator==(const ContainerIdentity&, const ContainerIdentity&) = default;
};

// --- Disk usage --------------------------------------------------------------
// One directory tree measured by the background walker
// (collector/disk_usage/): what `du -sbx` and a file count of it give, and
// statvfs of the filesystem holding it, as of the walk's end.
struct FsUsage {
  std::string device;            // the filesystem's mount source ("/dev/vda1")
  uint64_t usage_bytes = 0;      // Σ apparent sizes, hard links once (du -sbx)
  uint64_t allocated_bytes = 0;  // Σ st_blocks × 512 (du -sx)
  uint64_t inodes = 0;           // inodes in the tree (files, dirs, links)
  std::optional<uint64_t> fs_size_bytes;    // statvfs of the filesystem
  std::optional<uint64_t> fs_inodes_free;
  std::optional<uint64_t> fs_inodes_total;
  double age_seconds = 0;        // since the walk that measured it ended
  double walk_seconds = 0;       // how long that walk took (wall time)
  bool partial = false;          // entries were skipped (unreadable, vanished, too deep)
  friend bool operator==(const FsUsage&, const FsUsage&) = default;
};

struct ContainerStats {
  ContainerIdentity identity;
  CpuStats cpu;
  CpuLimits cpu_limits;
  MemoryStats memory;
  std::vector<BlockDeviceStats> block_devices;  // sorted by major, minor
  // The io file (io.stat / blkio.throttle.*) was read: an empty device list
  // then means "no IO yet" (0), not "unknown".
  bool block_io_known = false;
  std::vector<NetInterfaceStats> net_interfaces;  // sorted by name, lo included
  NetworkMode network_mode = NetworkMode::kUnknown;
  std::optional<uint64_t> pids_current;
  std::optional<uint64_t> pids_max;  // kUnlimited for "max"
  std::optional<uint64_t> threads;   // pids.current (counts tasks); else cgroup.threads / tasks
  Pressure cpu_pressure, memory_pressure, io_pressure;
  // Its namespaces and whom each is shared with (collector/namespaces.h).
  ContainerNamespaces namespaces;
  // The writable layer's usage: absent while its location is unknown (no
  // runtime metadata), before its first walk ended, or when it cannot be read.
  std::optional<FsUsage> writable_layer;
  // The container's processes are collection working data, not part of the
  // Snapshot: Sampler::Processes() reads them.
  friend bool operator==(const ContainerStats&, const ContainerStats&) = default;
};

struct HostFacts {
  CgroupMode cgroup_mode = CgroupMode::kUnknown;
  std::optional<uint32_t> online_cpus;  // count of cpuN lines in /proc/stat
  // Σ of the first 7 fields of the "cpu" line of /proc/stat, in ns.
  std::optional<uint64_t> cpu_total_ns;
  // idle + iowait of the "cpu" line, in ns (host CPU in use = total − idle).
  std::optional<uint64_t> cpu_idle_ns;
  std::optional<uint64_t> mem_total_bytes;     // /proc/meminfo MemTotal
  std::optional<uint64_t> mem_available_bytes;  // /proc/meminfo MemAvailable
  std::optional<uint64_t> swap_total_bytes;     // /proc/meminfo SwapTotal
  std::optional<double> boot_time_seconds;     // /proc/stat btime
  std::string kernel_release;                  // /proc/sys/kernel/osrelease
  std::string hostname;                        // /proc/sys/kernel/hostname
  friend bool operator==(const HostFacts&, const HostFacts&) = default;
};

// Counts of errors met during one collection, by source ("cgroup", "proc",
// "docker" …). Monotonic totals live in the Sampler.
using ErrorCounts = std::map<std::string, uint64_t>;

struct Snapshot {
  std::chrono::system_clock::time_point wall_time;
  std::chrono::steady_clock::time_point monotonic_time;
  HostFacts host;
  std::vector<ContainerStats> containers;  // sorted by identity.id
  // Known to a runtime but without a cgroup (stopped, created); sorted by id.
  std::vector<ContainerIdentity> stopped;
  ErrorCounts errors;                      // this collection
  std::chrono::nanoseconds collect_duration{0};

  // The container whose id, short id prefix (≥ 3 chars) or name matches, or nullptr.
  const ContainerStats* Find(std::string_view id_or_name) const;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// "abcdef012345" — the first 12 characters of an id (docker's short id).
std::string ShortId(std::string_view id);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_SNAPSHOT_H_
