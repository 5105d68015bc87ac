// TreeWalk: one resumable, bounded `du -sbx` of a directory tree — the only
// code in berth that walks a container's files (writable layers, volumes).
//
// Step(budget) examines at most `budget` directory entries and returns; the
// next Step() continues where it stopped, so the caller (DiskUsageWalker)
// spreads one walk over many short slices and never holds a CPU or the disk
// for long. Counts, as `du -sbx` does: the apparent size (st_size) of every
// entry, the root included, each inode once (hard links deduplicated by
// st_ino, among inodes with st_nlink > 1), without crossing into another
// filesystem (a mount point inside is counted as the directory it covers,
// never descended) and without following symlinks (a symlink counts its own
// length; loops cannot form). Also the allocated bytes (st_blocks × 512,
// what `du -sx` counts) and the inodes.
//
// Hostile trees are bounded: directories are opened O_NOFOLLOW|O_DIRECTORY
// relative to their parent's descriptor (a directory swapped for a symlink or
// a FIFO mid-walk is not entered; no open can block), at most kMaxDepth
// levels are held open (deeper directories are counted, not entered), at most
// kMaxHardLinks inodes are remembered for deduplication, and an entry that
// vanishes or cannot be read (EACCES) is skipped and counted in `errors` —
// such a walk is complete but `partial`. Only the root failing to open makes
// the walk fail (`failed`, with errno_value).
//
// Thread-safety: one thread at a time per TreeWalk. No allocation per entry
// beyond the hard-link set.
#ifndef BERTH_COLLECTOR_DISK_USAGE_TREE_WALK_H_
#define BERTH_COLLECTOR_DISK_USAGE_TREE_WALK_H_

#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace berth::collector {

struct TreeTotals {
  uint64_t bytes = 0;            // Σ st_size, each inode once (du -sb)
  uint64_t allocated_bytes = 0;  // Σ st_blocks × 512, each inode once (du -s)
  uint64_t inodes = 0;           // distinct inodes: files, dirs, links … (find | wc -l)
  uint64_t errors = 0;           // entries skipped: vanished, unreadable, too deep
  bool partial() const { return errors > 0; }
};

class TreeWalk {
 public:
  static constexpr size_t kMaxDepth = 64;
  static constexpr size_t kMaxHardLinks = 1u << 20;

  explicit TreeWalk(std::string root);
  ~TreeWalk();
  TreeWalk(const TreeWalk&) = delete;
  TreeWalk& operator=(const TreeWalk&) = delete;

  // Examines at most `budget` entries (≥ 1). True once the walk is over
  // (done() or failed()); later calls do nothing.
  bool Step(size_t budget);

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  int errno_value() const { return errno_; }
  // Entries examined so far (the IO the walk has cost).
  uint64_t entries() const { return entries_; }
  const TreeTotals& totals() const { return totals_; }
  const std::string& root() const { return root_; }
  // st_dev of the root (valid once started without failure).
  dev_t device() const { return root_dev_; }

 private:
  enum class State { kStart, kWalking, kDone, kFailed };
  void Start();
  void Close();
  // Counts one inode (deduplicating hard links).
  void Count(const struct stat& st);

  std::string root_;
  State state_ = State::kStart;
  int errno_ = 0;
  dev_t root_dev_ = 0;
  std::vector<DIR*> stack_;  // open directories, innermost last
  std::unordered_set<ino_t> hard_links_;
  uint64_t entries_ = 0;
  TreeTotals totals_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DISK_USAGE_TREE_WALK_H_
