// The JSON API, schema version 1 ("berth.containers.v1").
//
// GET /api/v1/containers ->
//   {
//     "schema": "berth.containers.v1",
//     "time": "2026-01-02T03:04:05.678Z",      // when the collection was taken (UTC)
//     "interval_seconds": 15.0 | null,          // since the previous collection (rates' base)
//     "host": {"hostname", "kernel", "cgroup_mode", "online_cpus", "memory_total_bytes",
//              "cpu_percent"},                   // cpu_percent: 100 = one core; null on the first
//     "containers": [ <container>, … ]          // sorted by id
//   }
// GET /api/v1/containers/{id, short id (≥ 3 chars) or name} -> <container>,
//   or HTTP 404 {"error": "no container matches \"…\""}.
//
// <container> =
//   {
//     "id", "short_id", "name", "image", "runtime", "cgroup_path",
//     "labels": {…},                            // runtime labels
//     "kubernetes": {"namespace","pod","container","pod_uid","qos_class"} | null,
//     "started_at": unix seconds | null,
//     "restart_count": integer | null,         // restarts by the restart policy (Docker,
//                                               // Podman ≥ 4.4); null when the runtime does not say
//     "health_status": "starting" | "healthy" | "unhealthy" | null,  // null: no healthcheck
//     "namespaces": {                          // null: no process's links readable
//       "process": pid whose /proc/<pid>/ns/* was read,
//       "net" | "pid" | "ipc" | "uts" | "mnt" | "user" | "cgroup" | "time":
//         {"inode": n, "sharing": "private" | "host" | "container" | null,
//          "shared_with": [other containers' names, sorted, at most 8],
//          "shared_with_count": n} | null,    // null: that link not readable
//       "uid_map", "gid_map": [{"inside", "outside", "count"}, …] | null,
//       "root_uid": host uid of the container's uid 0 | null   // 0: the host's root
//     },
//     "limits": {"cpu_quota_us", "cpu_period_us", "cpus", "cpu_shares", "cpu_weight",
//                "memory_bytes", "memory_swap_bytes", "memory_reservation_bytes", "pids"},
//     "counters": {"cpu_usage_ns", "cpu_user_ns", "cpu_system_ns", "cpu_periods",
//                  "cpu_throttled_periods", "cpu_throttled_ns", "memory_usage_bytes",
//                  "memory_working_set_bytes", "memory_rss_bytes", "memory_cache_bytes",
//                  "memory_swap_bytes", "memory_peak_bytes", "oom_kills",
//                  "net_rx_bytes", "net_tx_bytes", "block_read_bytes", "block_write_bytes",
//                  "pids", "threads"},           // net_*: null on a pod's containers but its
//                                               // sandbox (collector::ReportsNetwork)
//     "writable_layer": {"device", "usage_bytes", "allocated_bytes", "inodes",
//                        "fs_size_bytes", "fs_inodes_free", "fs_inodes_total",
//                        "age_seconds", "walk_seconds", "partial"} | null,
//                        // the background walker's last result (du -sbx of the
//                        // layer, statvfs of its filesystem); null: layer unknown
//                        // or not walked yet (berth serve only)
//     "rates": {"cpu_percent", "memory_bytes", "memory_limit_bytes", "memory_percent",
//               "net_rx_bytes_per_second", "net_tx_bytes_per_second",
//               "block_read_bytes_per_second", "block_write_bytes_per_second",
//               "throttled_percent"}
//   }
// Every figure is a number or null: null = not available here (the kernel
// does not provide it, or for rates: first collection / counter reset);
// limits are null when unlimited. Rates follow `docker stats` (collector/rates.h):
// cpu_percent 100 = one core, memory_bytes = usage − inactive_file.
// New fields may be added within v1; none are removed or change meaning.
// Every string is valid UTF-8: ill-formed bytes from outside (a cgroup or
// runtime name) are U+FFFD (collector/utf8_text.h).
//
// Pure functions; thread-safe.
#ifndef BERTH_EXPORTER_API_JSON_H_
#define BERTH_EXPORTER_API_JSON_H_

#include <nlohmann/json.hpp>

#include "collector/rates.h"
#include "collector/snapshot.h"

namespace berth::exporter {

inline constexpr char kApiSchema[] = "berth.containers.v1";

// `previous` may be null (no rates then).
nlohmann::json ContainersJson(const collector::Snapshot& current,
                              const collector::Snapshot* previous);

nlohmann::json ContainerJson(const collector::ContainerStats& container,
                             const collector::ContainerRates* rates);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_API_JSON_H_
