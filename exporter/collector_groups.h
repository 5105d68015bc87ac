// Metric groups that --collector.disable can switch off, and their parser.
//
//   cpu        container_cpu_*
//   memory     container_memory_*, container_oom_events_total
//   spec       container_spec_* (limits)
//   io         container_fs_*{device} (block IO counters)
//   disk       container_fs_usage_bytes, _limit_bytes, _inodes_free, _inodes_total
//              and berth_container_fs_usage_age_seconds (writable layer; off: no
//              background walker at all)
//   blkio      container_blkio_device_usage_total (per device and operation)
//   network    container_network_*{interface}
//   pressure   container_pressure_* (PSI)
//   processes  container_processes, container_threads, container_threads_max
//   info       berth_container_info, berth_container_restarts,
//              berth_container_health_status, berth_container_namespace_info
//   machine    machine_cpu_cores, machine_memory_bytes
//   process    process_* (berth's own process)
// container_last_seen, container_start_time_seconds and the berth_* self
// metrics are always on. Pure; thread-safe.
#ifndef BERTH_EXPORTER_COLLECTOR_GROUPS_H_
#define BERTH_EXPORTER_COLLECTOR_GROUPS_H_

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::exporter {

enum class Group {
  kAlways,  // not switchable
  kCpu,
  kMemory,
  kSpec,
  kIo,
  kDisk,
  kBlkio,
  kNetwork,
  kPressure,
  kProcesses,
  kInfo,
  kMachine,
  kProcess,
  kCount,
};

using GroupSet = std::bitset<static_cast<size_t>(Group::kCount)>;

inline bool Contains(const GroupSet& set, Group group) {
  return set.test(static_cast<size_t>(group));
}

// "cpu" -> Group::kCpu; nullopt for an unknown name (kAlways has no name).
std::optional<Group> GroupFromName(std::string_view name);
// The switchable group names, in the order above.
std::vector<std::string> GroupNames();

// Parses names (each entry may itself be comma-separated, "pressure,blkio").
// On an unknown name returns nullopt and sets *error to a one-line message.
std::optional<GroupSet> ParseGroups(const std::vector<std::string>& names, std::string* error);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_COLLECTOR_GROUPS_H_
