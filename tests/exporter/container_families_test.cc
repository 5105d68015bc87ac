#include <set>
#include <string>

#include <gtest/gtest.h>

#include "collector/derived.h"
#include "exporter/container_families.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

std::string Render(const collector::Snapshot& snapshot, const FamilyOptions& options = {}) {
  std::string out;
  AppendContainerFamilies(snapshot, options, out);
  return out;
}

bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

std::string Labels(const collector::ContainerStats& c) {
  return "id=\"" + c.identity.cgroup_path + "\",name=\"" + c.identity.name + "\",image=\"" +
         c.identity.image + "\"";
}

class OneContainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    snapshot_ = testing::MakeSnapshot(0);
    snapshot_->containers.push_back(testing::MakeContainer(1));
  }
  collector::ContainerStats& c() { return snapshot_->containers[0]; }
  std::shared_ptr<collector::Snapshot> snapshot_;
};

TEST_F(OneContainerTest, CpuUsageInSecondsWithCpuTotalLabel) {
  c().cpu.usage_ns = 2500000000;
  EXPECT_TRUE(HasLine(Render(*snapshot_), "container_cpu_usage_seconds_total{" + Labels(c()) +
                                              ",cpu=\"total\"} 2.5"));
}

TEST_F(OneContainerTest, MemoryLimitUnlimitedIsZero) {
  c().memory.limit_bytes = collector::kUnlimited;
  EXPECT_TRUE(
      HasLine(Render(*snapshot_), "container_spec_memory_limit_bytes{" + Labels(c()) + "} 0"));
  c().memory.limit_bytes = 268435456;
  EXPECT_TRUE(HasLine(Render(*snapshot_),
                      "container_spec_memory_limit_bytes{" + Labels(c()) + "} 268435456"));
}

TEST_F(OneContainerTest, WorkingSetIsUsageMinusInactiveFileFloorZero) {
  c().memory.usage_bytes = 1000;
  c().memory.stat.inactive_file = 300;
  EXPECT_TRUE(
      HasLine(Render(*snapshot_), "container_memory_working_set_bytes{" + Labels(c()) + "} 700"));
  c().memory.stat.inactive_file = 5000;
  EXPECT_TRUE(
      HasLine(Render(*snapshot_), "container_memory_working_set_bytes{" + Labels(c()) + "} 0"));
}

TEST_F(OneContainerTest, CpuQuotaOnlyWhenLimited) {
  c().cpu_limits.quota_us = collector::kUnlimited;
  EXPECT_EQ(Render(*snapshot_).find("container_spec_cpu_quota"), std::string::npos);
  c().cpu_limits.quota_us = 50000;
  EXPECT_TRUE(HasLine(Render(*snapshot_), "container_spec_cpu_quota{" + Labels(c()) + "} 50000"));
}

TEST_F(OneContainerTest, DeviceLabelIsDevPathOrMajorMinor) {
  const std::string named = Render(*snapshot_);
  EXPECT_NE(named.find("container_fs_reads_bytes_total{" + Labels(c()) + ",device=\"/dev/sda\"}"),
            std::string::npos);
  EXPECT_NE(named.find("container_blkio_device_usage_total{" + Labels(c()) +
                       ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Read\"}"),
            std::string::npos);
  c().block_devices[0].name.clear();
  EXPECT_NE(Render(*snapshot_).find("device=\"/dev/block/8:0\""), std::string::npos);
}

TEST_F(OneContainerTest, NetworkSkipsLoopbackAndHostNetworking) {
  const std::string own = Render(*snapshot_);
  EXPECT_NE(own.find("interface=\"eth0\""), std::string::npos);
  EXPECT_EQ(own.find("interface=\"lo\""), std::string::npos);
  c().network_mode = collector::NetworkMode::kHost;
  EXPECT_EQ(Render(*snapshot_).find("container_network_"), std::string::npos);
}

