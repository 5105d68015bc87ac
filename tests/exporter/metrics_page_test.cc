// The streamed /metrics page: pieces cut at any size join to exactly the text
// built in one go (families without samples still left out), size() is the
// exact length before anything is written, and a writer that refuses a piece
// stops the page.
#include "exporter/metrics_page.h"

#include <gtest/gtest.h>

#include "collector/sampler.h"

namespace berth::exporter {
namespace {

collector::SnapshotPtr Collect(const std::string& fixture) {
  collector::SamplerOptions options;
  options.rootfs = std::string(BERTH_FIXTURES_DIR) + "/" + fixture;
  collector::Sampler sampler(options);
  return sampler.Collect();
}

class StreamedPageTest : public ::testing::TestWithParam<const char*> {};

TEST_P(StreamedPageTest, PiecesOfAnySizeJoinToTheWholeText) {
  const collector::SnapshotPtr snapshot = Collect(GetParam());
  ASSERT_FALSE(snapshot->containers.empty());
  const FamilyOptions options;
  std::string whole;
  AppendContainerFamilies(*snapshot, options, whole);
  ASSERT_FALSE(whole.empty());
  for (size_t piece_bytes : {1ul, 100ul, 1000ul, 4096ul, 1ul << 20}) {
    SCOPED_TRACE(piece_bytes);
    std::string joined, buffer;
    int pieces = 0;
    AppendContainerFamilies(
        *snapshot, options, buffer,
        [&](std::string& piece) {
          ASSERT_FALSE(piece.empty());
          EXPECT_EQ(piece.back(), '\n');
          // A piece never ends with a family header: samples follow it in the piece.
          const size_t last_line = piece.rfind('\n', piece.size() - 2);
          EXPECT_NE(piece.compare(last_line == std::string::npos ? 0 : last_line + 1, 2, "# "), 0);
          joined += piece;
          ++pieces;
        },
        piece_bytes);
    joined += buffer;
    EXPECT_EQ(joined, whole);
    if (piece_bytes < whole.size() / 2) {
      EXPECT_GT(pieces, 1);
    }
  }
}

TEST_P(StreamedPageTest, SizeIsTheLengthOfWhatIsWritten) {
  const MetricsPage page(Collect(GetParam()), {{"cgroup", 2}}, FamilyOptions{});
  std::string written;
  EXPECT_TRUE(page.Write([&](std::string_view piece) {
    written.append(piece);
    return true;
  }));
  EXPECT_EQ(written.size(), page.size());
  EXPECT_EQ(written, page.Text());
  EXPECT_NE(written.find("berth_collector_errors_total{source=\"cgroup\"} 2"), std::string::npos);
  EXPECT_NE(written.find("container_cpu_usage_seconds_total{"), std::string::npos);
  EXPECT_NE(written.find("machine_memory_bytes"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, StreamedPageTest,
                         ::testing::Values("v2-docker-systemd", "v2-kubernetes", "hybrid"));

TEST(StreamedPageWriteTest, RefusedPieceStopsThePage) {
  const MetricsPage page(Collect("v2-docker-systemd"), {}, FamilyOptions{});
  int calls = 0;
  EXPECT_FALSE(page.Write([&](std::string_view) {
    ++calls;
    return false;
  }));
  EXPECT_EQ(calls, 1);
}

// The render buffers belong to the pool the pages were given (the server's),
// not to the process: a page hands its buffer back, grown, and a second pool
// starts empty.
TEST(PieceBufferPoolTest, PagesReturnTheirBufferToTheirOwnPool) {
  auto pool = std::make_shared<PieceBufferPool>();
  EXPECT_EQ(pool->Take().capacity(), std::string().capacity());
  { const MetricsPage page(Collect("v2-docker-systemd"), {}, FamilyOptions{}, pool); }
  const std::string kept = pool->Take();
  EXPECT_TRUE(kept.empty());
  EXPECT_GT(kept.capacity(), 1000u);  // the container families were rendered into it

  PieceBufferPool other;
  EXPECT_EQ(other.Take().capacity(), std::string().capacity());
}

TEST(PieceBufferPoolTest, KeepsAtMostTwoBuffers) {
  PieceBufferPool pool;
  for (int i = 0; i < 3; ++i) pool.Give(std::string(4096, 'x'));
  for (size_t i = 0; i < PieceBufferPool::kKeptBuffers; ++i) {
    EXPECT_GE(pool.Take().capacity(), 4096u);
  }
  EXPECT_EQ(pool.Take().capacity(), std::string().capacity());
}

}  // namespace
}  // namespace berth::exporter
