// The cAdvisor-compatible container_* metric families: one table entry per
// family (name, help, type, switchable group) with a function that emits that
// family's samples for one container. Both renderers walk the same table:
//   - AppendContainerFamilies() writes text straight into a buffer, with each
//     container's label string built and escaped once (the scrape path);
//   - ContainerMetricFamilies() builds prometheus::MetricFamily objects (the
//     reference model: TextSerializer over it gives byte-identical text,
//     which tests/exporter/text_equivalence_test.cc checks).
// Labels on every sample: id (cgroup path), name, image; plus namespace, pod,
// container for Kubernetes containers; plus container_label_<key> for each
// --collector.label-allowlist key the container carries. Absent figures emit
// no sample; a family with no sample at all is left out entirely.
// Series cap: one container gets at most kMaxSeriesPerContainerFamily series
// of one family (a container can list any number of devices in io.stat or of
// interfaces in its network namespace); the first ones in the snapshot's
// order are kept (devices by major:minor, interfaces by name), the rest are
// dropped and reported through `dropped` (MetricsPage turns them into
// berth_series_dropped{family}). Both renderers apply the same cap.
// berth's own container families (no cAdvisor equivalent): berth_container_info
// {runtime} 1, berth_container_restarts (restart count, where the runtime
// gives one) and berth_container_health_status{status} 1 (only for containers
// with a healthcheck; status "starting", "healthy" or "unhealthy"). Health is a
// series of its own so that a status change never splits the other series.
// berth_container_namespace_info{ns, sharing} 1: one series per namespace kind
// whose link was read and whose sharing is known (ns: net, pid, ipc, uts, mnt,
// user, cgroup, time; sharing: host, container, private) — at most 8 series
// per container, no inode numbers or other containers' names as labels.
//
// Pure functions of the Snapshot; thread-safe.
#ifndef BERTH_EXPORTER_CONTAINER_FAMILIES_H_
#define BERTH_EXPORTER_CONTAINER_FAMILIES_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "collector/snapshot.h"
#include "exporter/collector_groups.h"

namespace berth::exporter {

// A sample's own label beyond the container's labels ({cpu="total"} …).
struct ExtraLabel {
  std::string_view name;
  std::string_view value;
};

// Receives the samples of one family for one container.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void Add(std::initializer_list<ExtraLabel> labels, double value) = 0;
  virtual void Add(std::initializer_list<ExtraLabel> labels, uint64_t value) = 0;
};

struct ContainerFamily {
  std::string_view name;
  std::string_view help;
  prometheus::MetricType type;
  Group group;
  void (*emit)(const collector::ContainerStats& container, const collector::Snapshot& snapshot,
               SampleSink& sink);
};

// Every container family, in exposition order.
std::span<const ContainerFamily> ContainerFamilies();

// Series of one family one container may have on a page. Far above any real
// host (a container's series of one family are one per device it did IO on,
// or per network interface, or two per device for blkio), far below what a
// hostile io.stat can list (100k devices made a 124 MB page).
inline constexpr uint64_t kMaxSeriesPerContainerFamily = 1024;

// Series of one family left out for one container by the cap.
struct DroppedSeries {
  size_t container;         // index into snapshot.containers
  std::string_view family;  // ContainerFamily::name (static storage)
  uint64_t emitted;         // series the family had for the container
  uint64_t dropped;         // of them, left out (emitted - the cap)
};

struct FamilyOptions {
  // Runtime label keys exported as container_label_<sanitised key>.
  std::vector<std::string> label_allowlist;
  GroupSet disabled;
  // More berth_* families from other parts of serve (remote_write's queue
  // figures), asked for once per page; empty = none. Must be thread-safe.
  std::function<std::vector<prometheus::MetricFamily>()> extra_self_families;
};

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// The labels every sample of `container` carries, in order.
LabelPairs ContainerLabels(const collector::ContainerStats& container,
                           const FamilyOptions& options);

// Takes a finished piece of exposition text (the caller clears it after).
using PieceFlush = std::function<void(std::string& piece)>;

// Appends all enabled container families of `snapshot` as exposition text.
// With `flush`, `out` is handed over whenever it holds at least `piece_bytes`
// and ends between samples (never a lone family header), so a large page is
// written in pieces from one reused buffer instead of built whole.
void AppendContainerFamilies(const collector::Snapshot& snapshot, const FamilyOptions& options,
                             std::string& out, const PieceFlush& flush = {},
                             size_t piece_bytes = 256 * 1024);

// Each container's labels as exposition text ("id=\"…\",name=\"…\",…"),
// escaped; in snapshot order.
std::vector<std::string> ContainerLabelTexts(const collector::Snapshot& snapshot,
                                             const FamilyOptions& options);

// The same with the label texts made once by the caller (a page rendered
// more than once). With `dropped`, what the series cap left out is appended
// to it (family by family, containers in snapshot order).
void AppendContainerFamilies(const collector::Snapshot& snapshot, const FamilyOptions& options,
                             std::span<const std::string> base_labels, std::string& out,
                             const PieceFlush& flush = {}, size_t piece_bytes = 256 * 1024,
                             std::vector<DroppedSeries>* dropped = nullptr);

// Receives every container sample: its family, the container's index in
// snapshot.containers (its labels are ContainerLabels() of it) and the
// sample's own labels. The remote_write encoder is one.
class SeriesVisitor {
 public:
  virtual ~SeriesVisitor() = default;
  virtual void Sample(const ContainerFamily& family, size_t container,
                      std::initializer_list<ExtraLabel> labels, double value) = 0;
};

// Walks exactly the samples AppendContainerFamilies writes (same table,
// order and series cap; integers as the double the text shows). With
// `dropped`, what the cap left out is appended to it, as there.
void VisitContainerSeries(const collector::Snapshot& snapshot, const FamilyOptions& options,
                          SeriesVisitor& visitor, std::vector<DroppedSeries>* dropped = nullptr);

// The same families as prometheus-cpp objects.
std::vector<prometheus::MetricFamily> ContainerMetricFamilies(const collector::Snapshot& snapshot,
                                                              const FamilyOptions& options);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_CONTAINER_FAMILIES_H_
