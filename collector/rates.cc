#include "collector/rates.h"

#include <algorithm>
#include <chrono>

namespace berth::collector {
namespace {

// Δ of a counter, absent when either side is missing or it went backwards.
std::optional<uint64_t> Delta(const std::optional<uint64_t>& prev,
                              const std::optional<uint64_t>& cur) {
  if (!prev || !cur || *cur < *prev) return std::nullopt;
  return *cur - *prev;
}

std::optional<double> PerSecond(const std::optional<uint64_t>& prev,
                                const std::optional<uint64_t>& cur, double seconds) {
  if (seconds <= 0) return std::nullopt;
  auto d = Delta(prev, cur);
  if (!d) return std::nullopt;
  return static_cast<double>(*d) / seconds;
}

const ContainerStats* FindById(const Snapshot& snap, const std::string& id) {
  auto it = std::lower_bound(
      snap.containers.begin(), snap.containers.end(), id,
      [](const ContainerStats& c, const std::string& key) { return c.identity.id < key; });
  if (it == snap.containers.end() || it->identity.id != id) return nullptr;
  return &*it;
}

}  // namespace

std::optional<double> HostCpuPercent(const Snapshot* prev, const Snapshot& cur) {
  if (prev == nullptr) return std::nullopt;
  auto total = Delta(prev->host.cpu_total_ns, cur.host.cpu_total_ns);
  auto idle = Delta(prev->host.cpu_idle_ns, cur.host.cpu_idle_ns);
  if (!total || !idle || *total == 0 || !cur.host.online_cpus || *idle > *total) {
    return std::nullopt;
  }
  return static_cast<double>(*total - *idle) / static_cast<double>(*total) *
         *cur.host.online_cpus * 100.0;
}

std::vector<ContainerRates> Rates(const Snapshot* prev, const Snapshot& cur) {
  std::vector<ContainerRates> out;
  out.reserve(cur.containers.size());
  double seconds = 0;
  std::optional<uint64_t> host_delta;
  if (prev != nullptr) {
    seconds = std::chrono::duration<double>(cur.monotonic_time - prev->monotonic_time).count();
    host_delta = Delta(prev->host.cpu_total_ns, cur.host.cpu_total_ns);
  }
  for (const auto& c : cur.containers) {
    ContainerRates r;
    r.id = c.identity.id;
    r.memory_bytes = DockerMemoryUsage(c.memory);
    r.memory_limit_bytes = DockerMemoryLimit(c.memory, cur.host);
    r.memory_percent = MemoryPercent(c.memory, cur.host);
    const ContainerStats* p = prev != nullptr ? FindById(*prev, c.identity.id) : nullptr;
    if (p != nullptr && seconds > 0) {
      auto cpu_delta = Delta(p->cpu.usage_ns, c.cpu.usage_ns);
      if (cpu_delta && host_delta && *host_delta > 0 && cur.host.online_cpus) {
        r.cpu_percent = static_cast<double>(*cpu_delta) / static_cast<double>(*host_delta) *
                        *cur.host.online_cpus * 100.0;
      }
      r.net_rx_bytes_per_second = PerSecond(NetRxBytes(*p), NetRxBytes(c), seconds);
      r.net_tx_bytes_per_second = PerSecond(NetTxBytes(*p), NetTxBytes(c), seconds);
      r.block_read_bytes_per_second = PerSecond(BlockReadBytes(*p), BlockReadBytes(c), seconds);
      r.block_write_bytes_per_second = PerSecond(BlockWriteBytes(*p), BlockWriteBytes(c), seconds);
      auto periods = Delta(p->cpu.nr_periods, c.cpu.nr_periods);
      auto throttled = Delta(p->cpu.nr_throttled, c.cpu.nr_throttled);
      if (periods && throttled) {
        r.throttled_percent =
            *periods == 0 ? 0.0
                          : static_cast<double>(*throttled) / static_cast<double>(*periods) * 100.0;
      }
      if (auto ns = Delta(p->cpu.throttled_ns, c.cpu.throttled_ns)) {
        r.throttled_cores = static_cast<double>(*ns) / 1e9 / seconds;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace berth::collector
