#include "history/segment_format.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <cstring>

#include "history/byte_io.h"

namespace berth::history {
namespace {

constexpr std::string_view kSegmentMagic = "BERTHREC";
constexpr uint32_t kFrameMagic = 0x4d524642;  // "BFRM"

uint32_t Crc(std::string_view a, std::string_view b) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(a.data()), static_cast<uInt>(a.size()));
  // Payloads are bounded by kMaxPayloadBytes, well within uInt.
  crc = crc32(crc, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size()));
  return static_cast<uint32_t>(crc);
}

}  // namespace

std::string EncodeSegmentHeader(int64_t created_ns) {
  std::string s(kSegmentMagic);
  ByteWriter w(&s);
  w.Fixed32(kFormatVersion);
  w.Fixed32(kSegmentHeaderSize);
  w.Fixed64(static_cast<uint64_t>(created_ns));
  return s;
}

bool ParseSegmentHeader(std::string_view bytes, SegmentHeader* out, std::string* error) {
  if (bytes.size() < kSegmentHeaderSize || bytes.substr(0, 8) != kSegmentMagic) {
    *error = "not a berth history segment";
    return false;
  }
  ByteReader r(bytes.substr(8));
  out->version = r.Fixed32();
  const uint32_t size = r.Fixed32();
  out->created_ns = static_cast<int64_t>(r.Fixed64());
  if (out->version == 0 || out->version > kFormatVersion) {
    *error = "written by a newer berth (format version " + std::to_string(out->version) +
             "; this berth reads up to " + std::to_string(kFormatVersion) + ")";
    return false;
  }
  if (size != kSegmentHeaderSize) {
    *error = "bad segment header size " + std::to_string(size);
    return false;
  }
  return true;
}

std::string EncodeFrameRecord(FrameKind kind, int64_t wall_ns, std::string_view payload) {
  std::string s;
  s.reserve(kFrameHeaderSize + payload.size());
  ByteWriter w(&s);
  w.Fixed32(kFrameMagic);
  w.Fixed32(static_cast<uint32_t>(payload.size()));
  w.Fixed32(0);  // CRC, filled below
  w.Byte(static_cast<uint8_t>(kind));
  w.Byte(0);
  w.Byte(0);
  w.Byte(0);
  w.Fixed64(static_cast<uint64_t>(wall_ns));
  const uint32_t crc = Crc(std::string_view(s).substr(12), payload);
  for (int i = 0; i < 4; ++i) s[8 + i] = static_cast<char>(crc >> (8 * i));
  s.append(payload);
  return s;
}

bool ParseFrameHeader(std::string_view bytes, FrameHeader* out) {
  if (bytes.size() < kFrameHeaderSize) return false;
  ByteReader r(bytes.substr(0, kFrameHeaderSize));
  if (r.Fixed32() != kFrameMagic) return false;
  out->payload_size = r.Fixed32();
  out->crc = r.Fixed32();
  const uint8_t kind = r.Byte();
  const uint8_t pad[3] = {r.Byte(), r.Byte(), r.Byte()};
  out->wall_ns = static_cast<int64_t>(r.Fixed64());
  if (kind != static_cast<uint8_t>(FrameKind::kKey) &&
      kind != static_cast<uint8_t>(FrameKind::kDelta)) {
    return false;
  }
  out->kind = static_cast<FrameKind>(kind);
  return r.ok() && pad[0] == 0 && pad[1] == 0 && pad[2] == 0 &&
         out->payload_size <= kMaxPayloadBytes;
}

bool CheckFrameRecord(std::string_view header_bytes, std::string_view payload,
                      const FrameHeader& header) {
  return header_bytes.size() >= kFrameHeaderSize && payload.size() == header.payload_size &&
         Crc(header_bytes.substr(12, kFrameHeaderSize - 12), payload) == header.crc;
}

std::string EncodeIndexEntry(const IndexEntry& e) {
  std::string s;
  ByteWriter w(&s);
  w.Fixed64(static_cast<uint64_t>(e.wall_ns));
  w.Fixed64(e.offset);
  w.Fixed64(e.key_offset);
  return s;
}

std::vector<IndexEntry> ParseIndex(std::string_view bytes) {
  std::vector<IndexEntry> out;
  out.reserve(bytes.size() / kIndexEntrySize);
  ByteReader r(bytes);
  uint64_t last = 0;
  for (size_t i = 0; i + kIndexEntrySize <= bytes.size(); i += kIndexEntrySize) {
    IndexEntry e;
    e.wall_ns = static_cast<int64_t>(r.Fixed64());
    e.offset = r.Fixed64();
    e.key_offset = r.Fixed64();
    if (e.offset < kSegmentHeaderSize || e.key_offset > e.offset ||
        e.key_offset < kSegmentHeaderSize || (!out.empty() && e.offset <= last)) {
      break;
    }
    last = e.offset;
    out.push_back(e);
  }
  return out;
}

std::string SegmentFileName(int64_t wall_ns) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "seg-%020lld.brs", static_cast<long long>(wall_ns));
  return buf;
}

std::optional<int64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != 28 || name.substr(0, 4) != "seg-" || name.substr(24) != ".brs") {
    return std::nullopt;
  }
  int64_t v = 0;
  for (char c : name.substr(4, 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string Compress(std::string_view raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) return {};  // only on a bug: the bound is always enough
  out.resize(n);
  return out;
}

bool Decompress(std::string_view payload, uint64_t max_bytes, std::string* out,
                std::string* error) {
  const unsigned long long size = ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    *error = "not a zstd frame with its size";
    return false;
  }
  if (size > max_bytes) {
    *error = "frame inflates to " + std::to_string(size) + " bytes, over the bound";
    return false;
  }
  if (ZSTD_findFrameCompressedSize(payload.data(), payload.size()) != payload.size()) {
    *error = "payload is not exactly one zstd frame";
    return false;
  }
  out->resize(size);
  const size_t n = ZSTD_decompress(out->data(), out->size(), payload.data(), payload.size());
  if (ZSTD_isError(n) || n != size) {
    *error = std::string("zstd: ") + (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
    return false;
  }
  return true;
}

}  // namespace berth::history
