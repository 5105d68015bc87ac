// WatchedFiles: inotify watches (through the collection's FileChangeWatch) on
// a container's limit files, answering "may one of them have changed since the
// last Poll()?". Writes to cgroup control files go through the VFS, which
// notifies (shown on this project's host for every v1 limit file `docker
// update` writes), so limits need not be re-read on a timer while watched.
//
// Promise: after Watch(), MayHaveChanged() is true whenever a watched file
// was written, removed or moved since the previous Poll(), when the event
// queue overflowed, and always when the watches are incomplete (inotify
// limits reached or unavailable: the caller falls back to its timer; see
// Freshness::kOnWrite). A file
// that does not exist needs no watch. Ownership: borrows the FileChangeWatch,
// which must outlive it (or Clear() first). Thread-safety: none.
#ifndef BERTH_COLLECTOR_WATCHED_FILES_H_
#define BERTH_COLLECTOR_WATCHED_FILES_H_

#include <string>
#include <vector>

#include "collector/file_change_watch.h"

namespace berth::collector {

class WatchedFiles {
 public:
  WatchedFiles() = default;
  ~WatchedFiles() { Clear(); }
  WatchedFiles(const WatchedFiles&) = delete;
  WatchedFiles& operator=(const WatchedFiles&) = delete;

  // Adds a watch per path (call before the files are first read, so no
  // change slips in between). Replaces earlier watches.
  void Watch(FileChangeWatch& watch, const std::vector<std::string>& paths);
  bool started() const { return watch_ != nullptr; }
  // Every existing file is watched.
  bool complete() const { return watch_ != nullptr && complete_; }
  bool MayHaveChanged() const;
  // Removes the watches.
  void Clear();

 private:
  FileChangeWatch* watch_ = nullptr;
  std::vector<int> watches_;
  bool complete_ = false;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_WATCHED_FILES_H_
