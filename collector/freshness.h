// Freshness: when a control file can have changed, declared per file in each
// reader's file table (ControlFileSpec: name and Freshness), and
// FreshnessSchedule, the one scheduler that applies it: whether a file is
// read in this collection, or the value it gave last is reported.
//
// Inputs of one collection for one container (ReadPlan): the periodic
// re-check (SamplerOptions::limits_refresh, 10 s) and the rare guard re-read
// of what inotify watches (watched_refresh, 5 min) are due
// (FreshnessClock), the Sampler needs the process list, the view shows
// pressure, the host has no swap, the host's OOM kill count moved, and the
// collection's FileChangeWatch (polled at its start).
//
// A reader asks Due(file) before reading, tells Stored()/SawZero() after,
// and reports its last value when the file was not due. Adding a control
// file: one row in the reader's table, and its parse/store step.
//
// Ownership: a schedule owns the inotify watches it adds (removed by
// Clear()/destruction; the FileChangeWatch must outlive them).
// Thread-safety: none (one collection thread).
#ifndef BERTH_COLLECTOR_FRESHNESS_H_
#define BERTH_COLLECTOR_FRESHNESS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "collector/file_change_watch.h"
#include "collector/watched_files.h"

namespace berth::collector {

enum class Freshness : uint8_t {
  // Read on every collection.
  kEveryCollection,
  // Every collection while the view shows pressure (SamplerOptions::pressure).
  kWithPressure,
  // A limit file: inotify reports its writes (WatchedFiles). The reader's
  // limit files are read together: on the first read, when a watch reports a
  // write, with the guard re-read, and with the re-check while not every one
  // of them could be watched.
  kOnWrite,
  // The kernel notifies its changes (memory.events): read when the watch
  // reports one, with the re-check, and every time without a watch.
  kOnNotify,
  // Cannot change while a condition the reader knows holds (v1 throttling
  // without a quota, v1 failcnt far from the limit): read with the re-check,
  // and in between only when the reader says it may have changed.
  kWhileMayChange,
  // v1 memory.oom_control: read with the re-check, and when the host's
  // /proc/vmstat oom_kill moved in this or the previous collection.
  kWithHostOomKills,
  // Swap usage: not read again once it was zero on a host without swap.
  kUntilZero,
  // The process list: read with the re-check, when the Sampler needs it (a
  // process to choose for net/dev, a start time to probe) and whenever the
  // reader needs it (no pids.current to count tasks).
  kProcessList,
  // Only where the reader needs it: a count another file gives otherwise
  // (cgroup.threads / tasks without pids.current). Holds no descriptor.
  kOnlyWhenNeeded,
  // Every collection where the reader needs it (v1 io_serviced while
  // io_service_bytes lists a device). Keeps its descriptor.
  kEveryCollectionWhenNeeded,
  // Cannot change while the host runs: read until it once parses.
  kUntilParsed,
};

struct ControlFileSpec {
  const char* name;
  Freshness freshness;
};

// Files read rarely hold no descriptor of the RLIMIT_NOFILE budget.
constexpr bool KeepsDescriptor(Freshness f) {
  return f != Freshness::kOnWrite && f != Freshness::kOnNotify &&
         f != Freshness::kOnlyWhenNeeded && f != Freshness::kUntilParsed;
}

// One collection's inputs for one container (see the header comment). The
// defaults read everything once: what a reader outside a collection sees.
struct ReadPlan {
  bool recheck = true;            // limits_refresh is due
  bool guard = true;              // watched_refresh is due
  bool processes_wanted = true;   // the Sampler needs the process list
  bool pressure = true;           // read the *.pressure files
  bool host_without_swap = false; // /proc/meminfo SwapTotal 0
  bool host_oom_kills_moved = true;
  FileChangeWatch* watch = nullptr;  // null: nothing is watched
};

// The per-container timers of the re-check and the guard re-read.
//
// The re-check is spread over collections: each container has a slot
// (0 … kRecheckSpread − 1, the Sampler deals them out in turn) and, after its
// first collection, is re-checked when both its interval and kRecheckSpread
// collections have passed since the last time, the first time after
// (kRecheckSpread − slot) collections and as many tenths of the interval. So
// about 1/kRecheckSpread of the containers re-check in any collection at
// any scrape interval of at least interval/kRecheckSpread: at 1 s with 10 s
// one tenth each second (each every 10 s), at 15 s one tenth each scrape
// (each every 150 s) — a 15 s scrape costs what a 1 s one does, instead of
// every container re-checking in every scrape.
class FreshnessClock {
 public:
  static constexpr unsigned kRecheckSpread = 10;
  explicit FreshnessClock(unsigned slot = 0) : slot_(slot % kRecheckSpread) {}
  // Sets plan.recheck and plan.guard. The guard: due when its interval passed
  // since the last time it was due (or never was). The re-check: as above.
  // Either interval 0 = every collection.
  void Tick(std::chrono::steady_clock::time_point now, std::chrono::milliseconds recheck,
            std::chrono::milliseconds guard, ReadPlan& plan);

