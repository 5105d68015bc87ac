// StoreIo: the history writer's only contact with the file system, a thin
// seam so tests can make a write fail part-way (a full disk) without a
// mount. PosixStoreIo() is the real one (O_CLOEXEC, appends with write(2)
// until done or an error). Handles are file descriptors. Thread-compatible.
#ifndef BERTH_HISTORY_STORE_IO_H_
#define BERTH_HISTORY_STORE_IO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace berth::history {

class StoreIo {
 public:
  virtual ~StoreIo() = default;
  // Creates a new file (fails if it exists): a handle ≥ 0, or −errno.
  virtual int Create(const std::string& path) = 0;
  // Appends all of `data`: 0, or an errno (part of it may have been written).
  virtual int Append(int fd, std::string_view data) = 0;
  virtual int Truncate(int fd, uint64_t size) = 0;  // 0 or errno
  virtual void Close(int fd) = 0;
  virtual int Remove(const std::string& path) = 0;  // 0 or errno
  // The names in `dir` (no "." / ".."), or an errno.
  virtual int List(const std::string& dir, std::vector<std::string>* names) = 0;
  // The size of a file, or −errno.
  virtual int64_t Size(const std::string& path) = 0;
};

StoreIo& PosixStoreIo();

}  // namespace berth::history

#endif  // BERTH_HISTORY_STORE_IO_H_
