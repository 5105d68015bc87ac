#include "collector/kept_file.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <spdlog/spdlog.h>

#include "collector/control_file.h"

namespace berth::collector {
namespace {
constexpr size_t kInitialBuffer = 64 * 1024;
}  // namespace

bool FdBudget::Acquire() {
  if (kept_ >= max_kept_) return false;
  ++kept_;
  return true;
}

void FdBudget::Release() {
  if (kept_ > 0) --kept_;
}

size_t FdBudget::RaiseNoFileLimit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  if (lim.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return lim.rlim_cur > kReserve ? static_cast<size_t>(lim.rlim_cur - kReserve) : 0;
}

FileReader::FileReader(FdBudget* budget, bool keep_fds)
    : budget_(budget), keep_fds_(keep_fds), buf_(new char[kInitialBuffer]), cap_(kInitialBuffer) {}

ssize_t FileReader::PreadAll(int fd, std::string_view& text) {
  size_t len = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf_.get() + len, cap_ - len, static_cast<off_t>(len));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    len += static_cast<size_t>(n);
    // A short read is the end of a cgroupfs/procfs/regular file.
    if (len < cap_ || n == 0) break;
    if (cap_ >= kMaxControlFileBytes) {
      char probe;
      do {
        n = ::pread(fd, &probe, 1, static_cast<off_t>(len));
      } while (n < 0 && errno == EINTR);
      if (n < 0) return -1;
      if (n == 0) break;  // exactly the cap
      // Too large: an error, and the buffer goes back to its usual size.
      buf_.reset(new char[kInitialBuffer]);
      cap_ = kInitialBuffer;
      errno = kTooLargeErrno;
      return -1;
    }
    const size_t bigger_cap = std::min(cap_ * 2, kMaxControlFileBytes);
    std::unique_ptr<char[]> bigger(new char[bigger_cap]);
    std::memcpy(bigger.get(), buf_.get(), len);
    buf_ = std::move(bigger);
    cap_ = bigger_cap;
  }
  text = std::string_view(buf_.get(), len);
  return static_cast<ssize_t>(len);
}

KeptFile::KeptFile(KeptFile&& other) noexcept
    : name_(other.name_),
      keep_(other.keep_),
      fd_(std::exchange(other.fd_, -1)),
      budget_(std::exchange(other.budget_, nullptr)),
      missing_skips_(other.missing_skips_),
      malformed_(other.malformed_),
      io_failing_(other.io_failing_) {}

KeptFile& KeptFile::operator=(KeptFile&& other) noexcept {
  if (this != &other) {
    Close();
    name_ = other.name_;
    keep_ = other.keep_;
    fd_ = std::exchange(other.fd_, -1);
    budget_ = std::exchange(other.budget_, nullptr);
    missing_skips_ = other.missing_skips_;
    malformed_ = other.malformed_;
    io_failing_ = other.io_failing_;
  }
  return *this;
}

void KeptFile::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    if (budget_ != nullptr) budget_->Release();
    budget_ = nullptr;
  }
}

ReadStatus KeptFile::Read(const std::string& dir, FileReader& reader, std::string_view& text) {
  if (fd_ < 0) {
    if (missing_skips_ > 0) {
      --missing_skips_;
      return ReadStatus::kMissing;
    }
    std::string& path = reader.scratch_path();
    path.assign(dir);
    path += '/';
    path += name_;
    int fd = OpenControlFile(path.c_str());
    if (fd < 0) {
      const int err = errno;
      if (err == ENODEV || err == ESRCH) return ReadStatus::kGone;
      if (err == ENOENT || err == ENOTDIR) {
        struct stat st;
        if (::stat(dir.c_str(), &st) != 0) return ReadStatus::kGone;
        missing_skips_ = kMissingSkips;
        return ReadStatus::kMissing;
      }
      errno = err;
      return ReadStatus::kError;
    }
    ssize_t n = reader.PreadAll(fd, text);
    const int err = errno;
    FdBudget* budget = reader.budget();
    if (n >= 0 && keep_ && budget != nullptr && budget->Acquire()) {
      fd_ = fd;
      budget_ = budget;
    } else {
      ::close(fd);
    }
    if (n < 0) {
      errno = err;
      return err == ENODEV || err == ESRCH ? ReadStatus::kGone : ReadStatus::kError;
    }
    io_failing_ = false;
    return ReadStatus::kOk;
  }
  if (reader.PreadAll(fd_, text) >= 0) {
    io_failing_ = false;
    return ReadStatus::kOk;
  }
  const int err = errno;
  Close();
  errno = err;
  return err == ENODEV || err == ESRCH ? ReadStatus::kGone : ReadStatus::kError;
}

void KeptFile::NoteParsed(bool ok, const std::string& dir, const char* source,
                          ErrorCounts& errors) {
  if (ok) {
    if (malformed_) spdlog::info("{}/{}: parses again", dir, name_);
    malformed_ = false;
    return;
  }
  ++errors[source];
  if (!malformed_) spdlog::warn("{}/{}: malformed content, field left absent", dir, name_);
  malformed_ = true;
}

void KeptFile::NoteIoError(const std::string& dir, const char* source, ErrorCounts& errors) {
  const int err = errno;
  ++errors[source];
  if (!io_failing_) spdlog::warn("{}/{}: read failed: {}", dir, name_, ReadErrorText(err));
  io_failing_ = true;
}

}  // namespace berth::collector
