#include <gtest/gtest.h>

#include "exporter/gzip.h"

namespace berth::exporter {
namespace {

TEST(GzipTest, RoundTripsAndShrinksMetricsText) {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += "container_cpu_usage_seconds_total{id=\"/docker/" + std::to_string(i) +
            "\",cpu=\"total\"} " + std::to_string(i * 1.5) + "\n";
  }
  auto compressed = GzipCompress(text);
  ASSERT_TRUE(compressed);
  EXPECT_LT(compressed->size(), text.size() / 4);
  EXPECT_EQ(static_cast<unsigned char>((*compressed)[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*compressed)[1]), 0x8b);
  EXPECT_EQ(GzipDecompress(*compressed), text);
  EXPECT_EQ(GzipDecompress(*GzipCompress("")), "");
}

TEST(GzipTest, PiecesWrittenToAWriterDecompressToTheirConcatenation) {
  std::string whole, compressed;
  GzipWriter writer(compressed);
  for (int i = 0; i < 500; ++i) {
    const std::string piece = "berth_piece{n=\"" + std::to_string(i) + "\"} " +
                              std::string(static_cast<size_t>(i % 97), 'x') + "\n";
    whole += piece;
    ASSERT_TRUE(writer.Write(piece));
  }
  ASSERT_TRUE(writer.Write(""));
  ASSERT_TRUE(writer.Finish());
  EXPECT_EQ(GzipDecompress(compressed), whole);
  EXPECT_EQ(compressed, *GzipCompress(whole));  // same stream as the one-piece form
}

TEST(GzipTest, IncompressibleInputLargerThanOneOutputChunkRoundTrips) {
  std::string noise(300 * 1024, '\0');
  uint32_t x = 2463534242u;  // xorshift: fixed, incompressible bytes
  for (char& c : noise) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  auto compressed = GzipCompress(noise);
  ASSERT_TRUE(compressed);
  EXPECT_GT(compressed->size(), 256u * 1024);  // several 64 KiB output chunks
  EXPECT_EQ(GzipDecompress(*compressed), noise);
}

TEST(AcceptsGzipTest, HeaderValues) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=1.0, *;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("br, gzip ; q=0.2"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));
}

}  // namespace
}  // namespace berth::exporter
