// The history store's on-disk layout, as pure functions on bytes.
//
// A store is a directory of segments, `seg-<first frame's unix ns, 20 digits>.brs`,
// each with an index beside it (`.idx`). A segment is a 24-byte header
//   "BERTHREC" | u32 format version | u32 header size | i64 created (unix ns)
// followed by frame records, each
//   u32 "BFRM" | u32 payload size | u32 CRC-32 | u8 kind (1 key, 2 delta) |
//   3 zero bytes | i64 wall time (unix ns) | payload (one zstd frame)
// (little endian). The CRC covers the header bytes after it and the payload,
// so a torn or overwritten record is recognised and skipped, never decoded.
// An index entry is i64 wall ns | u64 offset of the record | u64 offset of
// its key frame; entries are written after their record, so the index may
// lag the segment (a reader scans the rest) but never lead it.
//
// Format versions: 1 is this layout. A reader refuses a segment of a newer
// version with a message naming both versions; frames carry their own
// compatibility (frame_codec.h). Pure, thread-safe.
#ifndef BERTH_HISTORY_SEGMENT_FORMAT_H_
#define BERTH_HISTORY_SEGMENT_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::history {

inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 24;
inline constexpr size_t kFrameHeaderSize = 24;
inline constexpr size_t kIndexEntrySize = 24;
// Bounds a reader enforces before allocating: a compressed payload and what
// it may inflate to.
inline constexpr uint32_t kMaxPayloadBytes = 64u << 20;
inline constexpr uint64_t kMaxFrameBytes = 256u << 20;

enum class FrameKind : uint8_t { kKey = 1, kDelta = 2 };

struct SegmentHeader {
  uint32_t version = 0;
  int64_t created_ns = 0;
};

struct FrameHeader {
  uint32_t payload_size = 0;
  uint32_t crc = 0;
  FrameKind kind = FrameKind::kKey;
  int64_t wall_ns = 0;
};

struct IndexEntry {
  int64_t wall_ns = 0;
  uint64_t offset = 0;
  uint64_t key_offset = 0;
};

std::string EncodeSegmentHeader(int64_t created_ns);
// False with `error` for a short or foreign header or a newer version.
bool ParseSegmentHeader(std::string_view bytes, SegmentHeader* out, std::string* error);

// The whole record: header + payload (CRC computed here).
std::string EncodeFrameRecord(FrameKind kind, int64_t wall_ns, std::string_view payload);
// Parses the 24 header bytes (magic, kind, size bound); the CRC is checked by
// CheckFrameRecord once the payload is read.
bool ParseFrameHeader(std::string_view bytes, FrameHeader* out);
bool CheckFrameRecord(std::string_view header_bytes, std::string_view payload,
                      const FrameHeader& header);

std::string EncodeIndexEntry(const IndexEntry& entry);
// Whole entries only (a torn tail is dropped), and only while they make
// sense: offsets past the segment header, increasing, key offset ≤ offset.
std::vector<IndexEntry> ParseIndex(std::string_view bytes);

// "seg-00000001733000000000000.brs" for a first frame at `wall_ns`; the
// parse gives that time back, or nothing for another name.
std::string SegmentFileName(int64_t wall_ns);
std::optional<int64_t> ParseSegmentFileName(std::string_view name);

// zstd at `level`; the frame records its content size.
std::string Compress(std::string_view raw, int level);
// False with `error` when it is not one whole zstd frame or would inflate
// beyond `max_bytes`.
bool Decompress(std::string_view payload, uint64_t max_bytes, std::string* out,
                std::string* error);

}  // namespace berth::history

#endif  // BERTH_HISTORY_SEGMENT_FORMAT_H_
