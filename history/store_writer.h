// StoreWriter: appends snapshots to a history store directory (the layout is
// segment_format.h, the frames frame_codec.h).
//
// Each Append() encodes one Snapshot (a key frame every `key_every` frames
// and at the start of every segment, deltas between), compresses it with
// zstd, writes the record, then its index entry. A writer never reopens a
// segment: it starts a new one when it starts, when the current one reaches
// `segment_bytes` or spans `segment_age`, and after a failed write. Retention
// then removes the oldest segments while the store holds more than
// `retention_bytes` or they are older than `retention_age` (never the one
// being written).
//
// Crash safety: a record is complete before its index entry is written; a
// crash leaves at most a torn last record (readers skip it by its CRC). A
// failed write (disk full, I/O error) truncates the segment back to its last
// whole record, so the store stays readable; the frame is lost and the next
// Append starts a new segment with a key frame. Errors are returned as one
// line for the caller to log; the writer never throws.
// Thread-compatible: one thread appends.
#ifndef BERTH_HISTORY_STORE_WRITER_H_
#define BERTH_HISTORY_STORE_WRITER_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "collector/snapshot.h"
#include "history/frame_codec.h"
#include "history/store_io.h"

namespace berth::history {

struct StoreOptions {
  std::string dir;
  uint64_t segment_bytes = 64ull << 20;
  std::chrono::seconds segment_age{std::chrono::hours(1)};
  uint64_t retention_bytes = 1ull << 30;  // 0 = no size bound
  std::chrono::seconds retention_age{std::chrono::hours(24 * 7)};  // 0 = no age bound
  // A key frame every this many frames: a seek decodes at most this many.
  uint32_t key_every = 120;
  int zstd_level = 3;
};

struct WriterStats {
  uint64_t frames = 0;           // records written whole
  uint64_t failed_frames = 0;    // lost to a failed write
  uint64_t raw_bytes = 0;        // encoded frame bytes before compression
  uint64_t bytes_written = 0;    // record bytes (headers + payload) on disk
  uint64_t segments_opened = 0;
  uint64_t segments_removed = 0;
};

class StoreWriter {
 public:
  explicit StoreWriter(StoreOptions options, StoreIo& io = PosixStoreIo());
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // "" when the frame was stored, else why not (one line).
  std::string Append(const collector::Snapshot& snap);
  const WriterStats& stats() const { return stats_; }

 private:
  std::string OpenSegment(int64_t wall_ns);
  void CloseSegment();
  void ApplyRetention(int64_t now_ns);

  StoreOptions options_;
  StoreIo& io_;
  int fd_ = -1, index_fd_ = -1;
  std::string segment_path_;
  int64_t segment_start_ns_ = 0;
  uint64_t segment_size_ = 0, index_size_ = 0;
  uint64_t key_offset_ = 0;
  uint32_t frames_since_key_ = 0;
  FrameState state_;
  WriterStats stats_;
};

}  // namespace berth::history

#endif  // BERTH_HISTORY_STORE_WRITER_H_
