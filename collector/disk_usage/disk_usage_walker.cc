#include "collector/disk_usage/disk_usage_walker.h"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <utility>

namespace berth::collector {
namespace {

using Clock = std::chrono::steady_clock;

// ioprio_set(2) has no glibc wrapper.
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassIdle = 3;
constexpr int kIoprioClassShift = 13;

void LowerPriority() {
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 19);  // this thread only (Linux)
  syscall(SYS_ioprio_set, kIoprioWhoProcess, tid, kIoprioClassIdle << kIoprioClassShift);
}

}  // namespace

DiskUsageWalker::DiskUsageWalker(DiskUsageOptions options) : options_(options) {
  if (options_.entries_per_second == 0) options_.entries_per_second = 1;
  if (options_.slice_entries == 0) options_.slice_entries = 1;
  thread_ = std::thread([this] { Run(); });
}

DiskUsageWalker::~DiskUsageWalker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DiskUsageWalker::Want(const std::set<std::string>& paths) {
  bool added = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(trees_, [&](const auto& kv) { return paths.count(kv.first) == 0; });
    for (const std::string& path : paths) added |= trees_.try_emplace(path).second;
  }
  if (added) wake_.notify_all();
}

std::optional<DirUsage> DiskUsageWalker::Get(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = trees_.find(path);
  if (it == trees_.end()) return std::nullopt;
  return it->second.last;
}

int DiskUsageWalker::Failure(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = trees_.find(path);
  return it == trees_.end() ? 0 : it->second.failure;
}

uint64_t DiskUsageWalker::walks() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return walks_;
}

uint64_t DiskUsageWalker::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

std::string DiskUsageWalker::Next(Clock::time_point* due) const {
  const std::string* best = nullptr;
  for (const auto& [path, tree] : trees_) {
    if (best == nullptr || tree.due < *due) {
      best = &path;
      *due = tree.due;
    }
  }
  return best == nullptr ? std::string() : *best;
}

void DiskUsageWalker::Run() {
  if (options_.lower_priority) LowerPriority();
  const auto slice_time = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(options_.slice_entries) /
                                    static_cast<double>(options_.entries_per_second)));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    Clock::time_point due{};
    const std::string path = Next(&due);
    if (path.empty()) {
      wake_.wait(lock);
      continue;
    }
    if (due > Clock::now()) {
      wake_.wait_until(lock, due);
      continue;
    }
    lock.unlock();
    const Clock::time_point started = Clock::now();
    TreeWalk walk(path);
    bool wanted = true;
    uint64_t counted = 0;
    while (true) {
      const Clock::time_point slice_start = Clock::now();
      const bool over = walk.Step(options_.slice_entries);
      lock.lock();
      entries_ += walk.entries() - counted;
      counted = walk.entries();
      wanted = trees_.count(path) != 0;
      if (over || stop_ || !wanted) break;
      // The budget: a slice may take no less than slice_time.
      wake_.wait_until(lock, slice_start + slice_time, [&] { return stop_; });
      if (stop_) break;
      lock.unlock();
    }
    // Locked here.
    if (stop_ || !wanted || !walk.Step(1)) continue;
    auto it = trees_.find(path);
    if (it == trees_.end()) continue;
    Tree& tree = it->second;
    const Clock::time_point now = Clock::now();
    tree.due = now + options_.interval;
    ++walks_;
    if (walk.failed()) {
      tree.failure = walk.errno_value();
      tree.last.reset();
      continue;
    }
    lock.unlock();
    DirUsage usage;
    usage.totals = walk.totals();
    usage.finished = now;
    usage.walk_duration = std::chrono::duration_cast<std::chrono::nanoseconds>(now - started);
    usage.major = major(walk.device());
    usage.minor = minor(walk.device());
    struct statvfs fs {};
    if (statvfs(path.c_str(), &fs) == 0) {
      usage.fs_size_bytes = static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
      usage.fs_inodes_total = fs.f_files;
      usage.fs_inodes_free = fs.f_ffree;
    }
    lock.lock();
    it = trees_.find(path);
    if (it == trees_.end()) continue;
    it->second.failure = 0;
    it->second.last = std::move(usage);
  }
}

}  // namespace berth::collector
