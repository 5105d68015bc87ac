// Logs, once per container and family, that the per-container series cap
// (container_families.h) left series out of /metrics: a warning naming the
// container, the family and how many series it had. A pair that stops being
// capped is forgotten, so it is logged again if it comes back (one line per
// state change, like every other error berth logs).
//
// The remembered pairs are those of the last page noted: bounded by what one
// page drops, never by the containers ever seen.
// Thread-safety: Note() may be called from any number of threads at once.
#ifndef BERTH_EXPORTER_DROPPED_SERIES_LOG_H_
#define BERTH_EXPORTER_DROPPED_SERIES_LOG_H_

#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "collector/snapshot.h"
#include "exporter/container_families.h"

namespace berth::exporter {

class DroppedSeriesLog {
 public:
  // `dropped` is a page's (MetricsPage::dropped()) for `snapshot`.
  void Note(const collector::Snapshot& snapshot, std::span<const DroppedSeries> dropped);

 private:
  std::mutex mu_;
  std::set<std::pair<std::string, std::string_view>> logged_;  // (container id, family)
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_DROPPED_SERIES_LOG_H_
