// KeptFile: one cgroupfs/procfs file whose descriptor stays open between
// collections and is re-read with pread(fd, buf, len, 0) (cgroupfs and procfs
// regenerate the contents on every read at offset 0). When the descriptor
// budget is exhausted, or keeping is disabled, the file is opened, read and
// closed each time instead: reads never fail for lack of descriptors.
// Files are opened with OpenControlFile() (control_file.h): only regular
// files are read, never more than kMaxControlFileBytes of one.
//
// A removed cgroup shows up as ENODEV on a kept descriptor, or as ENOENT on
// both the file and its directory: ReadStatus::kGone. A file that does not
// exist in an existing directory is kMissing (and not probed again for a few
// reads). Malformed content is reported by the caller via NoteParsed(), which
// counts one error per occurrence and logs once per state change.
//
// Ownership: a KeptFile owns its descriptor and returns it to the FdBudget on
// Close()/destruction; the FdBudget and FileReader must outlive it.
// Thread-safety: none; one collection thread uses a FileReader and its files.
#ifndef BERTH_COLLECTOR_KEPT_FILE_H_
#define BERTH_COLLECTOR_KEPT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "collector/snapshot.h"

namespace berth::collector {

// How many descriptors files may keep open.
class FdBudget {
 public:
  explicit FdBudget(size_t max_kept) : max_kept_(max_kept) {}
  bool Acquire();
  void Release();
  size_t kept() const { return kept_; }
  size_t max_kept() const { return max_kept_; }
  // The exporter/socket/etc. reserve: descriptors never handed to files.
  static constexpr size_t kReserve = 256;
  // Raises the soft RLIMIT_NOFILE to the hard limit and returns the number
  // of descriptors files may keep (the soft limit minus kReserve).
  static size_t RaiseNoFileLimit();

 private:
  size_t max_kept_;
  size_t kept_ = 0;
};

enum class ReadStatus { kOk, kMissing, kGone, kError };

// Shared read buffer and descriptor policy of one collector.
class FileReader {
 public:
  // `budget` null or `keep_fds` false: every read opens and closes the file.
  FileReader(FdBudget* budget, bool keep_fds);
  FdBudget* budget() const { return keep_fds_ ? budget_ : nullptr; }

  // Reads a whole file at offset 0 into the buffer; -1 on errors (errno
  // preserved). `text` views the buffer until the next read. The buffer grows
  // to at most kMaxControlFileBytes (control_file.h); a longer file is -1 with
  // errno kTooLargeErrno and the buffer shrinks back to its initial size.
  ssize_t PreadAll(int fd, std::string_view& text);
  size_t buffer_capacity() const { return cap_; }
  std::string& scratch_path() { return path_; }

 private:
  FdBudget* budget_;
  bool keep_fds_;
  std::unique_ptr<char[]> buf_;
  size_t cap_;
  std::string path_;
};

class KeptFile {
 public:
  // `keep` false: a rarely read file (limits) that never holds a descriptor.
  explicit KeptFile(const char* name = "", bool keep = true) : name_(name), keep_(keep) {}
  ~KeptFile() { Close(); }
  KeptFile(KeptFile&& other) noexcept;
  KeptFile& operator=(KeptFile&& other) noexcept;
  KeptFile(const KeptFile&) = delete;
  KeptFile& operator=(const KeptFile&) = delete;

  // Reads "<dir>/<name>". On kOk `text` views the reader's buffer.
  ReadStatus Read(const std::string& dir, FileReader& reader, std::string_view& text);
  void Close();

  const char* name() const { return name_; }
  bool is_open() const { return fd_ >= 0; }

  // The caller's verdict on the content just read. !ok counts an error under
  // `source` and logs (once until the file parses again).
  void NoteParsed(bool ok, const std::string& dir, const char* source, ErrorCounts& errors);
  // Unexpected I/O errors (not missing, not gone): counted and logged the same way.
  void NoteIoError(const std::string& dir, const char* source, ErrorCounts& errors);

  // Reads between re-probes of a missing file.
  static constexpr uint8_t kMissingSkips = 15;

 private:
  const char* name_;
  bool keep_ = true;
  int fd_ = -1;
  FdBudget* budget_ = nullptr;  // set while fd_ counts against a budget
  uint8_t missing_skips_ = 0;
  bool malformed_ = false;
  bool io_failing_ = false;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_KEPT_FILE_H_
