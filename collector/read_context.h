// ReadContext: what a cgroup/proc reader needs for one collection (the shared
// buffer and descriptor policy, the error counts of this collection, device
// names, USER_HZ, online CPUs, the ReadPlan its FreshnessSchedule applies), and
// ReadInto(), the read-parse-store step every reader uses.
//
// Ownership: borrows everything; lives for one Collect(). Thread-safety: none.
#ifndef BERTH_COLLECTOR_READ_CONTEXT_H_
#define BERTH_COLLECTOR_READ_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "collector/block_device_names.h"
#include "collector/freshness.h"
#include "collector/kept_file.h"
#include "collector/snapshot.h"

namespace berth::collector {

struct ReadContext {
  FileReader& reader;
  ErrorCounts& errors;
  BlockDeviceNames& devices;
  uint64_t user_hz = 100;
  // Online CPUs (0: unknown); bounds how many memory charges can be in
  // flight at once (see CgroupV1Reader::ReadFailcnt).
  uint32_t online_cpus = 0;
  // What may be skipped in this collection: readers ask their
  // FreshnessSchedule, which reads this (freshness.h).
  ReadPlan plan{};
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
