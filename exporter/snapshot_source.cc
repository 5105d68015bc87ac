#include "exporter/snapshot_source.h"

namespace berth::exporter {

SharedCollection::SharedCollection(SnapshotSource& source, std::chrono::milliseconds max_age,
                                   std::function<Clock::time_point()> now)
    : source_(source), max_age_(max_age), now_(std::move(now)) {}

SharedCollection::Result SharedCollection::Get() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_ && now_() - collected_at_ < max_age_) {
    return Result{current_, previous_, totals_, true};
  }
  collector::SnapshotPtr fresh = source_.Collect();
  if (!fresh) fresh = std::make_shared<const collector::Snapshot>();
  previous_ = std::move(current_);
  current_ = std::move(fresh);
  totals_ = source_.ErrorTotals();
  collected_at_ = now_();
  ++collections_;
  return Result{current_, previous_, totals_, false};
}

uint64_t SharedCollection::collections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return collections_;
}

}  // namespace berth::exporter
