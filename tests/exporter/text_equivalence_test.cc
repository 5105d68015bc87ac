// The direct text writer must produce exactly what prometheus-cpp's
// TextSerializer produces for the same families.
#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "collector/utf8_text.h"
#include "exporter/container_families.h"
#include "exporter/prom_text.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

std::string Serialize(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

std::string ReferenceValue(double value) {
  prometheus::MetricFamily family;
  family.name = "x";
  family.type = prometheus::MetricType::Gauge;
  family.metric.emplace_back().gauge.value = value;
  const std::string text = Serialize({family});
  // "# TYPE x gauge\nx <value>\n"
  const size_t start = text.find("\nx ") + 3;
  return text.substr(start, text.size() - start - 1);
}

std::string DirectValue(double value) {
  std::string out;
  AppendSampleValue(out, value);
  return out;
}

std::string DirectValue(uint64_t value) {
  std::string out;
  AppendSampleValue(out, value);
  return out;
}

TEST(SampleValueTest, EdgeValuesMatchTextSerializer) {
  const double two53 = 9007199254740992.0;
  const std::vector<double> values = {
      0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 1e-7, 1e-300, 123.456, 1e15, 1e16, 1e20, two53,
      two53 - 1, two53 + 2, 1.234567890123457e17, 1767225600.0, 0.000123, 3.14159265358979,
      std::numeric_limits<double>::max(), std::numeric_limits<double>::min(),
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity()};
  for (double v : values) {
    EXPECT_EQ(DirectValue(v), ReferenceValue(v)) << "value " << v;
  }
}

TEST(SampleValueTest, IntegersMatchTextSerializerIncludingAbove2To53) {
  const std::vector<uint64_t> values = {0,
                                        1,
                                        4096,
                                        8589934592ull,
                                        (uint64_t{1} << 53) - 1,
                                        uint64_t{1} << 53,
                                        (uint64_t{1} << 53) + 1,
                                        9999999999999999ull,
                                        10000000000000000ull,
                                        123456789012345678ull,
                                        std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : values) {
    EXPECT_EQ(DirectValue(v), ReferenceValue(static_cast<double>(v))) << "value " << v;
  }
}

TEST(SampleValueTest, RandomDoublesMatchTextSerializer) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(-12, 22);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  for (int i = 0; i < 20000; ++i) {
    const double v = mantissa(rng) * std::pow(10.0, exponent(rng));
    ASSERT_EQ(DirectValue(v), ReferenceValue(v)) << "value " << v;
    const double ns_as_seconds = static_cast<double>(rng() >> 8) / 1e9;
    ASSERT_EQ(DirectValue(ns_as_seconds), ReferenceValue(ns_as_seconds));
    const uint64_t u = rng() >> (rng() % 64);
    ASSERT_EQ(DirectValue(u), ReferenceValue(static_cast<double>(u))) << "value " << u;
  }
}

TEST(LabelEscapeTest, MatchesTextSerializer) {
  prometheus::MetricFamily family;
  family.name = "x";
  family.type = prometheus::MetricType::Gauge;
  auto& metric = family.metric.emplace_back();
  const std::string nasty = "a\"b\\c\nd\te{}=,é";
  metric.label.push_back({"l", nasty});
  metric.gauge.value = 1;
  std::string direct = "# TYPE x gauge\nx{";
  AppendLabel(direct, "l", nasty);
  direct += "} 1\n";
  EXPECT_EQ(direct, Serialize({family}));
}

FamilyOptions AllowCompose() {
  FamilyOptions options;
  options.label_allowlist = {"com.docker.compose.project", "com.docker.compose.service"};
  return options;
}

TEST(ContainerFamiliesTextTest, ByteIdenticalToTextSerializer) {
  auto snapshot = testing::MakeSnapshot(50);
  // Awkward identities: quotes, backslashes, newlines, Kubernetes labels,
  // missing figures, unlimited limits, unnamed devices, host networking.
  auto& odd = snapshot->containers[3];
  // Ill-formed UTF-8 too: both paths write U+FFFD for it.
  odd.identity.name = "we\"ird\\name\nx\xFF";
  odd.identity.image = "";
  odd.identity.k8s_namespace = "kube-system";
  odd.identity.k8s_container = "coredns";
  odd.identity.labels["com.docker.compose.service"] = "a\"b\xE2\x82";
  odd.identity.k8s_pod = "coredns-1\xED\xA0\x80";
  snapshot->containers[5].net_interfaces.at(0).name = "eth\xC0\xAF";
  odd.memory.limit_bytes = collector::kUnlimited;
  odd.cpu_limits.quota_us = collector::kUnlimited;
  odd.block_devices[0].name.clear();
  odd.network_mode = collector::NetworkMode::kHost;
  auto& sparse = snapshot->containers[7];
  sparse.cpu = {};
  sparse.memory = {};
  sparse.cpu_pressure = {};
  sparse.block_devices.clear();
  sparse.identity.start_time_seconds.reset();
  sparse.identity.labels.clear();
  // Restart counts and health statuses (set on some containers only).
  for (size_t i = 0; i < snapshot->containers.size(); i += 2) {
    auto& identity = snapshot->containers[i].identity;
    identity.restart_count = static_cast<int64_t>(i % 5);
    static const char* const kHealth[] = {"", "starting", "healthy", "unhealthy"};
    identity.health_status = kHealth[(i / 2) % 4];
  }

  for (const FamilyOptions& options : {FamilyOptions{}, AllowCompose()}) {
    std::string direct;
    AppendContainerFamilies(*snapshot, options, direct);
    const std::string reference = Serialize(ContainerMetricFamilies(*snapshot, options));
    ASSERT_FALSE(direct.empty());
    EXPECT_EQ(direct, reference);
    EXPECT_TRUE(collector::IsValidUtf8(direct));
    EXPECT_NE(direct.find("interface=\"eth\xEF\xBF\xBD\xEF\xBF\xBD\""), std::string::npos);
  }
}

TEST(ContainerFamiliesTextTest, ByteIdenticalWithGroupsDisabled) {
  auto snapshot = testing::MakeSnapshot(5);
  FamilyOptions options = AllowCompose();
  options.disabled.set(static_cast<size_t>(Group::kPressure));
  options.disabled.set(static_cast<size_t>(Group::kBlkio));
  std::string direct;
  AppendContainerFamilies(*snapshot, options, direct);
  EXPECT_EQ(direct, Serialize(ContainerMetricFamilies(*snapshot, options)));
  EXPECT_EQ(direct.find("container_pressure_"), std::string::npos);
  EXPECT_EQ(direct.find("container_blkio_"), std::string::npos);
  EXPECT_NE(direct.find("container_fs_reads_bytes_total"), std::string::npos);
}

}  // namespace
}  // namespace berth::exporter
