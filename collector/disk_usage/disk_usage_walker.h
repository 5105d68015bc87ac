// DiskUsageWalker: the one background walker that measures directory trees
// (container writable layers; volumes) off the collection and scrape path.
//
// The Sampler says which trees it wants (Want(), every collection: a cheap
// swap under a mutex) and reads the last finished result of each (Get(): a
// map lookup), so a collection never touches the trees themselves and a
// scrape costs the same with disk usage as without. One thread, started at
// construction, walks one tree at a time with TreeWalk (tree_walk.h):
//   - niced (nice 19) and in the idle IO class (ioprio IDLE: its reads wait
//     while anything else wants the disk);
//   - on an IO budget: at most options.entries_per_second directory entries
//     a second, in slices of options.slice_entries with sleeps between, so
//     a tree of a million files takes its time instead of the disk;
//   - incrementally: a walk is resumable and spreads over many slices; until
//     it ends the previous result is served, with its age;
//   - each tree is walked again options.interval after its last walk ended
//     (trees never walked first, oldest result next);
//   - a tree no longer wanted is dropped at once, also mid-walk.
// A result carries when its walk ended, how long it took and what it counted
// (bytes, allocated bytes, inodes, skipped entries), plus statvfs of the
// tree's filesystem at that time (size, free and total inodes).
//
// Thread-safety: all public methods are safe from any thread. The destructor
// stops the thread within one slice.
#ifndef BERTH_COLLECTOR_DISK_USAGE_DISK_USAGE_WALKER_H_
#define BERTH_COLLECTOR_DISK_USAGE_DISK_USAGE_WALKER_H_

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "collector/disk_usage/tree_walk.h"

namespace berth::collector {

struct DiskUsageOptions {
  // IO budget: directory entries examined per second at most (each one a
  // share of a getdents and one fstatat). 20,000/s walks 100 containers of
  // 10k files in under a minute at a few percent of one core.
  size_t entries_per_second = 20000;
  size_t slice_entries = 500;
  // A tree is walked again this long after its last walk ended.
  std::chrono::milliseconds interval{std::chrono::minutes(1)};
  // Lower the thread's CPU and IO priority (nice 19, ioprio idle).
  bool lower_priority = true;
};

struct DirUsage {
  TreeTotals totals;
  std::chrono::steady_clock::time_point finished;  // when the walk ended
  std::chrono::nanoseconds walk_duration{0};       // wall time from start to end
  uint32_t major = 0, minor = 0;                   // st_dev of the tree's root
  std::optional<uint64_t> fs_size_bytes;           // statvfs f_blocks × f_frsize
  std::optional<uint64_t> fs_inodes_total;         // statvfs f_files
  std::optional<uint64_t> fs_inodes_free;          // statvfs f_ffree
};

class DiskUsageWalker {
 public:
  explicit DiskUsageWalker(DiskUsageOptions options = {});
  ~DiskUsageWalker();
  DiskUsageWalker(const DiskUsageWalker&) = delete;
  DiskUsageWalker& operator=(const DiskUsageWalker&) = delete;

  // The trees (absolute paths as the walker opens them) to keep measured;
  // any other is forgotten with its result.
  void Want(const std::set<std::string>& paths);
  // The last finished walk of `path`; nullopt before one ended, or when its
  // root could not be opened (Failure() says why).
  std::optional<DirUsage> Get(const std::string& path) const;
  // errno of the last failed walk of `path` (0: none).
  int Failure(const std::string& path) const;
  // Walks finished since construction, and entries examined (for tests and
  // self-metrics).
  uint64_t walks() const;
  uint64_t entries() const;

 private:
  struct Tree {
    std::optional<DirUsage> last;
    int failure = 0;
    std::chrono::steady_clock::time_point due{};  // next walk; {} = never walked
  };
  void Run();
  // The wanted tree due soonest, or "" when none; sets *due.
  std::string Next(std::chrono::steady_clock::time_point* due) const;

  DiskUsageOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, Tree> trees_;
  uint64_t walks_ = 0;
  uint64_t entries_ = 0;
  std::thread thread_;  // last: started after the members above
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DISK_USAGE_DISK_USAGE_WALKER_H_
