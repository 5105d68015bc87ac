// ByteWriter / ByteReader: the history store's primitive encoding. Unsigned
// LEB128 varints, zigzag for signed deltas, length-prefixed strings, fixed
// little-endian integers for headers. The reader is bounded: every read
// checks what is left and a failure sticks (ok() false, later reads return
// zeros), so a decoder can read a whole record and test ok() once; nothing
// it is fed can make it read past the end or allocate more than it holds.
// Pure, no I/O; thread-compatible.
#ifndef BERTH_HISTORY_BYTE_IO_H_
#define BERTH_HISTORY_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::history {

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Signed(int64_t v) { Varint(ZigZag(v)); }
  void Byte(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Bytes(std::string_view s) {
    Varint(s.size());
    out_->append(s);
  }
  void Fixed32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_->push_back(static_cast<char>(v >> (8 * i)));
  }
  void Fixed64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_->push_back(static_cast<char>(v >> (8 * i)));
  }

 private:
  std::string* out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool empty() const { return pos_ >= in_.size(); }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!ok_ || pos_ >= in_.size()) return Fail();
      const uint8_t b = static_cast<uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) return Fail();  // more than 64 bits
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  int64_t Signed() { return UnZigZag(Varint()); }
  uint8_t Byte() {
    if (!ok_ || pos_ >= in_.size()) return static_cast<uint8_t>(Fail());
    return static_cast<uint8_t>(in_[pos_++]);
  }
  // A length-prefixed string no longer than `max` (and than what is left).
  std::string_view Bytes(size_t max = 1 << 20) {
    const uint64_t n = Varint();
    if (!ok_ || n > max || n > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint32_t Fixed32() {
    if (!ok_ || in_.size() - pos_ < 4) return static_cast<uint32_t>(Fail());
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_++])) << (8 * i);
    return v;
  }
  uint64_t Fixed64() {
    if (!ok_ || in_.size() - pos_ < 8) return Fail();
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_++])) << (8 * i);
    return v;
  }
  uint64_t Fail() {
    ok_ = false;
    return 0;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace berth::history

#endif  // BERTH_HISTORY_BYTE_IO_H_
