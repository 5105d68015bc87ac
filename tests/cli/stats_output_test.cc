// berth stats output: docker's table layout, fields, templates and JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/go_template.h"
#include "cli/stats_output.h"
#include "cli/stats_rows.h"
#include "cli/tab_writer.h"
#include "collector/utf8_text.h"

namespace berth::cli {
namespace {

using collector::ContainerStats;
using collector::Snapshot;

constexpr uint64_t kMemTotal = 25274654720ull;  // 23.54GiB

ContainerStats Container(const std::string& id, const std::string& name, uint64_t cpu_ns) {
  ContainerStats c;
  c.identity.id = id;
  c.identity.name = name;
  c.cpu.usage_ns = cpu_ns;
  c.memory.usage_bytes = 557056;  // 544KiB
  c.memory.stat.inactive_file = 0;
  c.memory.limit_bytes = collector::kUnlimited;
  c.network_mode = collector::NetworkMode::kOwn;
  c.net_interfaces = {{.name = "eth0", .rx_bytes = 1536000, .tx_bytes = 999},
                      {.name = "lo", .rx_bytes = 1 << 30, .tx_bytes = 1 << 30}};
  c.block_io_known = true;
  c.pids_current = 1;
  return c;
}

Snapshot At(int seconds, uint64_t host_ns, std::vector<ContainerStats> containers) {
  Snapshot s;
  s.monotonic_time = std::chrono::steady_clock::time_point(std::chrono::seconds(seconds));
  s.host.online_cpus = 2;
  s.host.cpu_total_ns = host_ns;
  s.host.mem_total_bytes = kMemTotal;
  s.containers = std::move(containers);
  return s;
}

const std::string kBurnId = "77bab5e26d7ed80207048be2b7d81a5b8bacd397900f74d1881d01a2503890aa";
const std::string kIdleId = "902ec1776fb1bfce6c841e1029e0d60e39ec048104a940c9c49c4f1986e2be22";

struct TwoSamples {
  Snapshot prev = At(10, 20'000'000'000, {Container(kBurnId, "burn", 1'000'000'000),
                                          Container(kIdleId, "idle", 5)});
  Snapshot cur = At(11, 22'000'000'000, {Container(kBurnId, "burn", 1'500'000'000),
                                         Container(kIdleId, "idle", 5)});
};

TEST(StatsOutputTest, DefaultTableMatchesDockerLayout) {
  TwoSamples s;
  std::string error;
  auto out = StatsOutput::Make("", false, &error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->Render(&s.prev, s.cur, false, {}),
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O         "
            "BLOCK I/O   PIDS\n"
            "77bab5e26d7e   burn      50.00%    544KiB / 23.54GiB   0.00%     1.54MB / 999B   "
            "0B / 0B     1\n"
            "902ec1776fb1   idle      0.00%     544KiB / 23.54GiB   0.00%     1.54MB / 999B   "
            "0B / 0B     1\n");
}

TEST(StatsOutputTest, JsonUsesDockerFieldNamesOnePerLine) {
  TwoSamples s;
  std::string error;
  auto out = StatsOutput::Make("json", true, &error);
  ASSERT_TRUE(out) << error;
  std::string text = out->Render(&s.prev, s.cur, false, {"idle"});
  EXPECT_EQ(text,
            "{\"BlockIO\":\"0B / 0B\",\"CPUPerc\":\"0.00%\",\"Container\":\"idle\",\"ID\":\"" +
                kIdleId +
                "\",\"MemPerc\":\"0.00%\",\"MemUsage\":\"544KiB / 23.54GiB\",\"Name\":\"idle\","
                "\"NetIO\":\"1.54MB / 999B\",\"PIDs\":\"1\"}\n");
}

TEST(StatsOutputTest, RawJsonHasNumbersAndNulls) {
  TwoSamples s;
  s.cur.containers[1].network_mode = collector::NetworkMode::kHost;
  std::string error;
  auto out = StatsOutput::Make("json-raw", false, &error);
  ASSERT_TRUE(out) << error;
  std::string text = out->Render(&s.prev, s.cur, false, {"idle"});
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["name"], "idle");
  EXPECT_EQ(j["running"], true);
  EXPECT_EQ(j["counters"]["memory_usage_bytes"], 557056);
  EXPECT_EQ(j["rates"]["memory_limit_bytes"], kMemTotal);
  EXPECT_TRUE(j["counters"]["net_rx_bytes"].is_null());  // host network: not its own
  EXPECT_EQ(j["counters"]["pids"], 1);
  EXPECT_TRUE(j["restart_count"].is_null());
  EXPECT_TRUE(j["health_status"].is_null());
}

