#include "exporter/api_json.h"

#include <chrono>
#include <ctime>
#include <optional>

#include "collector/derived.h"
#include "collector/utf8_text.h"

namespace berth::exporter {
namespace {

using collector::kUnlimited;
using nlohmann::json;

// Text from outside (names, paths, labels) as a JSON string: valid UTF-8.
json Text(std::string_view text) { return collector::ValidUtf8(text); }

json Labels(const std::map<std::string, std::string>& labels) {
  json out = json::object();
  for (const auto& [key, value] : labels) out[collector::ValidUtf8(key)] = Text(value);
  return out;
}

template <typename T>
json Value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json Limit(const std::optional<uint64_t>& value) {
  return value && *value != kUnlimited ? json(*value) : json(nullptr);
}

std::string Rfc3339(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  const size_t n = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof(out), "%.*s.%03dZ", static_cast<int>(n), buffer,
                static_cast<int>(millis));
  return out;
}

json IdMap(const std::optional<std::vector<collector::IdMapRange>>& map) {
  if (!map) return nullptr;
  json out = json::array();
  for (const collector::IdMapRange& r : *map) {
    out.push_back({{"inside", r.inside}, {"outside", r.outside}, {"count", r.count}});
  }
  return out;
}

json Namespaces(const collector::ContainerNamespaces& ns, std::string_view own_name) {
  json out;
  out["process"] = ns.pid > 0 ? json(ns.pid) : json(nullptr);
  for (size_t k = 0; k < collector::kNamespaceKindCount; ++k) {
    const collector::NamespaceInfo& info = ns.kinds[k];
    const char* kind = collector::NamespaceKindName(static_cast<collector::NamespaceKind>(k));
    if (!info.inode) {
      out[kind] = nullptr;
      continue;
    }
    json shared = json::array();
    for (std::string_view name : collector::SharedWith(info, own_name)) shared.push_back(Text(name));
    out[kind] = {
        {"inode", *info.inode},
        {"sharing", info.sharing == collector::NamespaceSharing::kUnknown
                        ? json(nullptr)
                        : json(collector::NamespaceSharingName(info.sharing))},
        {"shared_with", std::move(shared)},
        {"shared_with_count", collector::SharedWithCount(info)},
    };
  }
  out["uid_map"] = IdMap(ns.uid_map);
  out["gid_map"] = IdMap(ns.gid_map);
  out["root_uid"] = Value(collector::ContainerRootUid(ns));
  return out;
}

}  // namespace

