// Fuzz target: the history store's readers of what is on disk
// (history/segment_format.h, history/frame_codec.h). Input: a segment's
// records after its header (or any bytes): each record's header is parsed,
// its payload inflated when it is zstd and decoded as a frame (chained: a
// delta after the record before it), else decoded as raw frame bytes, so
// mutations reach the frame decoder with and without compression. The input
// is also read as a segment header and as an index.
#include "history/frame_codec.h"
#include "history/segment_format.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::history;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = berth::fuzz::AsText(data, size);
  SegmentHeader segment;
  std::string error;
  (void)ParseSegmentHeader(in, &segment, &error);
  (void)ParseIndex(in);
  FrameState state;
  while (in.size() >= kFrameHeaderSize) {
    FrameHeader h;
    if (!ParseFrameHeader(in, &h) || h.payload_size > in.size() - kFrameHeaderSize) break;
    std::string_view payload = in.substr(kFrameHeaderSize, h.payload_size);
    (void)CheckFrameRecord(in, payload, h);
    std::string raw;
    berth::collector::Snapshot snap;
    if (Decompress(payload, 1 << 20, &raw, &error)) payload = raw;
    (void)DecodeFrame(payload, h.kind == FrameKind::kKey, &state, &snap, &error);
    in.remove_prefix(kFrameHeaderSize + h.payload_size);
  }
  berth::collector::Snapshot snap;
  FrameState fresh;
  (void)DecodeFrame(berth::fuzz::AsText(data, size), true, &fresh, &snap, &error);
  return 0;
}