TEST(StatsOutputTest, RawJsonCarriesRestartsAndHealth) {
  TwoSamples s;
  for (auto& c : s.cur.containers) {
    if (c.identity.name != "idle") continue;
    c.identity.restart_count = 3;
    c.identity.health_status = "unhealthy";
  }
  std::string error;
  auto out = StatsOutput::Make("json-raw", false, &error);
  ASSERT_TRUE(out) << error;
  auto j = nlohmann::json::parse(out->Render(&s.prev, s.cur, false, {"idle"}));
  EXPECT_EQ(j["restart_count"], 3);
  EXPECT_EQ(j["health_status"], "unhealthy");
}

TEST(StatsOutputTest, FirstSampleAndUnknownFiguresPrintDashes) {
  TwoSamples s;
  s.cur.containers[0].pids_current.reset();
  s.cur.containers[0].block_io_known = false;
  std::string error;
  auto out = StatsOutput::Make("{{.Name}} {{.CPUPerc}} {{.PIDs}} {{.BlockIO}}", false, &error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->Render(nullptr, s.cur, false, {"burn"}), "burn -- -- --\n");
}

TEST(StatsOutputTest, StoppedContainersOnlyWithAll) {
  TwoSamples s;
  collector::ContainerIdentity stopped;
  stopped.id = "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999";
  stopped.name = "exited";
  s.cur.stopped.push_back(stopped);
  std::string error;
  auto out = StatsOutput::Make("{{.Name}}\\t{{.MemUsage}}\\t{{.PIDs}}", false, &error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->Render(&s.prev, s.cur, false, {}),
            "burn\t544KiB / 23.54GiB\t1\nidle\t544KiB / 23.54GiB\t1\n");
  EXPECT_EQ(out->Render(&s.prev, s.cur, true, {}),
            "burn\t544KiB / 23.54GiB\t1\nexited\t0B / 0B\t0\nidle\t544KiB / 23.54GiB\t1\n");
}

TEST(StatsOutputTest, SelectionByNameIdPrefixAndSlash) {
  TwoSamples s;
  std::string error;
  auto out = StatsOutput::Make("{{.Name}}", false, &error);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->Render(&s.prev, s.cur, false, {"/burn"}), "burn\n");
  EXPECT_EQ(out->Render(&s.prev, s.cur, false, {"902ec"}), "idle\n");
  EXPECT_EQ(out->Render(&s.prev, s.cur, false, {"90"}), "");  // prefix too short
}

// docker stats: rows in `docker ps` order (newest start first), or in the
// order the names were given (each once); {{.Container}} is what was given.
TEST(StatsOutputTest, RowOrderAndContainerAsGiven) {
  TwoSamples s;
  s.cur.containers[0].identity.start_time_seconds = 1000;  // burn: older
  s.cur.containers[1].identity.start_time_seconds = 2000;  // idle: newer
  ContainerStats unknown_start = Container(std::string(64, 'c'), "aaa-no-start", 5);
  s.cur.containers.push_back(unknown_start);
  std::string error;
  auto out = StatsOutput::Make("{{.Container}} {{.Name}}", false, &error);
  ASSERT_TRUE(out) << error;
  struct Case {
    std::vector<std::string> wanted;
    bool no_trunc;
    std::string want;
  };
  const Case cases[] = {
      {{}, false, "902ec1776fb1 idle\n77bab5e26d7e burn\ncccccccccccc aaa-no-start\n"},
      {{}, true, "902ec1776fb1 idle\n77bab5e26d7e burn\ncccccccccccc aaa-no-start\n"},
      {{"burn", "idle"}, false, "burn burn\nidle idle\n"},
      {{"902ec1", "/burn", "902ec1"}, false, "902ec1 idle\n/burn burn\n"},
      {{kBurnId}, false, kBurnId + " burn\n"},
      {{"nope", "idle"}, false, "idle idle\n"},
  };
  for (const Case& c : cases) {
    auto o = StatsOutput::Make("{{.Container}} {{.Name}}", c.no_trunc, &error);
    ASSERT_TRUE(o) << error;
    EXPECT_EQ(o->Render(&s.prev, s.cur, false, c.wanted), c.want)
        << ::testing::PrintToString(c.wanted);
  }
}

struct TemplateCase {
  const char* text;
  const char* want_error_part;  // nullptr: parses
};

TEST(GoTemplateTest, ParsesWhatDockerAcceptsAndRejectsTheRest) {
  const TemplateCase cases[] = {
      {"{{.Name}}", nullptr},
      {"{{ .Name }}\\t{{ .CPUPerc }}", nullptr},
      {"table {{.ID}}\\t{{.Name}}", nullptr},
      {"{{json .}}", nullptr},
      {"{{json .MemUsage}}", nullptr},
      {"plain text", nullptr},
      {"{{.Nope}}", "can't evaluate field Nope"},
      {"{{json .Nope}}", "can't evaluate field Nope"},
      {"{{.Name", "unclosed action"},
      {"{{foo .Name}}", "function \"foo\" not defined"},
      {"{{range .}}{{end}}", nullptr},  // an error when it runs, as in docker
  };
  for (const auto& c : cases) {
    std::string error;
    auto t = GoTemplate::Parse(c.text, DockerStatsFieldNames(), &error);
    if (c.want_error_part == nullptr) {
      EXPECT_TRUE(t) << c.text << ": " << error;
    } else {
      EXPECT_FALSE(t) << c.text;
      EXPECT_NE(error.find(c.want_error_part), std::string::npos) << c.text << ": " << error;
    }
  }
}