json ContainerJson(const collector::ContainerStats& c, const collector::ContainerRates* rates) {
  const collector::ContainerIdentity& id = c.identity;
  json out;
  out["id"] = Text(id.id);
  out["short_id"] = Text(collector::ShortId(id.id));
  out["name"] = Text(id.name);
  out["image"] = Text(id.image);
  out["runtime"] = collector::RuntimeName(id.runtime);
  out["cgroup_path"] = Text(id.cgroup_path);
  out["labels"] = Labels(id.labels);
  if (!id.k8s_pod.empty() || !id.k8s_namespace.empty()) {
    out["kubernetes"] = {{"namespace", Text(id.k8s_namespace)}, {"pod", Text(id.k8s_pod)},
                         {"container", Text(id.k8s_container)}, {"pod_uid", Text(id.pod_uid)},
                         {"qos_class", Text(id.qos_class)}};
  } else {
    out["kubernetes"] = nullptr;
  }
  out["started_at"] = Value(id.start_time_seconds);
  out["restart_count"] = Value(id.restart_count);
  out["health_status"] = id.health_status.empty() ? json(nullptr) : Text(id.health_status);
  out["namespaces"] = c.namespaces.known() ? Namespaces(c.namespaces, id.name) : json(nullptr);

  out["limits"] = {
      {"cpu_quota_us", Limit(c.cpu_limits.quota_us)},
      {"cpu_period_us", Value(c.cpu_limits.period_us)},
      {"cpus", Value(collector::CpuLimitCores(c.cpu_limits))},
      {"cpu_shares", Value(c.cpu_limits.shares)},
      {"cpu_weight", Value(c.cpu_limits.weight)},
      {"memory_bytes", Limit(c.memory.limit_bytes)},
      {"memory_swap_bytes", Limit(c.memory.swap_limit_bytes)},
      {"memory_swap_high_bytes", Limit(c.memory.swap_high_bytes)},
      {"memory_reservation_bytes", Limit(c.memory.reservation_bytes)},
      {"pids", Limit(c.pids_max)},
  };

  out["counters"] = {
      {"cpu_usage_ns", Value(c.cpu.usage_ns)},
      {"cpu_user_ns", Value(c.cpu.user_ns)},
      {"cpu_system_ns", Value(c.cpu.system_ns)},
      {"cpu_periods", Value(c.cpu.nr_periods)},
      {"cpu_throttled_periods", Value(c.cpu.nr_throttled)},
      {"cpu_throttled_ns", Value(c.cpu.throttled_ns)},
      {"memory_usage_bytes", Value(c.memory.usage_bytes)},
      {"memory_working_set_bytes", Value(collector::WorkingSetBytes(c.memory))},
      {"memory_rss_bytes", Value(c.memory.stat.anon)},
      {"memory_cache_bytes", Value(c.memory.stat.file)},
      {"memory_swap_bytes", Value(collector::SwapBytes(c.memory))},
      {"memory_peak_bytes", Value(c.memory.peak_bytes)},
      {"oom_kills", Value(c.memory.events.oom_kill)},
      {"net_rx_bytes", Value(collector::NetRxBytes(c))},
      {"net_tx_bytes", Value(collector::NetTxBytes(c))},
      {"block_read_bytes", Value(collector::BlockReadBytes(c))},
      {"block_write_bytes", Value(collector::BlockWriteBytes(c))},
      {"pids", Value(c.pids_current)},
      {"threads", Value(c.threads)},
  };

  if (const auto& layer = c.writable_layer) {
    out["writable_layer"] = {
        {"device", Text(layer->device)},
        {"usage_bytes", layer->usage_bytes},
        {"allocated_bytes", layer->allocated_bytes},
        {"inodes", layer->inodes},
        {"fs_size_bytes", Value(layer->fs_size_bytes)},
        {"fs_inodes_free", Value(layer->fs_inodes_free)},
        {"fs_inodes_total", Value(layer->fs_inodes_total)},
        {"age_seconds", layer->age_seconds},
        {"walk_seconds", layer->walk_seconds},
        {"partial", layer->partial},
    };
  } else {
    out["writable_layer"] = nullptr;
  }

  collector::ContainerRates none;
  const collector::ContainerRates& r = rates ? *rates : none;
  out["rates"] = {
      {"cpu_percent", Value(r.cpu_percent)},
      {"memory_bytes", Value(r.memory_bytes)},
      {"memory_limit_bytes", Value(r.memory_limit_bytes)},
      {"memory_percent", Value(r.memory_percent)},
      {"net_rx_bytes_per_second", Value(r.net_rx_bytes_per_second)},
      {"net_tx_bytes_per_second", Value(r.net_tx_bytes_per_second)},
      {"block_read_bytes_per_second", Value(r.block_read_bytes_per_second)},
      {"block_write_bytes_per_second", Value(r.block_write_bytes_per_second)},
      {"throttled_percent", Value(r.throttled_percent)},
  };
  return out;
}

json ContainersJson(const collector::Snapshot& current, const collector::Snapshot* previous) {
  const std::vector<collector::ContainerRates> rates = collector::Rates(previous, current);
  json out;
  out["schema"] = kApiSchema;
  out["time"] = Rfc3339(current.wall_time);
  if (previous) {
    out["interval_seconds"] =
        std::chrono::duration<double>(current.monotonic_time - previous->monotonic_time).count();
  } else {
    out["interval_seconds"] = nullptr;
  }
  const collector::HostFacts& host = current.host;
  out["host"] = {
      {"hostname", Text(host.hostname)},
      {"kernel", Text(host.kernel_release)},
      {"cgroup_mode", collector::CgroupModeName(host.cgroup_mode)},
      {"online_cpus", Value(host.online_cpus)},
      {"memory_total_bytes", Value(host.mem_total_bytes)},
      {"cpu_percent", Value(collector::HostCpuPercent(previous, current))},
  };
  json containers = json::array();
  for (size_t i = 0; i < current.containers.size(); ++i) {
    const collector::ContainerRates* r = i < rates.size() ? &rates[i] : nullptr;
    containers.push_back(ContainerJson(current.containers[i], r));
  }
  out["containers"] = std::move(containers);
  return out;
}

}  // namespace berth::exporter
