// StoreReader: reads a history store directory back (layout:
// segment_format.h) — the frames in time order, found by time, decoded to
// the Snapshots that were recorded.
//
// Open() lists the segments, reads each header and index and scans what
// the index does not cover yet; nothing is decoded then (a day's store of
// 100 containers opens in milliseconds). Load(i) decodes frame i from its
// segment's last key frame on (at most StoreOptions::key_every frames),
// continuing from the frame it decoded last when it can, so stepping forward
// costs one frame. Every record is checked (magic, bounds, CRC, zstd, the
// frame's own consistency): a torn last record is not listed; a damaged
// record fails its Load and the deltas that need it, and the store stays
// readable around it. A segment of a newer format, or not a segment, is left
// out with a line in problems(). Open holds a descriptor per segment.
// Thread-compatible (Load updates a decode cursor).
#ifndef BERTH_HISTORY_STORE_READER_H_
#define BERTH_HISTORY_STORE_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/snapshot.h"
#include "history/frame_codec.h"

namespace berth::history {

class StoreReader {
 public:
  // Null with `error` when `dir` cannot be listed. An empty store opens.
  static std::unique_ptr<StoreReader> Open(const std::string& dir, std::string* error);
  ~StoreReader();
  StoreReader(const StoreReader&) = delete;
  StoreReader& operator=(const StoreReader&) = delete;

  size_t size() const { return frames_.size(); }
  // Unix ns of frame i (i < size()).
  int64_t wall_ns(size_t i) const { return frames_[i].wall_ns; }
  // The last frame at or before `wall_ns`; nothing when it is before the first.
  std::optional<size_t> FindAt(int64_t wall_ns) const;
  // Frame i decoded; null with `error` when it or a frame it depends on is
  // damaged.
  collector::SnapshotPtr Load(size_t i, std::string* error);

  // Segments left out or cut short, one line each.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  struct Segment {
    std::string path;
    int fd = -1;
    uint64_t size = 0;
  };
  struct FrameRef {
    uint32_t segment = 0;
    int64_t wall_ns = 0;
    uint64_t offset = 0, key_offset = 0;
  };
  StoreReader() = default;
  void AddSegment(const std::string& path);
  // Reads the record at `offset`: its header and payload, CRC checked.
  bool ReadRecord(const Segment& seg, uint64_t offset, std::string* payload, bool* key,
                  uint64_t* next, std::string* error) const;

  std::vector<Segment> segments_;
  std::vector<FrameRef> frames_;
  std::vector<std::string> problems_;
  // Decode cursor: the state after the frame at (segment, offset).
  bool cursor_valid_ = false;
  uint32_t cursor_segment_ = 0;
  uint64_t cursor_offset_ = 0, cursor_next_ = 0;
  FrameState cursor_state_;
  std::map<size_t, collector::SnapshotPtr> recent_;  // the last few loads
};

}  // namespace berth::history

#endif  // BERTH_HISTORY_STORE_READER_H_