// cAdvisor's rule: a pod's network once, on its sandbox; its other
// containers (same network namespace) export none, so sum by (pod) is right.
TEST_F(OneContainerTest, PodNetworkOnlyOnTheSandbox) {
  c().identity.pod_uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
  c().identity.k8s_pod = "web-0";
  c().identity.k8s_container = "nginx";
  EXPECT_EQ(Render(*snapshot_).find("container_network_"), std::string::npos);
  EXPECT_FALSE(collector::NetRxBytes(c()));
  c().identity.k8s_container = "POD";
  c().identity.is_sandbox = true;
  EXPECT_NE(Render(*snapshot_).find("container_network_receive_bytes_total{"), std::string::npos);
  EXPECT_TRUE(collector::NetRxBytes(c()));
  // A pod member nobody identified (no socket, no kubelet logs): unknown
  // which is the sandbox, so none rather than the pod counted per container.
  c().identity.is_sandbox = false;
  c().identity.k8s_pod.clear();
  c().identity.k8s_container.clear();
  EXPECT_EQ(Render(*snapshot_).find("container_network_"), std::string::npos);
  // A pod name from a runtime's labels counts as a pod member too.
  c().identity.pod_uid.clear();
  c().identity.k8s_pod = "web-0";
  EXPECT_FALSE(collector::ReportsNetwork(c()));
  c().identity.k8s_pod.clear();
  EXPECT_TRUE(collector::ReportsNetwork(c()));
}

TEST_F(OneContainerTest, AbsentFiguresEmitNoSampleAndNoFamily) {
  c().memory.failcnt.reset();
  c().cpu_pressure.full.reset();
  const std::string text = Render(*snapshot_);
  EXPECT_EQ(text.find("container_memory_failcnt"), std::string::npos);
  EXPECT_EQ(text.find("container_pressure_cpu_stalled_seconds_total"), std::string::npos);
  EXPECT_NE(text.find("container_pressure_cpu_waiting_seconds_total"), std::string::npos);
}

TEST_F(OneContainerTest, PressureTotalsInSeconds) {
  c().io_pressure.some = collector::PressureLine{0, 0, 0, 1500000};
  EXPECT_TRUE(HasLine(Render(*snapshot_),
                      "container_pressure_io_waiting_seconds_total{" + Labels(c()) + "} 1.5"));
}

TEST_F(OneContainerTest, OomEventsFromMemoryEventsOomKill) {
  c().memory.events.oom_kill = 4;
  EXPECT_TRUE(HasLine(Render(*snapshot_), "container_oom_events_total{" + Labels(c()) + "} 4"));
}

TEST_F(OneContainerTest, KubernetesLabelsFollowIdentity) {
  c().identity.k8s_namespace = "default";
  c().identity.k8s_pod = "web-0";
  c().identity.k8s_container = "nginx";
  EXPECT_TRUE(HasLine(Render(*snapshot_), "container_processes{" + Labels(c()) +
                                              ",namespace=\"default\",pod=\"web-0\","
                                              "container=\"nginx\"} " +
                                              std::to_string(*c().pids_current)));
}

TEST_F(OneContainerTest, RuntimeLabelsOnlyThroughAllowlist) {
  EXPECT_EQ(Render(*snapshot_).find("container_label_"), std::string::npos);
  FamilyOptions options;
  options.label_allowlist = {"com.docker.compose.service", "not.present"};
  const std::string text = Render(*snapshot_, options);
  EXPECT_TRUE(HasLine(text, "container_threads{" + Labels(c()) +
                                ",container_label_com_docker_compose_service=\"web\"} " +
                                std::to_string(*c().threads)));
  EXPECT_EQ(text.find("not_present"), std::string::npos);
  EXPECT_EQ(text.find("compose_project"), std::string::npos);
}

TEST_F(OneContainerTest, InfoSeriesCarriesRuntime) {
  EXPECT_TRUE(HasLine(Render(*snapshot_),
                      "berth_container_info{" + Labels(c()) + ",runtime=\"docker\"} 1"));
  FamilyOptions options;
  options.disabled.set(static_cast<size_t>(Group::kInfo));
  EXPECT_EQ(Render(*snapshot_, options).find("berth_container_info"), std::string::npos);
}

TEST_F(OneContainerTest, RestartsAndHealthOnlyWhenTheRuntimeSays) {
  const std::string none = Render(*snapshot_);
  EXPECT_EQ(none.find("berth_container_restarts"), std::string::npos);
  EXPECT_EQ(none.find("berth_container_health_status"), std::string::npos);
  c().identity.restart_count = 4;
  c().identity.health_status = "unhealthy";
  const std::string out = Render(*snapshot_);
  EXPECT_TRUE(HasLine(out, "# TYPE berth_container_restarts gauge"));
  EXPECT_TRUE(HasLine(out, "berth_container_restarts{" + Labels(c()) + "} 4"));
  EXPECT_TRUE(HasLine(out, "berth_container_health_status{" + Labels(c()) +
                               ",status=\"unhealthy\"} 1"));
  // No healthcheck: no health series, the restart count stays.
  c().identity.health_status.clear();
  c().identity.restart_count = 0;
  const std::string plain = Render(*snapshot_);
  EXPECT_EQ(plain.find("berth_container_health_status"), std::string::npos);
  EXPECT_TRUE(HasLine(plain, "berth_container_restarts{" + Labels(c()) + "} 0"));
  // Switched off with the info group.
  FamilyOptions options;
  options.disabled.set(static_cast<size_t>(Group::kInfo));
  c().identity.health_status = "healthy";
  const std::string off = Render(*snapshot_, options);
  EXPECT_EQ(off.find("berth_container_restarts"), std::string::npos);
  EXPECT_EQ(off.find("berth_container_health_status"), std::string::npos);
}

