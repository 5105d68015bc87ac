// berth's own metrics, built with prometheus-cpp's model (MetricFamily) and
// serialised with its TextSerializer:
//   berth_build_info{version,revision} 1
//   berth_collector_duration_seconds  gauge, the last collection
//   berth_collector_errors_total{source}  counter, since start (Sampler totals)
//   berth_containers                  gauge, containers in the last collection
//   berth_series_dropped{family}      gauge, series of a container family the
//     per-container cap left out of this page (container_families.h), summed
//     over containers; only families that lost some
//   machine_cpu_cores, machine_memory_bytes  (group "machine")
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds        (group "process"), read from /proc/self
//     at scrape time (not under --path.rootfs: this is berth itself).
// /proc/self/stat and /proc/stat go through the collector's parsers
// (collector/proc_parsers.h), USER_HZ through collector::UserHz();
// ProcessCollector reads files only in Collect().
// All thread-safe.
#ifndef BERTH_EXPORTER_SELF_METRICS_H_
#define BERTH_EXPORTER_SELF_METRICS_H_

#include <cstdint>
#include <span>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "collector/snapshot.h"
#include "exporter/container_families.h"

namespace berth::exporter {

// The berth_* families for one collection.
std::vector<prometheus::MetricFamily> BerthFamilies(const collector::Snapshot& snapshot,
                                                    const collector::ErrorCounts& error_totals,
                                                    std::span<const DroppedSeries> dropped = {});

// machine_cpu_cores and machine_memory_bytes (absent facts emit no sample).
std::vector<prometheus::MetricFamily> MachineFamilies(const collector::HostFacts& host);

// The standard process_* families of the running process.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_SELF_METRICS_H_
