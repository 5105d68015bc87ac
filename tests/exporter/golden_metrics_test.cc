// /metrics over every collector fixture tree (tests/fixtures/<name>), compared
// with tests/exporter/golden/<name>.prom — node_exporter's end-to-end idea.
// BERTH_UPDATE_GOLDEN=1 rewrites the golden files. Volatile self-metrics
// (build info, collection duration, container_last_seen, process_*) are
// left out of the comparison. When promtool is installed, the full page
// must also pass `promtool check metrics`.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "collector/sampler.h"
#include "collector/utf8_text.h"
#include "exporter/metrics_page.h"

namespace berth::exporter {
namespace {

const std::set<std::string> kVolatile = {"berth_build_info", "berth_collector_duration_seconds",
                                         "container_last_seen"};

std::string MetricName(const std::string& line) {
  if (line.rfind("# ", 0) == 0) {  // "# HELP name …" / "# TYPE name …"
    const size_t start = line.find(' ', 2) + 1;
    return line.substr(start, line.find(' ', start) - start);
  }
  return line.substr(0, line.find_first_of("{ "));
}

std::string StableLines(const std::string& page) {
  std::istringstream in(page);
  std::string out, line;
  while (std::getline(in, line)) {
    const std::string name = MetricName(line);
    if (kVolatile.count(name) || name.rfind("process_", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

std::string Page(const std::string& fixture) {
  collector::SamplerOptions options;
  options.rootfs = std::string(BERTH_FIXTURES_DIR) + "/" + fixture;
  collector::Sampler sampler(options);
  const collector::SnapshotPtr snapshot = sampler.Collect();
  FamilyOptions families;
  families.label_allowlist = {"com.docker.compose.service", "io.kubernetes.pod.namespace"};
  return RenderMetricsPage(*snapshot, sampler.error_totals(), families);
}

// promtool's complaints, one per line ("" when it is happy).
std::string PromtoolComplaints(const std::string& page) {
  char path[] = "/tmp/berth-promtool.XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "cannot create a temp file";
  close(fd);
  std::ofstream(path) << page;
  const std::string command = std::string("promtool check metrics < ") + path + " 2>&1";
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
    pclose(pipe);
  }
  std::remove(path);
  return output;
}

class GoldenMetricsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenMetricsTest, MatchesGoldenFile) {
  const std::string stable = StableLines(Page(GetParam()));
  const std::string path = std::string(BERTH_TESTS_DIR) + "/exporter/golden/" + GetParam() + ".prom";
  const char* update = std::getenv("BERTH_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << stable;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "no golden file " << path << " (run with BERTH_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(stable, want.str()) << "golden " << path;
}

TEST_P(GoldenMetricsTest, PromtoolCheckMetricsPasses) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not installed (apt-get install prometheus)";
  }
  std::string complaints = PromtoolComplaints(Page(GetParam()));
  // cAdvisor's name for this counter lacks _total; berth keeps the name so
  // existing dashboards work.
  std::istringstream in(complaints);
  std::string line, unexpected;
  while (std::getline(in, line)) {
    if (line.find("container_memory_failcnt") != std::string::npos) continue;
    unexpected += line + "\n";
  }
  EXPECT_EQ(unexpected, "");
}

// A cgroup named with a raw 0xFF and escape sequences, an interface named
// "eth\xff0", a systemd-escaped name that unescapes to ill-formed UTF-8: the
// page is valid UTF-8 (Prometheus refuses a target whose page is not), each
// bad part one U+FFFD.
TEST(GoldenMetricsTest, HostileNamesGiveValidUtf8) {
  const std::string page = Page("hostile-names");
  EXPECT_TRUE(collector::IsValidUtf8(page));
  EXPECT_NE(page.find("name=\"evil\xEF\xBF\xBD\x1B]2;pwned\x07\x1B[2J\xC2\x9B" "31m\""),
            std::string::npos);
  EXPECT_NE(page.find("interface=\"eth\xEF\xBF\xBD" "0\""), std::string::npos);
  // C0 | AF | ED A0 80 (a surrogate: three) | F4 90 80 80 (four) | E2 82 (cut short: one).
  std::string bad = "name=\"bad";
  for (int i = 0; i < 10; ++i) bad += "\xEF\xBF\xBD";
  EXPECT_NE(page.find(bad + "\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenMetricsTest,
                         ::testing::Values("v2-docker-systemd", "v2-docker-cgroupfs",
                                           "v2-kubernetes", "v2-podman", "v2-other-runtimes",
                                           "v1-docker", "hybrid", "broken", "hostile-names"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace berth::exporter
