// FileChangeWatch: tells which watched files changed since the last Poll(),
// with one inotify descriptor for all of them, so a file that changes rarely
// (cgroup v2 memory.events: "a value change in this file generates a file
// modified event") need not be re-read on every collection.
//
// Directory watches (Kind::kDirectoryEntries) report entries created,
// removed or renamed inside them, which is how the Sampler learns that a
// cgroup appeared or went without walking the tree.
//
// Promise: after Poll(), Changed(w) is true for every watch that saw a
// change of its kind (for files: modification, attribute change, deletion or
// move) since the previous Poll(),
// and for every watch when the kernel's event queue overflowed. A watch whose
// file is gone (IN_IGNORED) stays "changed" until removed, so its owner keeps
// reading the file and notices. Add() returns -1 when inotify is unavailable
// or its limits are reached: the caller then reads every time. Events of a
// removed watch are dropped: remembered state stays bounded by the watches
// in place, however many come and go.
//
// Ownership: owns the inotify descriptor. Thread-safety: none.
#ifndef BERTH_COLLECTOR_FILE_CHANGE_WATCH_H_
#define BERTH_COLLECTOR_FILE_CHANGE_WATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

namespace berth::collector {

class FileChangeWatch {
 public:
  FileChangeWatch();
  ~FileChangeWatch();
  FileChangeWatch(const FileChangeWatch&) = delete;
  FileChangeWatch& operator=(const FileChangeWatch&) = delete;

  // What a watch reports: a file's content, or a directory's entries
  // (a child created, removed or renamed; the directory itself removed).
  enum class Kind { kFileContent, kDirectoryEntries };

  // At most `n` watches in place at once; Add() beyond fails with ENOSPC,
  // as the kernel's own limit would (leaves room for other watchers).
  void set_max_watches(size_t n) { max_watches_ = n; }
  // A watch on `path`; -1 (errno says why: ENOENT for a missing file) when
  // none could be set up.
  int Add(const std::string& path, Kind kind = Kind::kFileContent);
  // Any watch changed (or the queue overflowed) at the last Poll().
  bool AnyChanged() const { return overflowed_ || !changed_.empty(); }
  void Remove(int watch);
  // Drains the pending events (non-blocking).
  void Poll();
  bool Changed(int watch) const;
  // Watches in place and remembered states (for tests: stays bounded).
  size_t tracked() const { return active_.size() + changed_.size() + gone_.size(); }

 private:
  int fd_ = -1;
  bool overflowed_ = false;
  size_t max_watches_ = SIZE_MAX;
  std::unordered_set<int> active_;  // added and not removed
  std::unordered_set<int> changed_;
  std::unordered_set<int> gone_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_FILE_CHANGE_WATCH_H_
