#include "collector/derived.h"

#include <limits>

namespace berth::collector {
namespace {

template <typename Field>
std::optional<uint64_t> SumInterfaces(const ContainerStats& c, Field field) {
  if (!ReportsNetwork(c)) return std::nullopt;
  uint64_t sum = 0;
  for (const auto& iface : c.net_interfaces) {
    if (iface.name != "lo") sum = SaturatingAdd(sum, iface.*field);
  }
  return sum;
}

template <typename Field>
std::optional<uint64_t> SumDevices(const ContainerStats& c, Field field) {
  std::optional<uint64_t> sum;
  if (c.block_io_known) sum = 0;
  for (const auto& dev : c.block_devices) {
    if (const auto& v = dev.*field) sum = SaturatingAdd(sum.value_or(0), *v);
  }
  return sum;
}

}  // namespace

bool ReportsNetwork(const ContainerStats& c) {
  if (c.network_mode != NetworkMode::kOwn) return false;
  const ContainerIdentity& id = c.identity;
  const bool in_pod = !id.pod_uid.empty() || !id.k8s_pod.empty();
  return !in_pod || id.is_sandbox;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<uint64_t>::max();
  return sum;
}

std::optional<uint64_t> WorkingSetBytes(const MemoryStats& memory) {
  if (!memory.usage_bytes || !memory.stat.inactive_file) return std::nullopt;
  const uint64_t usage = *memory.usage_bytes, inactive = *memory.stat.inactive_file;
  return inactive < usage ? usage - inactive : uint64_t{0};
}

std::optional<uint64_t> DockerMemoryUsage(const MemoryStats& memory) {
  if (!memory.usage_bytes || !memory.stat.inactive_file) return std::nullopt;
  const uint64_t usage = *memory.usage_bytes, inactive = *memory.stat.inactive_file;
  return inactive < usage ? usage - inactive : usage;
}

std::optional<uint64_t> DockerMemoryLimit(const MemoryStats& memory, const HostFacts& host) {
  if (!memory.limit_bytes) return std::nullopt;  // unreadable: unknown, not MemTotal
  if (host.mem_total_bytes && *memory.limit_bytes > *host.mem_total_bytes) {
    return host.mem_total_bytes;
  }
  if (*memory.limit_bytes == kUnlimited) return std::nullopt;
  return memory.limit_bytes;
}

std::optional<double> MemoryPercent(const MemoryStats& memory, const HostFacts& host) {
  const std::optional<uint64_t> used = DockerMemoryUsage(memory);
  const std::optional<uint64_t> limit = DockerMemoryLimit(memory, host);
  if (!used || !limit || *limit == 0) return std::nullopt;
  return static_cast<double>(*used) / static_cast<double>(*limit) * 100.0;
}

std::optional<uint64_t> SwapBytes(const MemoryStats& memory) {
  return memory.swap_bytes ? memory.swap_bytes : memory.stat.swap;
}

std::optional<double> CpuLimitCores(const CpuLimits& limits) {
  if (!limits.quota_us || *limits.quota_us == kUnlimited || !limits.period_us ||
      *limits.period_us == 0 || *limits.period_us == kUnlimited) {
    return std::nullopt;
  }
  return static_cast<double>(*limits.quota_us) / static_cast<double>(*limits.period_us);
}

std::optional<uint64_t> NetRxBytes(const ContainerStats& c) {
  return SumInterfaces(c, &NetInterfaceStats::rx_bytes);
}
std::optional<uint64_t> NetTxBytes(const ContainerStats& c) {
  return SumInterfaces(c, &NetInterfaceStats::tx_bytes);
}
std::optional<uint64_t> BlockReadBytes(const ContainerStats& c) {
  return SumDevices(c, &BlockDeviceStats::read_bytes);
}
std::optional<uint64_t> BlockWriteBytes(const ContainerStats& c) {
  return SumDevices(c, &BlockDeviceStats::write_bytes);
}

std::optional<uint32_t> MapId(const std::vector<IdMapRange>& map, uint32_t id) {
  for (const IdMapRange& r : map) {
    if (id >= r.inside && uint64_t{id} - r.inside < r.count) return r.outside + (id - r.inside);
  }
  return std::nullopt;
}

std::optional<uint32_t> ContainerRootUid(const ContainerNamespaces& ns) {
  if (!ns.uid_map) return std::nullopt;
  return MapId(*ns.uid_map, 0);
}

std::vector<std::string_view> SharedWith(const NamespaceInfo& info, std::string_view own_name,
                                         size_t max) {
  std::vector<std::string_view> out;
  if (!info.members) return out;
  bool skipped_self = false;
  for (const std::string& name : *info.members) {
    if (!skipped_self && name == own_name) {
      skipped_self = true;
      continue;
    }
    if (out.size() == max) break;
    out.push_back(name);
  }
  return out;
}

uint32_t SharedWithCount(const NamespaceInfo& info) {
  return info.members && !info.members->empty()
             ? static_cast<uint32_t>(info.members->size() - 1)
             : 0;
}

std::vector<NamespaceKind> HostSharedIsolation(const ContainerNamespaces& ns) {
  std::vector<NamespaceKind> out;
  for (NamespaceKind k : {NamespaceKind::kNet, NamespaceKind::kPid, NamespaceKind::kIpc,
                          NamespaceKind::kUts, NamespaceKind::kMnt}) {
    if (ns[k].sharing == NamespaceSharing::kHost) out.push_back(k);
  }
  return out;
}

}  // namespace berth::collector