TEST(GoTemplateTest, ExecutesFieldsEscapesAndJson) {
  std::string error;
  auto t = GoTemplate::Parse("table {{.Name}}\\t{{json .ID}}\\n", {"Name", "ID"}, &error);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_table());
  EXPECT_EQ(t->Execute({{"Name", "a\"b"}, {"ID", "x"}}), "a\"b\t\"x\"\n");
  auto all = GoTemplate::Parse("{{json .}}", {"B", "A"}, &error);
  EXPECT_EQ(all->Execute({{"B", "2"}, {"A", "1"}}), "{\"A\":\"1\",\"B\":\"2\"}");
}

// A cgroup-derived name with a raw 0xFF, a truncated sequence and a
// clear-screen escape; an image and a label with bad bytes too. Every format
// renders (nothing throws: it aborted with an uncaught JSON exception),
// every line is valid UTF-8, each bad part one U+FFFD; JSON keeps the ESC
// escaped, plain and table output replace it.
TEST(StatsOutputTest, HostileNamesRenderAsValidUtf8InEveryFormat) {
  const std::string hostile = "evil\xFF\x1B[2J\xE2\x82";
  TwoSamples s;
  for (Snapshot* snap : {&s.prev, &s.cur}) {
    snap->containers[0].identity.name = hostile;
    snap->containers[0].identity.image = "img\xC0\xAF";
    snap->containers[0].identity.labels["k\xFF"] = "v\xED\xA0\x80";
  }
  s.cur.stopped.push_back({});
  s.cur.stopped.back().id = std::string(64, 'f');
  s.cur.stopped.back().name = "gone\xF8";
  const std::string kR = "\xEF\xBF\xBD";
  for (const char* format : {"", "table", "json", "json-raw", "{{json .}}", "{{json .Name}}",
                             "{{.Name}}\t{{.ID}}", "table {{.Name}}\\t{{.PIDs}}"}) {
    std::string error;
    auto out = StatsOutput::Make(format, false, &error);
    ASSERT_TRUE(out) << error;
    std::string text;
    ASSERT_NO_THROW(text = out->Render(&s.prev, s.cur, true, {})) << format;
    EXPECT_TRUE(collector::IsValidUtf8(text)) << format;
    EXPECT_NE(text.find("evil" + kR), std::string::npos) << format << ": " << text;
    EXPECT_NE(text.find("gone" + kR), std::string::npos) << format << ": " << text;
    const bool json = std::string(format).find("json") != std::string::npos;
    if (!json) EXPECT_EQ(text.find('\x1B'), std::string::npos) << format;
  }
  std::string error;
  auto raw = StatsOutput::Make("json-raw", false, &error);
  nlohmann::json j = nlohmann::json::parse(raw->Render(&s.prev, s.cur, false, {hostile}));
  EXPECT_EQ(j["name"], "evil" + kR + "\x1B[2J" + kR);
  EXPECT_EQ(j["image"], "img" + kR + kR);
  EXPECT_EQ(j["labels"]["k" + kR], "v" + kR + kR + kR);
  auto docker = StatsOutput::Make("json", false, &error);
  j = nlohmann::json::parse(docker->Render(&s.prev, s.cur, false, {hostile}));
  EXPECT_EQ(j["Name"], "evil" + kR + "\x1B[2J" + kR);
  // The table stays aligned: the bad name takes as many columns as it shows.
  auto table = StatsOutput::Make("table {{.Name}}\\t{{.PIDs}}", false, &error);
  const std::string aligned = table->Render(&s.prev, s.cur, false, {});
  EXPECT_NE(aligned.find("evil" + kR + kR + "[2J" + kR + "   1\n"), std::string::npos) << aligned;
}

TEST(TabWriterTest, PadsColumnsLikeGoTabwriter) {
  EXPECT_EQ(AlignColumns({"CONTAINER ID\tNAME\tPIDS", "77bab5e26d7e\tburn\t1"}),
            "CONTAINER ID   NAME      PIDS\n77bab5e26d7e   burn      1\n");
  // A cell wider than the minimum sets the column; multi-byte text counts once.
  EXPECT_EQ(AlignColumns({"a\tb", "very-long-name\tc", "é\td"}),
            "a                b\nvery-long-name   c\né                d\n");
  EXPECT_EQ(AlignColumns({"no tabs"}), "no tabs\n");
}

}  // namespace
}  // namespace berth::cli
