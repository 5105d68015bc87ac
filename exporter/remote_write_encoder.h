// One collection as a Prometheus remote_write 1.0 WriteRequest: the protobuf
// message (prometheus/prompb/remote.proto and types.proto, the fields 1.0
// uses; tests/exporter/remote_write.proto restates them), hand-encoded, not
// yet snappy-compressed:
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }   // ms since epoch
// The series are exactly those of the /metrics page for the same snapshot
// (the container family table through VisitContainerSeries, the berth_*,
// machine_* and process_* families from PageSelfFamilies), one sample each,
// all with the collection's wall time. Each series' labels are __name__, its
// own labels, then every external label whose name the series does not
// already carry (Prometheus' rule: the series' own label wins), sorted by
// name as the spec requires; values are made valid UTF-8 as on the page.
// Hand-encoding skips building a message object per series
// (tests/bench/remote_write_bench measures it).
//
// Pure functions (PageSelfFamilies reads /proc/self for process_*);
// thread-safe.
#ifndef BERTH_EXPORTER_REMOTE_WRITE_ENCODER_H_
#define BERTH_EXPORTER_REMOTE_WRITE_ENCODER_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <span>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "collector/snapshot.h"
#include "exporter/container_families.h"

namespace berth::exporter {

// One series: its labels, sorted by name (__name__ among them), and value.
using WriteLabel = std::pair<std::string_view, std::string_view>;
using WriteSeriesFn = std::function<void(std::span<const WriteLabel> labels, double value)>;

// Hands every series of the request to `write`, in request order (the
// walk EncodeWriteRequest encodes; the benchmark builds protoc's messages
// from it). Returns the number of series. The views last for the call.
uint64_t VisitWriteSeries(const collector::Snapshot& snapshot,
                          const collector::ErrorCounts& error_totals,
                          const FamilyOptions& options, const LabelPairs& external_labels,
                          const WriteSeriesFn& write);

// The collection's wall time in ms since the epoch: every sample's timestamp.
int64_t TimestampMs(const collector::Snapshot& snapshot);

struct WriteRequestStats {
  uint64_t series = 0;  // = samples (one per series)
};

// Appends the WriteRequest for `snapshot` to `out` (cleared first).
WriteRequestStats EncodeWriteRequest(const collector::Snapshot& snapshot,
                                     const collector::ErrorCounts& error_totals,
                                     const FamilyOptions& options,
                                     const LabelPairs& external_labels, std::string& out);

// Appends the series of prometheus-cpp families (counter, gauge, untyped; a
// summary or histogram is skipped: berth has none) at `timestamp_ms`. Used by
// EncodeWriteRequest for the self families; tests.
WriteRequestStats AppendFamilySeries(std::span<const prometheus::MetricFamily> families,
                                     const LabelPairs& external_labels, int64_t timestamp_ms,
                                     std::string& out);

// Label names as Prometheus accepts them: [a-zA-Z_][a-zA-Z0-9_]*, not
// starting with "__" (reserved). For --remote-write.label checks.
bool IsValidLabelName(std::string_view name);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_REMOTE_WRITE_ENCODER_H_
