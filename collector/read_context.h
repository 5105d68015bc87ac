// ReadContext: what a cgroup/proc reader needs for one collection (the shared
// buffer and descriptor policy, the error counts of this collection, device
// names, USER_HZ), and ReadInto(), the read-parse-store step every reader uses.
//
// Ownership: borrows everything; lives for one Collect(). Thread-safety: none.
#ifndef BERTH_COLLECTOR_READ_CONTEXT_H_
#define BERTH_COLLECTOR_READ_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "collector/block_device_names.h"
#include "collector/file_change_watch.h"
#include "collector/kept_file.h"
#include "collector/snapshot.h"

namespace berth::collector {

struct ReadContext {
  FileReader& reader;
  ErrorCounts& errors;
  BlockDeviceNames& devices;
  uint64_t user_hz = 100;
  // The periodic re-check (SamplerOptions::limits_refresh) is due: files
  // skipped while they cannot change (v1 throttling and failcnt, memory.events,
  // oom counts) are read, and the limit files (cpu.max, memory.max, pids.max …)
  // when they are not watched; otherwise readers report the values they read
  // last.
  bool refresh_limits = true;
  // The rare re-read of what inotify watches cover (watched limit files:
  // SamplerOptions::watched_refresh) is due.
  bool refresh_watched = true;
  // Read the process list (cgroup.procs) this time. It is only needed to pick
  // the process whose /proc/<pid>/net/dev is kept, for the start-time probe,
  // and to re-check now and then that the kept process is still a member; the
  // Sampler sets it when one of those is due. Without it ContainerStats::pids
  // stays empty.
  bool read_pids = true;
  // The host has no swap (/proc/meminfo SwapTotal 0): a container's swap
  // usage is 0 without reading memory.swap.current.
  bool host_without_swap = false;
  // False when no OOM kill can have been counted in any v1 memory.oom_control
  // since the last collection (the host's /proc/vmstat oom_kill did not move
  // in this or the previous collection): v1 readers keep their last count.
  bool oom_kills_may_have_changed = true;
  // Online CPUs (0: unknown); bounds how many memory charges can be in
  // flight at once (see CgroupV1Reader::ReadFailcnt).
  uint32_t online_cpus = 0;
  // Read the *.pressure (PSI) files (SamplerOptions::pressure).
  bool read_pressure = true;
  // Polled at the start of the collection: readers skip files it reports
  // unchanged (re-read anyway with the limits). nullptr: read every time.
  FileChangeWatch* watch = nullptr;
};

enum class ReadOutcome {
  kStored,   // parsed and handed to the sink
  kMissing,  // the file does not exist here: field absent
  kInvalid,  // malformed or unreadable: field absent, error counted
  kGone,     // the cgroup directory vanished
};

// Reads `file` in `dir`, parses it with `parse` (text -> std::optional<T>)
// and hands the value to `sink`. A malformed or unreadable file counts an
// error under `source` (logged once per state change by the KeptFile).
template <typename Parse, typename Sink>
ReadOutcome ReadParsed(KeptFile& file, const std::string& dir, ReadContext& ctx,
                       const char* source, Parse&& parse, Sink&& sink) {
  std::string_view text;
  switch (file.Read(dir, ctx.reader, text)) {
    case ReadStatus::kGone:
      return ReadOutcome::kGone;
    case ReadStatus::kMissing:
      return ReadOutcome::kMissing;
    case ReadStatus::kError:
      file.NoteIoError(dir, source, ctx.errors);
      return ReadOutcome::kInvalid;
    case ReadStatus::kOk:
      break;
  }
  auto value = parse(text);
  file.NoteParsed(value.has_value(), dir, source, ctx.errors);
  if (!value) return ReadOutcome::kInvalid;
  sink(std::move(*value));
  return ReadOutcome::kStored;
}

// ReadParsed for the common case: false only when the directory is gone.
template <typename Parse, typename Sink>
bool ReadInto(KeptFile& file, const std::string& dir, ReadContext& ctx, const char* source,
              Parse&& parse, Sink&& sink) {
  return ReadParsed(file, dir, ctx, source, std::forward<Parse>(parse),
                    std::forward<Sink>(sink)) != ReadOutcome::kGone;
}

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_READ_CONTEXT_H_
