#include "cli/top_rows.h"

#include "cli/top_columns.h"

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
    const bool rates_match = i < rates.size() && rates[i].id == c.identity.id;
    const RowSource source{c, rates_match ? &rates[i] : nullptr, cur};
    for (const ColumnInfo& column : AllColumns()) {
      if (column.read != nullptr) column.read(row, source);
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
