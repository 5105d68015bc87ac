// Derived figures: the one home for every figure computed from what the
// kernel said (the Snapshot keeps only raw facts). Every output uses these:
// the metrics families, the JSON API, `berth stats` and `berth top`; the
// figures between two snapshots are collector/rates.h, built on these.
//   working set    = usage − inactive_file, 0 when inactive_file ≥ usage
//                    (cAdvisor's container_memory_working_set_bytes)
//   docker memory  = usage − inactive_file when smaller, else usage (docker stats)
//   docker limit   = min(limit, MemTotal): "max" and a limit above the host's
//                    memory show MemTotal (dockerd's clamp)
//   MEM %          = docker memory / docker limit × 100
//   swap           = memory.swap.current (v1: memsw.usage − usage), else
//                    memory.stat's (total_)swap
//   CPU limit      = cpu.max quota / period, in cores
//   NET / BLOCK    = Σ over interfaces except lo / over devices, saturating
//                    at 2^64−1 instead of wrapping; a pod's network only on
//                    its sandbox (ReportsNetwork)
//   root uid       = the host uid of uid 0 in the container's user namespace
//                    (uid_map); 0 with the host's identity map, 100000 for a
//                    remapped or rootless one
//   host-shared    = the namespaces of the isolating kinds (net, pid, ipc,
//                    uts, mnt) that are the host's; user, cgroup and time are
//                    the host's for every default Docker container on v1
// Honest figures: a figure whose inputs were not read is absent, never made up
// — no inactive_file (memory.stat unreadable) means no working set and no
// docker memory; an unreadable limit means no docker limit and no MEM %.
// Pure functions; thread-safe.
#ifndef BERTH_COLLECTOR_DERIVED_H_
#define BERTH_COLLECTOR_DERIVED_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "collector/snapshot.h"

namespace berth::collector {

// a + b, or 2^64−1 when the sum does not fit.
uint64_t SaturatingAdd(uint64_t a, uint64_t b);

std::optional<uint64_t> WorkingSetBytes(const MemoryStats& memory);
std::optional<uint64_t> DockerMemoryUsage(const MemoryStats& memory);
std::optional<uint64_t> DockerMemoryLimit(const MemoryStats& memory, const HostFacts& host);
// DockerMemoryUsage / DockerMemoryLimit × 100.
std::optional<double> MemoryPercent(const MemoryStats& memory, const HostFacts& host);
std::optional<uint64_t> SwapBytes(const MemoryStats& memory);
// Absent without a quota, with "max", or without a positive period.
std::optional<double> CpuLimitCores(const CpuLimits& limits);

// Whether the container's network figures are its own to report: only with
// NetworkMode::kOwn, and in a Kubernetes pod (a pod uid from the cgroup path
// or a pod name from the runtime's labels) only on the pod's sandbox. All
// containers of a pod share the sandbox's network namespace, so its traffic
// is reported once, on the sandbox (container="POD"), as cAdvisor does, and
// `sum by (pod)` counts it once. A pod member no provider has identified as
// the sandbox reports none (which one it is is unknown: absent, never
// doubled). Every output follows it: /metrics, the JSON API, stats and top.
bool ReportsNetwork(const ContainerStats& c);

// Σ rx/tx bytes over interfaces except lo (absent unless ReportsNetwork).
std::optional<uint64_t> NetRxBytes(const ContainerStats& c);
std::optional<uint64_t> NetTxBytes(const ContainerStats& c);
// Σ read/write bytes over block devices (absent when no device is listed and
// the io files were not readable).
std::optional<uint64_t> BlockReadBytes(const ContainerStats& c);
std::optional<uint64_t> BlockWriteBytes(const ContainerStats& c);

// `id` of a user namespace mapped through `map` (uid_map / gid_map lines);
// absent when no line maps it.
std::optional<uint32_t> MapId(const std::vector<IdMapRange>& map, uint32_t id);
// The host uid of the container's root; absent when uid_map was not read or
// does not map 0.
std::optional<uint32_t> ContainerRootUid(const ContainerNamespaces& ns);
// The other containers in a kContainers namespace: the names of its members
// but `own_name` (once), sorted, at most `max`; and how many others there are.
std::vector<std::string_view> SharedWith(const NamespaceInfo& info, std::string_view own_name,
                                         size_t max = kMaxSharedWithNames);
uint32_t SharedWithCount(const NamespaceInfo& info);
// The kinds (of net, pid, ipc, uts, mnt, in NamespaceKind order) whose
// namespace is the host's.
std::vector<NamespaceKind> HostSharedIsolation(const ContainerNamespaces& ns);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DERIVED_H_
