#include "collector/source_health.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace berth::collector {

SourceHealth::SourceHealth(std::string source, std::chrono::milliseconds min_backoff,
                           std::chrono::milliseconds max_backoff)
    : source_(std::move(source)), min_backoff_(min_backoff), max_backoff_(max_backoff) {}

void SourceHealth::Succeeded() {
  if (!last_error_.empty()) {
    spdlog::info("{}: container names available again", source_);
  }
  last_error_.clear();
  consecutive_failures_ = 0;
  retry_at_ = {};
}

void SourceHealth::Failed(const std::string& reason, Clock::time_point now) {
  if (reason != last_error_) {
    spdlog::warn("{}: container names unavailable: {}; containers are shown by id until it "
                 "answers (retrying with backoff)",
                 source_, reason);
  }
  last_error_ = reason;
  const int shift = std::min(consecutive_failures_, 16);
  ++consecutive_failures_;
  auto pause = min_backoff_ * (int64_t{1} << shift);
  retry_at_ = now + std::min<std::chrono::milliseconds>(pause, max_backoff_);
}

}  // namespace berth::collector
