#include "collector/control_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace berth::collector {

int OpenControlFile(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return -1;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    errno = S_ISDIR(st.st_mode) ? EISDIR : kNotRegularFileErrno;
    return -1;
  }
  return fd;
}

const char* ReadErrorText(int err) {
  if (err == kNotRegularFileErrno) return "not a regular file (a FIFO, socket or device), not read";
  if (err == kTooLargeErrno) return "larger than the 1 MiB read cap, not read";
  return std::strerror(err);
}

}  // namespace berth::collector
