#include "collector/watched_files.h"

#include <cerrno>

namespace berth::collector {

void WatchedFiles::Watch(FileChangeWatch& watch, const std::vector<std::string>& paths) {
  Clear();
  watch_ = &watch;
  complete_ = true;
  for (const std::string& path : paths) {
    const int w = watch.Add(path);
    if (w >= 0) {
      watches_.push_back(w);
    } else if (errno != ENOENT) {
      complete_ = false;
    }
  }
}

bool WatchedFiles::MayHaveChanged() const {
  if (!complete()) return true;
  for (int w : watches_) {
    if (watch_->Changed(w)) return true;
  }
  return false;
}

void WatchedFiles::Clear() {
  if (watch_ != nullptr) {
    for (int w : watches_) watch_->Remove(w);
  }
  watches_.clear();
  watch_ = nullptr;
  complete_ = false;
}

}  // namespace berth::collector
