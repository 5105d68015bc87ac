#include "collector/disk_usage/tree_walk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace berth::collector {

TreeWalk::TreeWalk(std::string root) : root_(std::move(root)) {}

TreeWalk::~TreeWalk() { Close(); }

void TreeWalk::Close() {
  for (DIR* dir : stack_) closedir(dir);
  stack_.clear();
}

void TreeWalk::Count(const struct stat& st) {
  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
    if (hard_links_.count(st.st_ino) != 0) return;  // seen through another link
    if (hard_links_.size() < kMaxHardLinks) hard_links_.insert(st.st_ino);
  }
  totals_.bytes += static_cast<uint64_t>(st.st_size);
  totals_.allocated_bytes += static_cast<uint64_t>(st.st_blocks) * 512;
  ++totals_.inodes;
}

void TreeWalk::Start() {
  const int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
                                        O_NONBLOCK | O_NOCTTY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    errno_ = errno;
    if (fd >= 0) close(fd);
    state_ = State::kFailed;
    return;
  }
  DIR* dir = fdopendir(fd);
  if (dir == nullptr) {
    errno_ = errno;
    close(fd);
    state_ = State::kFailed;
    return;
  }
  root_dev_ = st.st_dev;
  Count(st);
  stack_.push_back(dir);
  state_ = State::kWalking;
}

bool TreeWalk::Step(size_t budget) {
  if (state_ == State::kStart) Start();
  if (state_ != State::kWalking) return true;
  if (budget == 0) budget = 1;
  while (budget > 0 && !stack_.empty()) {
    DIR* dir = stack_.back();
    errno = 0;
    struct dirent* entry = readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) ++totals_.errors;  // a directory that failed mid-read
      closedir(dir);
      stack_.pop_back();
      continue;
    }
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    --budget;
    ++entries_;
    struct stat st {};
    if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) ++totals_.errors;  // vanished: not an error (du says the same)
      continue;
    }
    Count(st);
    if (!S_ISDIR(st.st_mode) || st.st_dev != root_dev_) continue;  // another fs: not entered
    if (stack_.size() >= kMaxDepth) {
      ++totals_.errors;
      continue;
    }
    const int fd = openat(dirfd(dir), name,
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      if (errno != ENOENT) ++totals_.errors;
      continue;
    }
    struct stat opened {};
    // The entry must still be the directory that was counted (not swapped).
    if (fstat(fd, &opened) != 0 || opened.st_ino != st.st_ino || opened.st_dev != st.st_dev) {
      close(fd);
      ++totals_.errors;
      continue;
    }
    DIR* child = fdopendir(fd);
    if (child == nullptr) {
      close(fd);
      ++totals_.errors;
      continue;
    }
    stack_.push_back(child);
  }
  if (stack_.empty()) {
    state_ = State::kDone;
    hard_links_.clear();
    hard_links_.rehash(0);
    return true;
  }
  return false;
}

}  // namespace berth::collector
