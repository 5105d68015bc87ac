// The /metrics body: berth_* self metrics, the container_* families (written
// straight into the buffer), machine_* and process_* — in that order, as
// Prometheus text format 0.0.4 without timestamps.
//
// Pure function of its inputs except for the process_* group, which reads
// /proc/self; thread-safe.
#ifndef BERTH_EXPORTER_METRICS_PAGE_H_
#define BERTH_EXPORTER_METRICS_PAGE_H_

#include <string>

#include "collector/snapshot.h"
#include "exporter/container_families.h"

namespace berth::exporter {

inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

std::string RenderMetricsPage(const collector::Snapshot& snapshot,
                              const collector::ErrorCounts& error_totals,
                              const FamilyOptions& options);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_METRICS_PAGE_H_
