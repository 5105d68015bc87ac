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
