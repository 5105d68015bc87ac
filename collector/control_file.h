// The one way berth opens a kernel control file (cgroupfs, procfs, sysfs) or
// a fixture standing in for one: OpenControlFile() opens it non-blocking,
// close-on-exec and without acquiring a terminal, and hands out the
// descriptor only when fstat() says it is a regular file. A FIFO, socket,
// device (a link to /dev/zero) or directory where a control file should be
// is an error at once, never a read that blocks or never ends. Every reader
// caps what it reads at kMaxControlFileBytes: a larger file is an error, not
// a truncated parse (the largest real control file is far below it).
//
// Thread-safety: stateless, safe from any thread. Errors: -1 / errno; the
// rejections use kNotRegularFileErrno and kTooLargeErrno, which
// ReadErrorText() words for logs.
#ifndef BERTH_COLLECTOR_CONTROL_FILE_H_
#define BERTH_COLLECTOR_CONTROL_FILE_H_

#include <cerrno>
#include <cstddef>

namespace berth::collector {

inline constexpr size_t kMaxControlFileBytes = size_t{1} << 20;  // 1 MiB

// errno of a path that is not a regular file (a directory gives EISDIR).
// ENXIO is what the kernel itself answers for opening a socket.
inline constexpr int kNotRegularFileErrno = ENXIO;
// errno of a file longer than kMaxControlFileBytes.
inline constexpr int kTooLargeErrno = EFBIG;

// open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) + fstat; the
// descriptor of a regular file, or -1 with errno (EISDIR, kNotRegularFileErrno
// or open's own).
int OpenControlFile(const char* path);

// strerror(err), with the two rejections above in words.
const char* ReadErrorText(int err);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CONTROL_FILE_H_
