// The per-container series cap (container_families.h): a container listing
// thousands of devices or interfaces gets kMaxSeriesPerContainerFamily series
// per family, the first in snapshot order; what was left out is reported on
// the page (berth_series_dropped{family}) and logged once per container and
// family.
#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include "collector/sampler.h"
#include "exporter/container_families.h"
#include "exporter/dropped_series_log.h"
#include "exporter/metrics_page.h"
#include "tests/collector/temp_tree.h"
#include "tests/exporter/snapshot_builder.h"
#include "tests/log_capture.h"

namespace berth::exporter {
namespace {

constexpr uint64_t kCap = kMaxSeriesPerContainerFamily;

// Samples of `family` on `page` whose labels contain `needle`.
uint64_t CountSamples(const std::string& page, const std::string& family,
                      const std::string& needle = "") {
  std::istringstream in(page);
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    if (line.rfind(family + "{", 0) == 0 && line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

// berth_series_dropped{family="…"} values on `page`.
std::map<std::string, std::string> DroppedOnPage(const std::string& page) {
  std::map<std::string, std::string> out;
  std::istringstream in(page);
  std::string line;
  const std::string prefix = "berth_series_dropped{family=\"";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    const size_t end = line.find('"', prefix.size());
    out[line.substr(prefix.size(), end - prefix.size())] = line.substr(line.find("} ") + 2);
  }
  return out;
}

// Container 0 of a two-container snapshot with `devices` block devices and
// `interfaces` network interfaces (plus lo); container 1 is ordinary.
std::shared_ptr<collector::Snapshot> Crowded(uint32_t devices, uint32_t interfaces) {
  auto snapshot = testing::MakeSnapshot(2);
  collector::ContainerStats& c = snapshot->containers[0];
  c.block_devices.clear();
  for (uint32_t i = 0; i < devices; ++i) {
    collector::BlockDeviceStats& d = c.block_devices.emplace_back();
    d.major = 259;
    d.minor = i;
    d.read_bytes = d.write_bytes = d.read_ios = d.write_ios = i + 1;
  }
  c.net_interfaces.clear();
  for (uint32_t i = 0; i < interfaces; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "veth%05u", i);
    collector::NetInterfaceStats& n = c.net_interfaces.emplace_back();
    n.name = name;
    n.rx_bytes = n.tx_bytes = i + 1;
  }
  c.net_interfaces.emplace_back().name = "lo";
  return snapshot;
}

TEST(SeriesCapTest, KeepsTheFirstSeriesOfEachFamilyAndReportsTheRest) {
  const auto snapshot = Crowded(1500, 3000);
  const std::string crowded_id = "id=\"" + snapshot->containers[0].identity.cgroup_path + "\"";
  const std::string other_id = "id=\"" + snapshot->containers[1].identity.cgroup_path + "\"";
  std::string page;
  std::vector<DroppedSeries> dropped;
  AppendContainerFamilies(*snapshot, {}, ContainerLabelTexts(*snapshot, {}), page, {}, 256 * 1024,
                          &dropped);

  EXPECT_EQ(CountSamples(page, "container_fs_reads_bytes_total", crowded_id), kCap);
  EXPECT_EQ(CountSamples(page, "container_blkio_device_usage_total", crowded_id), kCap);
  EXPECT_EQ(CountSamples(page, "container_network_receive_bytes_total", crowded_id), kCap);
  // Kept: the first in snapshot order (devices by major:minor, interfaces by name).
  EXPECT_NE(page.find(",device=\"/dev/block/259:1023\"} 1024\n"), std::string::npos);
  EXPECT_EQ(page.find("device=\"/dev/block/259:1024\""), std::string::npos);
  EXPECT_NE(page.find(",interface=\"veth01023\"} 1024\n"), std::string::npos);
  EXPECT_EQ(page.find("interface=\"veth01024\""), std::string::npos);
  // The ordinary container is untouched.
  EXPECT_EQ(CountSamples(page, "container_fs_reads_bytes_total", other_id), 1u);
  EXPECT_EQ(CountSamples(page, "container_network_receive_bytes_total", other_id), 1u);

  std::map<std::string, uint64_t> by_family;
  for (const DroppedSeries& d : dropped) {
    EXPECT_EQ(d.container, 0u) << d.family;
    EXPECT_EQ(d.emitted - d.dropped, kCap) << d.family;
    by_family[std::string(d.family)] += d.dropped;
  }
  std::map<std::string, uint64_t> want = {
      {"container_fs_reads_bytes_total", 1500 - kCap},
      {"container_fs_writes_bytes_total", 1500 - kCap},
      {"container_fs_reads_total", 1500 - kCap},
      {"container_fs_writes_total", 1500 - kCap},
      {"container_blkio_device_usage_total", 3000 - kCap},  // Read and Write per device
  };
  for (const char* net :
       {"receive_bytes", "receive_packets", "receive_errors", "receive_packets_dropped",
        "transmit_bytes", "transmit_packets", "transmit_errors", "transmit_packets_dropped"}) {
    want[std::string("container_network_") + net + "_total"] = 3000 - kCap;  // lo is not a series
  }
  EXPECT_EQ(by_family, want);

  // The reference model applies the same cap: byte-identical text.
  std::ostringstream reference;
  prometheus::TextSerializer().Serialize(reference, ContainerMetricFamilies(*snapshot, {}));
  EXPECT_EQ(page, reference.str());
}

TEST(SeriesCapTest, ExactlyTheCapIsNotADrop) {
  // blkio has two series per device: 512 devices make exactly the cap.
  const auto snapshot = Crowded(static_cast<uint32_t>(kCap / 2), static_cast<uint32_t>(kCap));
  const std::string page = RenderMetricsPage(*snapshot, {}, {});
  EXPECT_EQ(CountSamples(page, "container_blkio_device_usage_total"), kCap + 2);  // + the other's
  EXPECT_EQ(CountSamples(page, "container_network_receive_bytes_total"), kCap + 1);
  EXPECT_EQ(page.find("berth_series_dropped"), std::string::npos);
}

TEST(SeriesCapTest, PageReportsDropsByFamily) {
  const auto snapshot = Crowded(1100, 0);
  const MetricsPage page(snapshot, {}, {});
  const std::string text = page.Text();
  EXPECT_EQ(text.size(), page.size());
  const auto on_page = DroppedOnPage(text);
  EXPECT_EQ(on_page.size(), 5u);
  EXPECT_EQ(on_page.at("container_fs_reads_bytes_total"), "76");
  EXPECT_EQ(on_page.at("container_blkio_device_usage_total"), std::to_string(2200 - kCap));
  EXPECT_NE(text.find("# TYPE berth_series_dropped gauge\n"), std::string::npos);
}

using berth::testing::LogCapture;

TEST(SeriesCapTest, LoggedOncePerContainerAndFamilyAndAgainAfterARecovery) {
  LogCapture log;
  DroppedSeriesLog dropped_log;
  const auto crowded = Crowded(1100, 0);  // five io families over the cap
  const MetricsPage page(crowded, {}, {});
  dropped_log.Note(*crowded, page.dropped());
  dropped_log.Note(*crowded, page.dropped());  // the next scrape: nothing new
  const std::vector<std::string> lines = log.Lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find(crowded->containers[0].identity.name), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("container_fs_reads_bytes_total has 1100 series"), std::string::npos)
      << lines[0];