 private:
  unsigned slot_;
  unsigned collections_ = 0;  // since the last re-check
  std::optional<std::chrono::steady_clock::time_point> recheck_at_, guard_at_;
};

class FreshnessSchedule {
 public:
  static constexpr size_t kMaxFiles = 32;
  explicit FreshnessSchedule(std::span<const ControlFileSpec> files);
  ~FreshnessSchedule() { Clear(); }
  FreshnessSchedule(const FreshnessSchedule&) = delete;
  FreshnessSchedule& operator=(const FreshnessSchedule&) = delete;

  // Adds the inotify watches of the kOnWrite and kOnNotify files, once, on
  // the first collection that has a watch, before those files are first
  // read (no change slips in between). `path(i)`: the file's path, "" when
  // the reader has no such file here.
  template <typename PathOf>
  void WatchOnce(const ReadPlan& plan, PathOf&& path) {
    if (watch_ != nullptr || plan.watch == nullptr) return;
    std::vector<std::string> on_write;
    for (size_t i = 0; i < files_.size(); ++i) {
      const Freshness f = files_[i].freshness;
      if (f != Freshness::kOnWrite && f != Freshness::kOnNotify) continue;
      std::string p = path(i);
      if (p.empty()) continue;
      if (f == Freshness::kOnWrite) {
        on_write.push_back(std::move(p));
      } else {
        notify_[i] = plan.watch->Add(p);
      }
    }
    watch_ = plan.watch;
    on_write_.Watch(*watch_, on_write);
  }

  // Whether file `i` is read in this collection. `condition`: for
  // kWhileMayChange "may have changed", for kProcessList and the
  // *WhenNeeded kinds "the reader needs it"; ignored otherwise. A kOnWrite
  // file is due when its group is (OnWriteDue).
  bool Due(size_t i, const ReadPlan& plan, bool condition = true) const;
  // The kOnWrite files, all together.
  bool OnWriteDue(const ReadPlan& plan) const;

  // A read of `i` is under way: its last value is forgotten until Stored().
  void Forget(size_t i) { state_[i] &= static_cast<uint8_t>(~kHave); }
  // `i` gave a value (reported while the file is not due).
  void Stored(size_t i) { state_[i] |= kHave; }
  // kOnWrite: every file of the group was read.
  void OnWriteStored() { on_write_read_ = true; }
  // kUntilZero: whether the value was zero.
  void SawZero(size_t i, bool zero) {
    state_[i] = static_cast<uint8_t>(zero ? state_[i] | kZero : state_[i] & ~kZero);
  }
  const char* name(size_t i) const { return files_[i].name; }
  Freshness freshness(size_t i) const { return files_[i].freshness; }

  // Removes the watches (WatchOnce() adds them again) and forgets the last
  // values only a watch kept fresh (kOnNotify).
  void Clear();

 private:
  static constexpr uint8_t kHave = 1, kZero = 2;
  std::span<const ControlFileSpec> files_;
  std::array<uint8_t, kMaxFiles> state_{};
  std::array<int, kMaxFiles> notify_;  // kOnNotify watches, -1: none
  bool on_write_read_ = false;
  FileChangeWatch* watch_ = nullptr;
  WatchedFiles on_write_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_FRESHNESS_H_