TEST_F(OneContainerTest, WritableLayerAsCadvisorNamesIt) {
  std::string text = Render(*snapshot_);
  EXPECT_EQ(text.find("container_fs_usage_bytes"), std::string::npos);  // unknown: no family
  collector::FsUsage layer;
  layer.device = "/dev/vda1";
  layer.usage_bytes = 52428800;
  layer.inodes = 1003;
  layer.fs_size_bytes = 270553174016;
  layer.fs_inodes_free = 15000000;
  layer.age_seconds = 12.5;
  c().writable_layer = layer;
  text = Render(*snapshot_);
  const std::string labels = Labels(c()) + ",device=\"/dev/vda1\"} ";
  EXPECT_TRUE(HasLine(text, "container_fs_usage_bytes{" + labels + "52428800"));
  EXPECT_TRUE(HasLine(text, "container_fs_limit_bytes{" + labels + "270553174016"));
  EXPECT_TRUE(HasLine(text, "container_fs_inodes_free{" + labels + "15000000"));
  EXPECT_TRUE(HasLine(text, "container_fs_inodes_total{" + labels + "1003"));
  EXPECT_TRUE(HasLine(text, "berth_container_fs_usage_age_seconds{" + labels + "12.5"));
  // The filesystem's figures are absent when statvfs failed.
  c().writable_layer->fs_size_bytes.reset();
  c().writable_layer->fs_inodes_free.reset();
  text = Render(*snapshot_);
  EXPECT_EQ(text.find("container_fs_limit_bytes"), std::string::npos);
  EXPECT_EQ(text.find("container_fs_inodes_free"), std::string::npos);
  EXPECT_TRUE(HasLine(text, "container_fs_usage_bytes{" + labels + "52428800"));
  // --collector.disable=disk
  FamilyOptions options;
  options.disabled.set(static_cast<size_t>(Group::kDisk));
  EXPECT_EQ(Render(*snapshot_, options).find("container_fs_usage_bytes"), std::string::npos);
}

TEST_F(OneContainerTest, LastSeenIsSnapshotWallTime) {
  EXPECT_TRUE(HasLine(Render(*snapshot_), "container_last_seen{" + Labels(c()) + "} 1767225600"));
}

TEST(ContainerFamiliesTest, EveryFamilyHasHelpTypeAndUniqueName) {
  std::set<std::string_view> names;
  for (const ContainerFamily& family : ContainerFamilies()) {
    EXPECT_FALSE(family.help.empty()) << family.name;
    EXPECT_TRUE(names.insert(family.name).second) << family.name;
    const bool counter = family.type == prometheus::MetricType::Counter;
    const bool total = family.name.size() > 6 &&
                       family.name.substr(family.name.size() - 6) == "_total";
    // cAdvisor's names: a counter without _total, a gauge ending in _total.
    if (family.name == "container_memory_failcnt" || family.name == "container_fs_inodes_total") {
      continue;
    }
    EXPECT_EQ(counter, total) << family.name;
  }
}

TEST(ContainerFamiliesTest, EmptySnapshotWritesNothing) {
  EXPECT_EQ(Render(*testing::MakeSnapshot(0)), "");
}

TEST(ContainerFamiliesTest, FamiliesAreContiguousAcrossContainers) {
  const std::string text = Render(*testing::MakeSnapshot(3));
  size_t count = 0;
  for (size_t pos = 0; (pos = text.find("# TYPE container_cpu_usage_seconds_total ", pos)) !=
                       std::string::npos;
       ++pos) {
    ++count;
  }
  EXPECT_EQ(count, 1u);
  size_t samples = 0;
  for (size_t pos = 0; (pos = text.find("\ncontainer_cpu_usage_seconds_total{", pos)) !=
                       std::string::npos;
       ++pos) {
    ++samples;
  }
  EXPECT_EQ(samples, 3u);
}

}  // namespace
}  // namespace berth::exporter
