#include "collector/runtimes/unknown_ids.h"

namespace berth::collector {

void UnknownIds::Remember(std::string_view id, Clock::time_point now) {
  if (auto it = ids_.find(id); it != ids_.end()) {
    if (now - it->second >= retry_) it->second = now;  // asked again after the retry
    return;
  }
  if (ids_.size() >= kMaxIds) return;
  ids_.emplace(std::string(id), now);
}

bool UnknownIds::Contains(std::string_view id, Clock::time_point now) const {
  auto it = ids_.find(id);
  return it != ids_.end() && now - it->second < retry_;
}

void UnknownIds::Forget(std::string_view id) {
  if (auto it = ids_.find(id); it != ids_.end()) ids_.erase(it);
}

void UnknownIds::Retain(const std::function<bool(const std::string&)>& present) {
  std::erase_if(ids_, [&](const auto& entry) { return !present(entry.first); });
}

}  // namespace berth::collector
