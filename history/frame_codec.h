// Frame codec: one Snapshot <-> one frame's bytes (before compression), the
// history store's record of one collection. Pure functions on bytes; no I/O.
//
// A frame is a key frame (complete in itself) or a delta frame (relative to
// the frame before it in the same segment). Per container a frame holds its
// "shape" — identity (id, name, image, labels, cgroup path, k8s names …),
// network mode, its block devices and interfaces — as tagged fields, and its
// "numbers": every counter and gauge of the Snapshot as optional uint64 in the
// order of one slot table (doubles by their bits, so every figure comes back
// bit for bit). A delta frame repeats a shape only when it changed (a rename,
// a new device) and writes each number as the zigzag difference from the same
// container's previous value, so an idle container costs a few zero bytes
// that the compressor then folds away.
//
// Compatibility: shape fields are tag + length, so a reader skips tags it
// does not know; each container states how many number slots it wrote, so a
// newer berth with a longer slot table reads older frames (missing slots are
// absent) and an older one ignores slots it lacks. Slots are only appended.
//
// Decoding checks everything: counts are bounded by the bytes left, a delta
// frame needs the state of the frame before it, and any inconsistency is an
// error (the frame is skipped), never a crash or a made-up figure.
// Thread-compatible (an encoder or decoder holds the previous frame's state).
#ifndef BERTH_HISTORY_FRAME_CODEC_H_
#define BERTH_HISTORY_FRAME_CODEC_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/snapshot.h"

namespace berth::history {

// What a delta frame is relative to: per container of the previous frame its
// shape bytes and numbers, and the previous frame's header and host.
struct FrameState {
  struct Entry {
    std::string id;
    std::string shape;
    std::vector<std::optional<uint64_t>> numbers;
  };
  bool valid = false;
  int64_t wall_ns = 0, monotonic_ns = 0;
  std::string host_shape;
  std::vector<std::optional<uint64_t>> host_numbers;
  std::string stopped;
  std::vector<Entry> containers;
};

// Encodes `snap` as a key frame (`key`) or as a delta against `state` (which
// must be valid then); updates `state` to this frame either way.
std::string EncodeFrame(const collector::Snapshot& snap, bool key, FrameState* state);

// Decodes one frame into `out`. A delta frame needs `state` from the frame
// before it (valid); a key frame ignores it. On success updates `state` and
// returns true; on failure returns false, sets `error` and leaves `state`
// invalid (the next delta cannot be decoded either). `out` null: only the
// state advances (the frames a seek passes on its way from a key frame are
// checked but not built into Snapshots).
bool DecodeFrame(std::string_view raw, bool key, FrameState* state, collector::Snapshot* out,
                 std::string* error);

}  // namespace berth::history

#endif  // BERTH_HISTORY_FRAME_CODEC_H_
