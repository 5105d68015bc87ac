// SnapshotSource: where `berth serve` gets its data (the Sampler in
// production, hand-built snapshots in tests and benchmarks), and
// SharedCollection, which makes scrapes collect on demand while concurrent
// scrapes share one collection.
//
// Sharing rule (documented for users in `berth serve --help` terms): a
// request collects anew unless the last collection finished less than
// `max_age` ago (default 500 ms). Requests serialise on one mutex while a
// collection runs, so scrapes arriving during a collection wait for it and
// reuse its result instead of reading the kernel again. There is no timer:
// between requests nothing runs.
//
// Thread-safety: SnapshotSource::Collect() is only ever called with the
// SharedCollection mutex held (one at a time); Get() is safe from any thread.
#ifndef BERTH_EXPORTER_SNAPSHOT_SOURCE_H_
#define BERTH_EXPORTER_SNAPSHOT_SOURCE_H_

#include <chrono>
#include <functional>
#include <mutex>

#include "collector/snapshot.h"

namespace berth::exporter {

class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  // One fresh collection. Never called concurrently.
  virtual collector::SnapshotPtr Collect() = 0;
  // Monotonic error totals by source since start.
  virtual collector::ErrorCounts ErrorTotals() const = 0;
};

class SharedCollection {
 public:
  using Clock = std::chrono::steady_clock;

  struct Result {
    collector::SnapshotPtr current;   // never null
    collector::SnapshotPtr previous;  // null before the second collection
    collector::ErrorCounts error_totals;
    bool shared = false;  // true when served from an earlier collection
  };

  // `source` must outlive this object. `now` is injectable for tests.
  SharedCollection(SnapshotSource& source, std::chrono::milliseconds max_age,
                   std::function<Clock::time_point()> now = Clock::now);

  Result Get();
  // Number of times the source was asked to collect.
  uint64_t collections() const;

 private:
  SnapshotSource& source_;
  const std::chrono::milliseconds max_age_;
  const std::function<Clock::time_point()> now_;
  mutable std::mutex mutex_;
  collector::SnapshotPtr current_;
  collector::SnapshotPtr previous_;
  collector::ErrorCounts totals_;
  Clock::time_point collected_at_{};
  uint64_t collections_ = 0;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_SNAPSHOT_SOURCE_H_
