#include "history/frame_codec.h"

#include <gtest/gtest.h>

#include "tests/history/sample_snapshots.h"

namespace berth::history {
namespace {

using testing::SampleSnapshot;

TEST(FrameCodecTest, KeyAndDeltaFramesGiveBackEverySnapshotExactly) {
  FrameState enc, dec;
  for (int step = 0; step < 10; ++step) {
    const collector::Snapshot snap = SampleSnapshot(step);
    const bool key = step % 4 == 0;
    const std::string raw = EncodeFrame(snap, key, &enc);
    collector::Snapshot back;
    std::string error;
    ASSERT_TRUE(DecodeFrame(raw, key, &dec, &back, &error)) << step << ": " << error;
    EXPECT_EQ(back, snap) << "step " << step;
  }
}

TEST(FrameCodecTest, AnUnchangedContainerCostsFewBytesInADelta) {
  FrameState state;
  collector::Snapshot snap = SampleSnapshot(3, 4);
  const size_t key = EncodeFrame(snap, true, &state).size();
  const size_t delta = EncodeFrame(snap, false, &state).size();
  // Per container: reference, shape flag, slot count, bitmap, one zero per slot.
  EXPECT_LT(delta, key / 3) << key << " " << delta;
  EXPECT_LT(delta / snap.containers.size(), 140u);
}

TEST(FrameCodecTest, ADeltaWithoutTheFrameBeforeItIsAnError) {
  FrameState enc, dec;
  EncodeFrame(SampleSnapshot(0), true, &enc);
  const std::string delta = EncodeFrame(SampleSnapshot(1), false, &enc);
  collector::Snapshot out;
  std::string error;
  EXPECT_FALSE(DecodeFrame(delta, false, &dec, &out, &error));
  EXPECT_NE(error.find("without the frame before"), std::string::npos) << error;
}

TEST(FrameCodecTest, EveryCutOrFlippedByteIsRejectedOrDecodesConsistently) {
  FrameState enc;
  const std::string key = EncodeFrame(SampleSnapshot(5), true, &enc);
  for (size_t n = 0; n < key.size(); ++n) {
    FrameState dec;
    collector::Snapshot out;
    std::string error;
    EXPECT_FALSE(DecodeFrame(key.substr(0, n), true, &dec, &out, &error)) << n;
    EXPECT_FALSE(dec.valid);
  }
  for (size_t n = 0; n < key.size(); n += 7) {
    std::string bad = key;
    bad[n] = static_cast<char>(bad[n] ^ 0x5a);
    FrameState dec;
    collector::Snapshot out;
    std::string error;
    DecodeFrame(bad, true, &dec, &out, &error);  // must not crash or hang
  }
}

}  // namespace
}  // namespace berth::history
