#include "cli/top_rows.h"

#include <chrono>

namespace berth::cli {

using collector::ContainerIdentity;
using collector::ContainerRates;
using collector::ContainerStats;
using collector::Snapshot;

std::string GroupKey(const ContainerIdentity& identity) {
  auto it = identity.labels.find(kComposeProjectLabel);
  if (it != identity.labels.end() && !it->second.empty()) return it->second;
  if (!identity.k8s_pod.empty()) {
    return identity.k8s_namespace.empty() ? identity.k8s_pod
                                          : identity.k8s_namespace + "/" + identity.k8s_pod;
  }
  return "";
}

Alert RowAlert(const TopRow& row) {
  if (row.oom_kills.value_or(0) > 0) return Alert::kCritical;
  const double mem = row.mem_percent.value_or(0);
  if (mem >= kMemCriticalPercent) return Alert::kCritical;
  if (mem >= kMemWarnPercent) return Alert::kWarn;
  if (row.throttled_percent.value_or(0) >= kThrottleWarnPercent) return Alert::kWarn;
  return Alert::kNone;
}

namespace {

std::optional<double> UptimeSeconds(const ContainerStats& c, const Snapshot& cur) {
  if (!c.identity.start_time_seconds) return std::nullopt;
  const double now =
      std::chrono::duration<double>(cur.wall_time.time_since_epoch()).count();
  const double up = now - *c.identity.start_time_seconds;
  if (up < 0) return 0.0;
  return up;
}

std::optional<double> CpuCapacityPercent(const ContainerStats& c, const Snapshot& cur) {
  if (auto cores = collector::CpuLimitCores(c.cpu_limits)) return *cores * 100.0;
  if (cur.host.online_cpus && *cur.host.online_cpus > 0) return *cur.host.online_cpus * 100.0;
  return std::nullopt;
}

}  // namespace

std::vector<TopRow> BuildRows(const Snapshot& cur, const std::vector<ContainerRates>& rates) {
  std::vector<TopRow> rows;
  rows.reserve(cur.containers.size());
  for (size_t i = 0; i < cur.containers.size(); ++i) {
    const ContainerStats& c = cur.containers[i];
    TopRow row;
    row.id = c.identity.id;
    row.name = c.identity.name.empty() ? collector::ShortId(c.identity.id) : c.identity.name;
    row.image = c.identity.image;
    row.group = GroupKey(c.identity);
    row.pids = c.pids_current;
    row.oom_kills = c.memory.events.oom_kill;
    if (c.memory_pressure.some) row.mem_psi_some_avg10 = c.memory_pressure.some->avg10;
    row.uptime_seconds = UptimeSeconds(c, cur);
    row.cpu_capacity_percent = CpuCapacityPercent(c, cur);
    if (i < rates.size() && rates[i].id == c.identity.id) {
      const ContainerRates& r = rates[i];
      row.cpu_percent = r.cpu_percent;
      row.mem_bytes = r.memory_bytes;
      row.mem_limit_bytes = r.memory_limit_bytes;
      row.mem_percent = r.memory_percent;
      row.net_rx_bytes_per_second = r.net_rx_bytes_per_second;
      row.net_tx_bytes_per_second = r.net_tx_bytes_per_second;
      row.block_read_bytes_per_second = r.block_read_bytes_per_second;
      row.block_write_bytes_per_second = r.block_write_bytes_per_second;
      row.throttled_percent = r.throttled_percent;
    } else {
      row.mem_bytes = collector::DockerMemoryUsage(c.memory);
      row.mem_limit_bytes = collector::DockerMemoryLimit(c.memory, cur.host);
    }
    row.alert = RowAlert(row);
    rows.push_back(std::move(row));
  }
  return rows;
}

HostSummary BuildHostSummary(const Snapshot* prev, const Snapshot& cur) {
  HostSummary s;
  s.cpu_percent = collector::HostCpuPercent(prev, cur);
  s.online_cpus = cur.host.online_cpus;
  s.mem_total_bytes = cur.host.mem_total_bytes;
  if (cur.host.mem_total_bytes && cur.host.mem_available_bytes &&
      *cur.host.mem_available_bytes <= *cur.host.mem_total_bytes) {
    s.mem_used_bytes = *cur.host.mem_total_bytes - *cur.host.mem_available_bytes;
  }
  s.container_count = cur.containers.size();
  s.cgroup_mode = collector::CgroupModeName(cur.host.cgroup_mode);
  s.hostname = cur.host.hostname;
  return s;
}

}  // namespace berth::cli
