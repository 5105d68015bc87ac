#include "collector/freshness.h"

namespace berth::collector {
namespace {

// Whether `interval` has passed since `last` (or nothing was done yet); if
// so, `last` becomes `now`.
bool DueNow(std::optional<std::chrono::steady_clock::time_point>& last,
            std::chrono::steady_clock::time_point now, std::chrono::milliseconds interval) {
  if (last && now - *last < interval) return false;
  last = now;
  return true;
}

}  // namespace

void FreshnessClock::Tick(std::chrono::steady_clock::time_point now,
                          std::chrono::milliseconds recheck, std::chrono::milliseconds guard,
                          ReadPlan& plan) {
  plan.guard = DueNow(guard_at_, now, guard);
  if (!recheck_at_) {
    // The first collection reads everything; the next re-check comes after
    // (kRecheckSpread - slot) collections and tenths of the interval.
    recheck_at_ = now - recheck * slot_ / kRecheckSpread;
    collections_ = slot_;
    plan.recheck = true;
    return;
  }
  ++collections_;
  plan.recheck = recheck.count() == 0 ||
                 (collections_ >= kRecheckSpread && now - *recheck_at_ >= recheck);
  if (plan.recheck) {
    recheck_at_ = now;
    collections_ = 0;
  }
}

FreshnessSchedule::FreshnessSchedule(std::span<const ControlFileSpec> files) : files_(files) {
  notify_.fill(-1);
}

bool FreshnessSchedule::OnWriteDue(const ReadPlan& plan) const {
  if (!on_write_read_ || plan.guard) return true;
  return on_write_.complete() ? on_write_.MayHaveChanged() : plan.recheck;
}

bool FreshnessSchedule::Due(size_t i, const ReadPlan& plan, bool condition) const {
  const bool have = (state_[i] & kHave) != 0;
  switch (files_[i].freshness) {
    case Freshness::kEveryCollection:
      return true;
    case Freshness::kWithPressure:
      return plan.pressure;
    case Freshness::kOnWrite:
      return OnWriteDue(plan);
    case Freshness::kOnNotify:
      return !have || plan.recheck || notify_[i] < 0 || watch_->Changed(notify_[i]);
    case Freshness::kWhileMayChange:
      return !have || plan.recheck || condition;
    case Freshness::kWithHostOomKills:
      return !have || plan.recheck || plan.host_oom_kills_moved;
    case Freshness::kUntilZero:
      return !plan.host_without_swap || (state_[i] & kZero) == 0;
    case Freshness::kProcessList:
      return plan.recheck || plan.processes_wanted || condition;
    case Freshness::kOnlyWhenNeeded:
    case Freshness::kEveryCollectionWhenNeeded:
      return condition;
    case Freshness::kUntilParsed:
      return !have;
  }
  return true;
}

void FreshnessSchedule::Clear() {
  on_write_.Clear();
  for (int& w : notify_) {
    if (w >= 0 && watch_ != nullptr) watch_->Remove(w);
    w = -1;
  }
  watch_ = nullptr;
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].freshness == Freshness::kOnNotify) Forget(i);
  }
}

}  // namespace berth::collector
