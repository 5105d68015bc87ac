#include "history/store_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "history/segment_format.h"
#include "history/store_io.h"

namespace berth::history {
namespace {

constexpr size_t kRecentLoads = 8;
constexpr uint64_t kMaxIndexBytes = 256ull << 20;

bool PreadAll(int fd, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

// A bounded read of a whole small file (the index); empty when absent.
std::string ReadIndexFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return {};
  struct stat st;
  std::string bytes;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) <= kMaxIndexBytes) {
    if (!PreadAll(fd, 0, static_cast<size_t>(st.st_size), &bytes)) bytes.clear();
  }
  ::close(fd);
  return bytes;
}

}  // namespace

StoreReader::~StoreReader() {
  for (const Segment& s : segments_) ::close(s.fd);
}

std::unique_ptr<StoreReader> StoreReader::Open(const std::string& dir, std::string* error) {
  std::vector<std::string> names;
  if (const int err = PosixStoreIo().List(dir, &names); err != 0) {
    *error = "cannot read " + dir + ": " + std::strerror(err);
    return nullptr;
  }
  std::vector<std::pair<int64_t, std::string>> segments;
  for (const std::string& name : names) {
    if (auto t = ParseSegmentFileName(name)) segments.emplace_back(*t, name);
  }
  std::sort(segments.begin(), segments.end());
  std::unique_ptr<StoreReader> reader(new StoreReader);
  for (const auto& [t, name] : segments) reader->AddSegment(dir + "/" + name);
  // Segments are in time order and frames within each; a clock step back
  // would break the order, so sort (stable: recording order among equals).
  std::stable_sort(reader->frames_.begin(), reader->frames_.end(),
                   [](const FrameRef& a, const FrameRef& b) { return a.wall_ns < b.wall_ns; });
  return reader;
}

void StoreReader::AddSegment(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    problems_.push_back(path + ": " + std::strerror(errno));
    return;
  }
  struct stat st;
  std::string header;
  std::string error;
  SegmentHeader parsed;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problems_.push_back(path + ": not a regular file");
    ::close(fd);
    return;
  }
  if (!PreadAll(fd, 0, kSegmentHeaderSize, &header) ||
      !ParseSegmentHeader(header, &parsed, &error)) {
    problems_.push_back(path + ": " + (error.empty() ? "short header" : error));
    ::close(fd);
    return;
  }
  Segment seg{path, fd, static_cast<uint64_t>(st.st_size)};
  const uint32_t seg_index = static_cast<uint32_t>(segments_.size());
  segments_.push_back(seg);

  // The index covers a prefix; check its last entry, then scan the rest.
  std::vector<IndexEntry> index =
      ParseIndex(ReadIndexFile(path.substr(0, path.size() - 4) + ".idx"));
  while (!index.empty() && index.back().offset + kFrameHeaderSize > seg.size) index.pop_back();
  uint64_t offset = kSegmentHeaderSize;
  uint64_t key_offset = 0;
  bool have_key = false;
  if (!index.empty()) {
    std::string bytes;
    FrameHeader h;
    const IndexEntry& last = index.back();
    if (PreadAll(fd, last.offset, kFrameHeaderSize, &bytes) && ParseFrameHeader(bytes, &h) &&
        h.wall_ns == last.wall_ns &&
        last.offset + kFrameHeaderSize + h.payload_size <= seg.size) {
      for (const IndexEntry& e : index) frames_.push_back({seg_index, e.wall_ns, e.offset, e.key_offset});
      offset = last.offset + kFrameHeaderSize + h.payload_size;
      key_offset = last.key_offset;
      have_key = true;
    }
    // Otherwise the index does not match the segment: scan all of it.
  }
  while (offset + kFrameHeaderSize <= seg.size) {
    std::string bytes;
    FrameHeader h;
    if (!PreadAll(fd, offset, kFrameHeaderSize, &bytes) || !ParseFrameHeader(bytes, &h) ||
        offset + kFrameHeaderSize + h.payload_size > seg.size) {
      break;
    }
    if (h.kind == FrameKind::kKey) {
      key_offset = offset;
      have_key = true;
    }
    if (have_key) frames_.push_back({seg_index, h.wall_ns, offset, key_offset});
    offset += kFrameHeaderSize + h.payload_size;
  }
  if (offset != seg.size) {
    problems_.push_back(path + ": " + std::to_string(seg.size - offset) +
                        " bytes after the last whole record skipped (a torn write)");
  }
}

std::optional<size_t> StoreReader::FindAt(int64_t wall_ns) const {
  auto it = std::upper_bound(frames_.begin(), frames_.end(), wall_ns,
                             [](int64_t t, const FrameRef& f) { return t < f.wall_ns; });
  if (it == frames_.begin()) return std::nullopt;
  return static_cast<size_t>(it - frames_.begin()) - 1;
}

bool StoreReader::ReadRecord(const Segment& seg, uint64_t offset, std::string* payload, bool* key,
                             uint64_t* next, std::string* error) const {
  std::string header;
  FrameHeader h;
  if (!PreadAll(seg.fd, offset, kFrameHeaderSize, &header) || !ParseFrameHeader(header, &h) ||
      !PreadAll(seg.fd, offset + kFrameHeaderSize, h.payload_size, payload) ||
      !CheckFrameRecord(header, *payload, h)) {
    *error = seg.path + ": damaged record at offset " + std::to_string(offset);
    return false;
  }
  *key = h.kind == FrameKind::kKey;
  *next = offset + kFrameHeaderSize + h.payload_size;
  return true;
}

collector::SnapshotPtr StoreReader::Load(size_t i, std::string* error) {
  if (i >= frames_.size()) {
    *error = "no frame " + std::to_string(i);
    return nullptr;
  }
  if (auto it = recent_.find(i); it != recent_.end()) return it->second;
  const FrameRef& ref = frames_[i];
  const Segment& seg = segments_[ref.segment];
  uint64_t offset = ref.key_offset;
  // Continue from the cursor when it sits on this chain before the target.
  if (cursor_valid_ && cursor_segment_ == ref.segment && cursor_offset_ >= ref.key_offset &&
      cursor_offset_ < ref.offset) {
    offset = cursor_next_;
  } else {
    cursor_state_ = FrameState{};
  }
  cursor_valid_ = false;
  auto snap = std::make_shared<collector::Snapshot>();
  std::string payload, raw;
  while (true) {
    bool key = false;
    uint64_t next = 0;
    if (offset > ref.offset || !ReadRecord(seg, offset, &payload, &key, &next, error)) {
      if (offset > ref.offset) *error = seg.path + ": frame chain misses offset " + std::to_string(ref.offset);
      return nullptr;
    }
    std::string why;
    if (!Decompress(payload, kMaxFrameBytes, &raw, &why) ||
        !DecodeFrame(raw, key, &cursor_state_, offset == ref.offset ? snap.get() : nullptr,
                     &why)) {
      *error = seg.path + " at offset " + std::to_string(offset) + ": " + why;
      return nullptr;
    }
    if (offset == ref.offset) {
      cursor_valid_ = true;
      cursor_segment_ = ref.segment;
      cursor_offset_ = offset;
      cursor_next_ = next;
      break;
    }
    offset = next;
  }
  if (recent_.size() >= kRecentLoads) recent_.erase(recent_.begin());
  recent_[i] = snap;
  return snap;
}

}  // namespace berth::history
