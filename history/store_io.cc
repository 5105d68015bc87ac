#include "history/store_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace berth::history {
namespace {

class Posix : public StoreIo {
 public:
  int Create(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0640);
    return fd >= 0 ? fd : -errno;
  }
  int Append(int fd, std::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      if (n == 0) return ENOSPC;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
  }
  int Truncate(int fd, uint64_t size) override {
    return ::ftruncate(fd, static_cast<off_t>(size)) == 0 ? 0 : errno;
  }
  void Close(int fd) override { ::close(fd); }
  int Remove(const std::string& path) override { return ::unlink(path.c_str()) == 0 ? 0 : errno; }
  int List(const std::string& dir, std::vector<std::string>* names) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return errno;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names->push_back(name);
    }
    ::closedir(d);
    return 0;
  }
  int64_t Size(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return -errno;
    return st.st_size;
  }
};

}  // namespace

StoreIo& PosixStoreIo() {
  static Posix io;
  return io;
}

}  // namespace berth::history
