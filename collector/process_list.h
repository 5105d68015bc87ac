// Process list of one container (the detail view of `berth top`): for each
// pid of a container (Sampler::Processes), /proc/<pid>/stat (via ParseProcPidStat),
// /proc/<pid>/status (the real uid, named through <rootfs>/etc/passwd) and
// /proc/<pid>/cmdline, all read through the RootFs. The parsers are pure
// functions on std::string_view; ReadProcesses does the I/O.
//
// Errors: a process that exits mid-read is left out; an unknown uid is shown
// as its number; an empty cmdline (kernel thread, zombie) falls back to
// "[comm]". Nothing throws. Thread-safety: the functions have no state;
// a ProcessReader must be used from one thread at a time.
#ifndef BERTH_COLLECTOR_PROCESS_LIST_H_
#define BERTH_COLLECTOR_PROCESS_LIST_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/root_fs.h"

namespace berth::collector {

// /proc/<pid>/status: the real uid (first figure of the "Uid:" line).
std::optional<uint32_t> ParseStatusUid(std::string_view status_text);

// /proc/<pid>/cmdline: NUL-separated arguments -> one space-separated line
// (trailing NULs dropped, other control characters shown as '?').
std::string ParseCmdline(std::string_view cmdline_text);

// /etc/passwd: uid -> user name (first entry wins; malformed lines skipped).
std::map<uint32_t, std::string> ParsePasswd(std::string_view passwd_text);

struct ProcessSample {
  int pid = 0;
  std::string user;  // name, or the uid as a number, or "?" when unreadable
  char state = '?';
  uint64_t cpu_ticks = 0;         // utime + stime
  uint64_t start_time_ticks = 0;  // since boot: tells a reused pid apart
  uint64_t rss_bytes = 0;
  std::string command;  // cmdline, or "[comm]"
};

class ProcessReader {
 public:
  explicit ProcessReader(const RootFs& rootfs);  // `rootfs` must outlive this

  // One sample per readable pid, in the order of `pids`.
  std::vector<ProcessSample> Read(const std::vector<int>& pids);

 private:
  std::string UserName(std::optional<uint32_t> uid);

  const RootFs& rootfs_;
  uint64_t page_size_bytes_;
  std::optional<std::map<uint32_t, std::string>> users_;  // loaded on first use
};

// CPU % of each process of `cur` (100 = one core) from the samples of the
// same process (same pid and start time) in `prev`, `elapsed_seconds` apart;
// absent for a process not in `prev` or when elapsed_seconds <= 0.
std::vector<std::optional<double>> ProcessCpuPercents(const std::vector<ProcessSample>& prev,
                                                      const std::vector<ProcessSample>& cur,
                                                      double elapsed_seconds, uint64_t user_hz);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_PROCESS_LIST_H_
