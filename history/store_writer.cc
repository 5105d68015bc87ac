#include "history/store_writer.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "history/segment_format.h"

namespace berth::history {
namespace {

int64_t WallNs(const collector::Snapshot& snap) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(snap.wall_time.time_since_epoch())
      .count();
}

std::string Why(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

}  // namespace

StoreWriter::StoreWriter(StoreOptions options, StoreIo& io)
    : options_(std::move(options)), io_(io) {
  if (options_.key_every == 0) options_.key_every = 1;
}

StoreWriter::~StoreWriter() { CloseSegment(); }

void StoreWriter::CloseSegment() {
  if (fd_ >= 0) io_.Close(fd_);
  if (index_fd_ >= 0) io_.Close(index_fd_);
  fd_ = index_fd_ = -1;
  state_ = FrameState{};
}

std::string StoreWriter::OpenSegment(int64_t wall_ns) {
  CloseSegment();
  // A name is the first frame's time; a clash (two writers, a clock step)
  // takes the next free nanosecond.
  for (int attempt = 0; attempt < 16; ++attempt) {
    const std::string path = options_.dir + "/" + SegmentFileName(wall_ns + attempt);
    const int fd = io_.Create(path);
    if (fd == -EEXIST) continue;
    if (fd < 0) return Why("cannot create", path, -fd);
    const std::string header = EncodeSegmentHeader(wall_ns);
    if (const int err = io_.Append(fd, header); err != 0) {
      io_.Close(fd);
      io_.Remove(path);
      return Why("cannot write", path, err);
    }
    fd_ = fd;
    segment_path_ = path;
    segment_start_ns_ = wall_ns;
    segment_size_ = header.size();
    // Without an index the segment is still readable (a reader scans it).
    const int ifd = io_.Create(path.substr(0, path.size() - 4) + ".idx");
    index_fd_ = ifd >= 0 ? ifd : -1;
    index_size_ = 0;
    frames_since_key_ = 0;
    ++stats_.segments_opened;
    ApplyRetention(wall_ns);
    return "";
  }
  return "cannot create a segment in " + options_.dir + ": every name taken";
}

void StoreWriter::ApplyRetention(int64_t now_ns) {
  std::vector<std::string> names;
  if (io_.List(options_.dir, &names) != 0) return;
  std::vector<std::pair<int64_t, std::string>> segments;
  for (const std::string& name : names) {
    if (auto t = ParseSegmentFileName(name)) segments.emplace_back(*t, name);
  }
  std::sort(segments.begin(), segments.end());
  uint64_t total = 0;
  std::vector<uint64_t> sizes;
  for (const auto& [t, name] : segments) {
    const std::string base = options_.dir + "/" + name;
    int64_t size = std::max<int64_t>(0, io_.Size(base));
    size += std::max<int64_t>(0, io_.Size(base.substr(0, base.size() - 4) + ".idx"));
    sizes.push_back(static_cast<uint64_t>(size));
    total += static_cast<uint64_t>(size);
  }
  const int64_t age_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.retention_age).count();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string path = options_.dir + "/" + segments[i].second;
    if (path == segment_path_) break;  // the newest: being written
    // A segment is as old as the next one's first frame (its last is before).
    const int64_t ends_ns = i + 1 < segments.size() ? segments[i + 1].first : now_ns;
    const bool too_big = options_.retention_bytes > 0 && total > options_.retention_bytes;
    const bool too_old = age_ns > 0 && now_ns - ends_ns > age_ns;
    if (!too_big && !too_old) break;
    io_.Remove(path);
    io_.Remove(path.substr(0, path.size() - 4) + ".idx");
    total -= sizes[i];
    ++stats_.segments_removed;
  }
}

std::string StoreWriter::Append(const collector::Snapshot& snap) {
  const int64_t wall_ns = WallNs(snap);
  const int64_t age_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.segment_age).count();
  if (fd_ < 0 || segment_size_ >= options_.segment_bytes ||
      (age_ns > 0 && wall_ns - segment_start_ns_ >= age_ns)) {
    if (std::string error = OpenSegment(wall_ns); !error.empty()) {
      ++stats_.failed_frames;
      return error;
    }
  }
  const bool key = frames_since_key_ == 0 || frames_since_key_ >= options_.key_every ||
                   !state_.valid;
  const std::string raw = EncodeFrame(snap, key, &state_);
  const std::string record = EncodeFrameRecord(key ? FrameKind::kKey : FrameKind::kDelta,
                                               wall_ns, Compress(raw, options_.zstd_level));
  const uint64_t offset = segment_size_;
  if (const int err = io_.Append(fd_, record); err != 0) {
    // Leave the segment ending on its last whole record; the next frame
    // starts a new segment (this one's delta chain lost a link).
    io_.Truncate(fd_, offset);
    CloseSegment();
    ++stats_.failed_frames;
    return Why("cannot write", segment_path_, err);
  }
  if (key) {
    key_offset_ = offset;
    frames_since_key_ = 0;
  }
  ++frames_since_key_;
  segment_size_ += record.size();
  ++stats_.frames;
  stats_.raw_bytes += raw.size();
  stats_.bytes_written += record.size();
  if (index_fd_ >= 0) {
    const std::string entry = EncodeIndexEntry({wall_ns, offset, key_offset_});
    if (io_.Append(index_fd_, entry) != 0) {
      // The index must be a prefix of the segment: cut the partial entry and
      // index no more of this segment (readers scan a segment past its index).
      io_.Truncate(index_fd_, index_size_);
      io_.Close(index_fd_);
      index_fd_ = -1;
    } else {
      index_size_ += entry.size();
    }
  }
  return "";
}

}  // namespace berth::history