  const auto calm = Crowded(10, 0);
  dropped_log.Note(*calm, MetricsPage(calm, {}, {}).dropped());
  EXPECT_EQ(log.Lines().size(), 5u);
  dropped_log.Note(*crowded, page.dropped());  // over the cap again: a new state, logged
  EXPECT_EQ(log.Lines().size(), 10u);
}

// A hostile io.stat (15,000 devices, under the 1 MiB read cap) in a fixture
// tree: without the cap the page would carry 6 series per device (90,000).
TEST(SeriesCapTest, HugeIoStatGivesABoundedPage) {
  collector::testing::TempTree tree("v2-docker-systemd");
  const std::string scope =
      "sys/fs/cgroup/system.slice/"
      "docker-3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d.scope";
  constexpr int kDevices = 15000;
  std::string io_stat;
  for (int i = 0; i < kDevices; ++i) {
    io_stat += "259:" + std::to_string(i) + " rbytes=4096 wbytes=512 rios=1 wios=1\n";
  }
  ASSERT_LT(io_stat.size(), 1u << 20);
  tree.Write(scope + "/io.stat", io_stat);

  collector::SamplerOptions options;
  options.rootfs = tree.path();
  collector::Sampler sampler(options);
  const collector::SnapshotPtr snapshot = sampler.Collect();
  const std::string page = RenderMetricsPage(*snapshot, sampler.error_totals(), {});

  const std::string id = "id=\"/system.slice/docker-3f4e8a1b2c7d";
  EXPECT_EQ(CountSamples(page, "container_fs_reads_bytes_total", id), kCap);
  EXPECT_EQ(CountSamples(page, "container_blkio_device_usage_total", id), kCap);
  const auto on_page = DroppedOnPage(page);
  EXPECT_EQ(on_page.at("container_fs_reads_bytes_total"), std::to_string(kDevices - kCap));
  EXPECT_EQ(on_page.at("container_fs_writes_total"), std::to_string(kDevices - kCap));
  EXPECT_EQ(on_page.at("container_blkio_device_usage_total"), std::to_string(2 * kDevices - kCap));
  // 5 io families x 1024 series of ~200 bytes, plus the fixture's other containers
  // (18.5 MB without the cap).
  std::printf("[ figure ] /metrics with a %d-device io.stat: %zu bytes\n", kDevices, page.size());
  EXPECT_LT(page.size(), 2u << 20);
}

}  // namespace
}  // namespace berth::exporter
