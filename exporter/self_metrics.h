// berth's own metrics, built with prometheus-cpp's model (MetricFamily) and
// serialised with its TextSerializer:
//   berth_build_info{version,revision} 1
//   berth_collector_duration_seconds  gauge, the last collection
//   berth_collector_errors_total{source}  counter, since start (Sampler totals)
//   berth_containers                  gauge, containers in the last collection
//   machine_cpu_cores, machine_memory_bytes  (group "machine")
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds        (group "process"), read from /proc/self
//     at scrape time (not under --path.rootfs: this is berth itself).
// Parsers are pure functions; ProcessCollector reads files only in Collect().
// All thread-safe.
#ifndef BERTH_EXPORTER_SELF_METRICS_H_
#define BERTH_EXPORTER_SELF_METRICS_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "collector/snapshot.h"

namespace berth::exporter {

// The berth_* families for one collection.
std::vector<prometheus::MetricFamily> BerthFamilies(const collector::Snapshot& snapshot,
                                                    const collector::ErrorCounts& error_totals);

// machine_cpu_cores and machine_memory_bytes (absent facts emit no sample).
std::vector<prometheus::MetricFamily> MachineFamilies(const collector::HostFacts& host);

// Fields of /proc/<pid>/stat berth uses (after the "(comm)" field, which may
// contain spaces and parentheses).
struct ProcStatFields {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t start_time_ticks = 0;  // since boot
  uint64_t vsize_bytes = 0;
  uint64_t rss_pages = 0;
};
std::optional<ProcStatFields> ParseProcPidStat(std::string_view text);

// "btime" of /proc/stat, seconds since the epoch.
std::optional<uint64_t> ParseBootTime(std::string_view proc_stat);

// The standard process_* families of the running process.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_SELF_METRICS_H_
