#include "collector/file_change_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace berth::collector {
namespace {
constexpr uint32_t kFileMask = IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr uint32_t kDirectoryMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
}  // namespace

FileChangeWatch::FileChangeWatch() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}

FileChangeWatch::~FileChangeWatch() {
  if (fd_ >= 0) ::close(fd_);
}

int FileChangeWatch::Add(const std::string& path, Kind kind) {
  if (fd_ < 0) {
    errno = EBADF;
    return -1;
  }
  if (active_.size() >= max_watches_) {
    errno = ENOSPC;
    return -1;
  }
  const int watch = ::inotify_add_watch(
      fd_, path.c_str(), kind == Kind::kDirectoryEntries ? kDirectoryMask : kFileMask);
  if (watch >= 0) {
    // inotify hands out the same descriptor for a second watch on one inode.
    changed_.erase(watch);
    gone_.erase(watch);
    active_.insert(watch);
  }
  return watch < 0 ? -1 : watch;
}

void FileChangeWatch::Remove(int watch) {
  if (watch < 0 || fd_ < 0 || active_.erase(watch) == 0) return;
  if (gone_.erase(watch) == 0) ::inotify_rm_watch(fd_, watch);
  changed_.erase(watch);
}

void FileChangeWatch::Poll() {
  changed_.clear();
  overflowed_ = false;
  if (fd_ < 0) return;
  alignas(inotify_event) char buf[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      inotify_event event;
      std::memcpy(&event, buf + at, sizeof event);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
      if ((event.mask & IN_Q_OVERFLOW) != 0) {
        overflowed_ = true;
        continue;
      }
      // Events of removed watches (their IN_IGNORED comes after Remove()):
      // nothing to report, nothing to remember.
      if (active_.count(event.wd) == 0) continue;
      if ((event.mask & IN_IGNORED) != 0) gone_.insert(event.wd);
      changed_.insert(event.wd);
    }
  }
}

bool FileChangeWatch::Changed(int watch) const {
  return watch < 0 || overflowed_ || changed_.count(watch) != 0 || gone_.count(watch) != 0;
}

}  // namespace berth::collector
