#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <vector>
#include <sstream>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "exporter/log_setup.h"
#include "exporter/metrics_page.h"
#include "exporter/self_metrics.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

TEST(ProcessCollectorTest, ReportsThisProcess) {
  const auto families = ProcessCollector().Collect();
  std::map<std::string, double> values;
  for (const auto& family : families) {
    ASSERT_EQ(family.metric.size(), 1u) << family.name;
    values[family.name] = family.type == prometheus::MetricType::Counter
                              ? family.metric[0].counter.value
                              : family.metric[0].gauge.value;
  }
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds"}) {
    EXPECT_TRUE(values.count(name)) << name;
  }
  EXPECT_GT(values["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GE(values["process_virtual_memory_bytes"], values["process_resident_memory_bytes"]);
  EXPECT_GE(values["process_open_fds"], 3);
  EXPECT_GT(values["process_start_time_seconds"], 1.6e9);
}

double OpenFdsNow() {
  for (const auto& family : ProcessCollector().Collect()) {
    if (family.name == "process_open_fds") return family.metric.at(0).gauge.value;
  }
  return -1;
}

TEST(ProcessCollectorTest, OpenFdsCountsEveryDescriptor) {
  const double before = OpenFdsNow();
  std::vector<int> fds;
  for (int i = 0; i < 40; ++i) fds.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const double during = OpenFdsNow();
  for (int fd : fds) close(fd);
  EXPECT_EQ(during - before, 40);
  EXPECT_EQ(OpenFdsNow(), before);
}

TEST(BerthFamiliesTest, BuildInfoDurationErrorsContainers) {
  auto snapshot = testing::MakeSnapshot(3);
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, BerthFamilies(*snapshot, {{"cgroup", 2}, {"docker", 1}}));
  const std::string text = out.str();
  EXPECT_NE(text.find("berth_build_info{revision=\""), std::string::npos);
  EXPECT_NE(text.find("\nberth_collector_duration_seconds 0.0015\n"), std::string::npos);
  EXPECT_NE(text.find("\nberth_collector_errors_total{source=\"cgroup\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("\nberth_collector_errors_total{source=\"docker\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nberth_containers 3\n"), std::string::npos);
}

TEST(MetricsPageTest, OrderAndGroups) {
  auto snapshot = testing::MakeSnapshot(2);
  const std::string page = RenderMetricsPage(*snapshot, {}, FamilyOptions{});
  const size_t build = page.find("# TYPE berth_build_info gauge");
  const size_t cpu = page.find("# TYPE container_cpu_usage_seconds_total counter");
  const size_t machine = page.find("\nmachine_cpu_cores 4\n");
  const size_t process = page.find("# TYPE process_cpu_seconds_total counter");
  ASSERT_NE(build, std::string::npos);
  ASSERT_NE(cpu, std::string::npos);
  ASSERT_NE(machine, std::string::npos);
  ASSERT_NE(process, std::string::npos);
  EXPECT_LT(build, cpu);
  EXPECT_LT(cpu, machine);
  EXPECT_LT(machine, process);
  EXPECT_NE(page.find("\nmachine_memory_bytes 8589934592\n"), std::string::npos);
  FamilyOptions options;
  options.disabled.set(static_cast<size_t>(Group::kProcess));
  options.disabled.set(static_cast<size_t>(Group::kMachine));
  const std::string trimmed = RenderMetricsPage(*snapshot, {}, options);
  EXPECT_EQ(trimmed.find("process_"), std::string::npos);
  EXPECT_EQ(trimmed.find("machine_"), std::string::npos);
}

TEST(LogFormatTest, LogfmtAndJson) {
  EXPECT_EQ(FormatLogRecord(false, 1767225600123, "info", "listening on [::]:11099"),
            "ts=2026-01-01T00:00:00.123Z level=info msg=\"listening on [::]:11099\"");
  EXPECT_EQ(FormatLogRecord(false, 1767225600000, "warn", "plain"),
            "ts=2026-01-01T00:00:00.000Z level=warn msg=plain");
  EXPECT_EQ(FormatLogRecord(true, 1767225600000, "error", "a \"b\"\n"),
            "{\"level\":\"error\",\"msg\":\"a \\\"b\\\"\\n\",\"ts\":\"2026-01-01T00:00:00.000Z\"}");
  std::string error;
  EXPECT_FALSE(ConfigureLogging("loud", "logfmt", &error));
  EXPECT_NE(error.find("--log.level"), std::string::npos);
  EXPECT_FALSE(ConfigureLogging("info", "xml", &error));
  EXPECT_NE(error.find("--log.format"), std::string::npos);
}

}  // namespace
}  // namespace berth::exporter
