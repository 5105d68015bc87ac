#include "cli/top_layout.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/top_detail.h"
#include "cli/view_widgets.h"
#include "collector/rates.h"
#include "collector/utf8_text.h"
#include "tests/cli/top_test_util.h"

namespace berth::cli {
namespace {

using collector::ContainerStats;
using testing::kGiB;
using testing::kMiB;
using testing::MakeContainer;
using testing::MakeSnapshot;

// Golden files live in tests/golden/top/; BERTH_UPDATE_GOLDEN=1 rewrites them.
void ExpectGolden(const std::string& name, const std::string& text) {
  const std::filesystem::path path =
      std::filesystem::path(BERTH_TESTS_DIR) / "golden" / "top" / name;
  const char* update = std::getenv("BERTH_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "missing golden " << path << " (run with BERTH_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(text, want.str()) << "golden " << path << " differs (BERTH_UPDATE_GOLDEN=1 rewrites)";
}

char StyleTag(Style s) {
  switch (s) {
    case Style::kNormal: return ' ';
    case Style::kTitle: return 'T';
    case Style::kHeader: return 'H';
    case Style::kSelected: return '>';
    case Style::kWarn: return 'Y';
    case Style::kCritical: return 'R';
    case Style::kDim: return '.';
    case Style::kNotice: return 'N';
  }
  return '?';
}

// One line per screen line: style tag, '|', the text, '|'.
std::string Dump(const std::vector<ScreenLine>& lines) {
  std::string out;
  for (const ScreenLine& l : lines) out += std::string(1, StyleTag(l.style)) + "|" + l.text + "|\n";
  return out;
}

// Five containers, two in compose project "shop", one near its memory
// limit, one OOM killed, one throttled; 1 s apart on a 2-CPU host.
struct Scene {
  collector::Snapshot prev, cur;
  std::vector<TopRow> rows;
  HostSummary host;
};

Scene MakeScene() {
  auto make = [](int step) {
    std::vector<ContainerStats> cs;
    ContainerStats web = MakeContainer(std::string(64, 'a'), "shop-web-1",
                                       1'000'000'000 + step * 250'000'000ull, 200 * kMiB);
    web.identity.labels = {{"com.docker.compose.project", "shop"},
                           {"com.docker.compose.service", "web"}};
    web.identity.start_time_seconds = 1000.0 - 3 * 3600 - 240;
    web.memory.limit_bytes = 1 * kGiB;
    web.net_interfaces = {{.name = "eth0", .rx_bytes = 1000 + step * 2'500'000ull,
                           .tx_bytes = 500 + step * 40'000ull},
                          {.name = "lo", .rx_bytes = 99, .tx_bytes = 99}};
    web.network_mode = collector::NetworkMode::kOwn;
    web.memory_pressure.some = collector::PressureLine{1.25, 0.5, 0.1, 12345};
    cs.push_back(web);
    ContainerStats db = MakeContainer(std::string(64, 'b'), "shop-db-1",
                                      5'000'000'000 + step * 600'000'000ull, 870 * kMiB);
    db.identity.labels = {{"com.docker.compose.project", "shop"}};
    db.memory.limit_bytes = 1 * kGiB;  // 85 %: warn
    db.block_devices = {{.major = 8, .minor = 0, .name = "sda",
                         .read_bytes = step * 1'200'000ull, .write_bytes = step * 3'000'000ull,
                         .read_ios = step * 10ull, .write_ios = step * 20ull}};
    db.identity.start_time_seconds = 1000.0 - 2 * 86400 - 7200;
    cs.push_back(db);
    ContainerStats oom = MakeContainer(std::string(64, 'c'), "batch-job-with-a-very-long-name",
                                       2'000'000'000 + step * 10'000'000ull, 60 * kMiB);
    oom.memory.events.oom_kill = 2;
    oom.identity.start_time_seconds = 1000.0 - 42;
    cs.push_back(oom);
    ContainerStats thr = MakeContainer(std::string(64, 'd'), "cpu-hog",
                                       9'000'000'000 + step * 500'000'000ull, 20 * kMiB);
    thr.cpu.nr_periods = 100 + step * 10;
    thr.cpu.nr_throttled = 40 + step * 5;
    thr.cpu_limits.quota_us = 50000;
    thr.cpu_limits.period_us = 100000;
    thr.identity.start_time_seconds = 1000.0 - 600 - 5;
    cs.push_back(thr);
    ContainerStats idle = MakeContainer(std::string(64, 'e'), "idle", 77, 1 * kMiB);
    idle.pids_current = 1;
    cs.push_back(idle);
    return MakeSnapshot(999.0 + step, 100'000'000'000 + step * 2'000'000'000ull, cs);
  };
  Scene s;
  s.prev = make(0);
  s.cur = make(1);
  s.rows = BuildRows(s.cur, collector::Rates(&s.prev, s.cur));
  s.host = BuildHostSummary(&s.prev, s.cur);
  return s;
}

TEST(TopLayoutTest, LayoutFitsEveryWidthAndKeepsPriorityColumns) {
  size_t previous_columns = 0;
  for (size_t width = kMinWidth; width <= 260; ++width) {
    ListLayout layout = ComputeLayout(width);
    size_t total = 0;
    for (const ColumnLayout& c : layout.columns) total += c.width;
    total += layout.columns.size() - 1;
    EXPECT_LE(total, width) << width;
    EXPECT_GE(layout.columns.size(), previous_columns) << width;  // never fewer when wider
    previous_columns = layout.columns.size();
    ASSERT_GE(layout.columns.size(), 5u) << width;
    EXPECT_EQ(layout.columns[0].column, Column::kName);
    std::set<Column> shown;
    for (const ColumnLayout& c : layout.columns) shown.insert(c.column);
    for (Column must : {Column::kCpu, Column::kMem, Column::kMemPercent, Column::kNet}) {
      EXPECT_EQ(shown.count(must), 1u) << width;
    }
  }
  EXPECT_EQ(ComputeLayout(200).columns.size(), static_cast<size_t>(kColumnCount));
}

TEST(TopLayoutTest, EveryRowIsExactlyTheWidthAtEachWidth) {
  Scene scene = MakeScene();
  for (size_t width = kMinWidth; width <= 220; width += 7) {
    ListLayout layout = ComputeLayout(width);
    for (const TopRow& row : scene.rows) {
      EXPECT_EQ(DisplayWidth(RenderRow(row, layout, width)), width) << width << " " << row.name;
    }
    EXPECT_EQ(DisplayWidth(RenderColumnHeader(layout, Column::kCpu, true, width)), width);
  }
}

TEST(TopLayoutTest, LongNamesAreTruncatedWithMarker) {
  Scene scene = MakeScene();
  const TopRow* longest = nullptr;
  for (const TopRow& r : scene.rows) {
    if (r.name == "batch-job-with-a-very-long-name") longest = &r;
  }
  ASSERT_NE(longest, nullptr);
  for (size_t width : {80u, 100u, 200u}) {
    ListLayout layout = ComputeLayout(width);
    const std::string cell = FormatCell(*longest, layout.columns[0]);
    EXPECT_EQ(DisplayWidth(cell), layout.columns[0].width);
    if (layout.columns[0].width < longest->name.size()) {
      EXPECT_EQ(cell.back(), '~') << width;
    } else {
      EXPECT_EQ(cell.substr(0, longest->name.size()), longest->name) << width;
    }
  }
}

TEST(TopLayoutTest, CellFigures) {
  Scene scene = MakeScene();
  const TopRow& web = scene.rows[0];
  auto cell = [&](Column c) {
    return std::string(PadRight("", 0)) + FormatCell(web, ColumnLayout{c, 20, 0});
  };
  EXPECT_EQ(cell(Column::kCpu), PadLeft("25.00%", 20));  // 0.25 s of 2 s × 2 CPUs
  EXPECT_EQ(cell(Column::kMem), PadLeft("200MiB / 1GiB", 20));
  EXPECT_EQ(cell(Column::kMemPercent), PadLeft("19.53%", 20));
  EXPECT_EQ(cell(Column::kNet), PadLeft("2.5MB / 40kB", 20));
  EXPECT_EQ(cell(Column::kUptime), PadLeft("3h04m", 20));
  EXPECT_EQ(cell(Column::kPsi), PadLeft("1.25", 20));
  EXPECT_EQ(cell(Column::kId), PadRight("aaaaaaaaaaaa", 20));
  EXPECT_EQ(FormatCell(web, ColumnLayout{Column::kCpu, 8 + 1 + 12, 12}),
            "  25.00% [|         ]");  // 25 % of 200 %: an eighth of the bar
}

TEST(TopLayoutTest, UptimeAndInterval) {
  struct Case {
    std::optional<double> s;
    const char* want;
  } cases[] = {{std::nullopt, "--"}, {-1, "--"},       {0, "0s"},          {59.9, "59s"},
               {60, "1m00s"},        {3599, "59m59s"}, {3600, "1h00m"},    {86399, "23h59m"},
               {86400, "1d00h"},     {90061, "1d01h"}, {400 * 86400.0, "400d00h"}};
  for (const Case& c : cases) EXPECT_EQ(FormatUptime(c.s), c.want) << c.s.value_or(-9);
  EXPECT_EQ(FormatInterval(std::chrono::milliseconds(1000)), "1s");
  EXPECT_EQ(FormatInterval(std::chrono::milliseconds(250)), "250ms");
  EXPECT_EQ(FormatInterval(std::chrono::milliseconds(2500)), "2.5s");
}

TEST(TopLayoutTest, ListViewGolden) {
  Scene scene = MakeScene();
  TopState state;
  std::vector<TopRow> arranged = ArrangeRows(scene.rows, state.sort, state.descending, "",
                                             false, {});
  Reconcile(state, arranged, ListPageRows(24), nullptr);
  HandleKey(state, kKeyDown, arranged, ListPageRows(24));
  auto lines = RenderListView(scene.host, arranged, state, 80, 24);
  ASSERT_EQ(lines.size(), 24u);
  ExpectGolden("list_80x24.txt", Dump(lines));
  lines = RenderListView(scene.host, arranged, state, 200, 60);
  ASSERT_EQ(lines.size(), 60u);
  ExpectGolden("list_200x60.txt", Dump(lines));

  // Grouped, sorted by memory, filtered.
  state.group = true;
  state.sort = Column::kMem;
  arranged = ArrangeRows(scene.rows, state.sort, state.descending, "", true, {});
  ExpectGolden("list_grouped_120x30.txt",
               Dump(RenderListView(scene.host, arranged, state, 120, 30)));
  state.filter = "shop";
  arranged = ArrangeRows(scene.rows, state.sort, state.descending, state.filter, true, {"shop"});
  auto filtered = RenderListView(scene.host, arranged, state, 80, 24);
  EXPECT_NE(filtered[2].text.find("Filter: shop"), std::string::npos);
  EXPECT_NE(filtered[4].text.find("+ shop (2)"), std::string::npos);
  EXPECT_EQ(filtered[5].text.find_first_not_of(' '), std::string::npos);  // nothing else
}

TEST(TopLayoutTest, RowColoursFollowAlerts) {
  Scene scene = MakeScene();
  TopState state;
  state.sort = Column::kName;
  state.descending = false;
  std::vector<TopRow> arranged = ArrangeRows(scene.rows, state.sort, state.descending, "",
                                             false, {});
  state.selected_index = 99;  // nothing selected on screen
  auto lines = RenderListView(scene.host, arranged, state, 120, 24);
  std::map<std::string, Style> by_name;
  for (size_t i = 0; i < arranged.size(); ++i) by_name[arranged[i].name] = lines[4 + i].style;
  EXPECT_EQ(by_name["batch-job-with-a-very-long-name"], Style::kCritical);  // OOM killed
  EXPECT_EQ(by_name["shop-db-1"], Style::kWarn);                            // 85 % of limit
  EXPECT_EQ(by_name["cpu-hog"], Style::kWarn);                              // throttled
  EXPECT_EQ(by_name["shop-web-1"], Style::kNormal);
  EXPECT_EQ(by_name["idle"], Style::kNormal);
}

// A name, image and label from outside with raw bytes, escape sequences and
// stray continuation bytes: every line the screen sends (TerminalText, as
// TopScreen::Paint does) is valid UTF-8 without a control character and
// exactly as wide as the screen, in the list and in the detail view.
TEST(TopLayoutTest, HostileNamesCannotReachTheTerminalOrShiftColumns) {
  const std::string hostile = "evil\xFF\x1B]2;pwned\x07\x1B[2J\x80\x80\xC2\x9B" "31m\xE2\x82";
  Scene scene = MakeScene();
  for (collector::Snapshot* s : {&scene.prev, &scene.cur}) {
    s->containers[0].identity.name = hostile;
    s->containers[0].identity.image = hostile + ":tag";
    s->containers[0].identity.cgroup_path = "/user.slice/" + hostile;
    s->containers[0].identity.labels["com.docker.compose.service"] = hostile;
  }
  scene.rows = BuildRows(scene.cur, collector::Rates(&scene.prev, scene.cur));
  TopState state;
  std::vector<TopRow> arranged = ArrangeRows(scene.rows, state.sort, state.descending, "",
                                             false, {});
  auto check = [](const std::vector<ScreenLine>& lines, size_t width, const char* view) {
    bool seen = false;
    for (const ScreenLine& l : lines) {
      const std::string sent = collector::TerminalText(l.text);
      EXPECT_TRUE(collector::IsTerminalSafe(sent)) << view;
      EXPECT_EQ(DisplayWidth(sent), width) << view << ": " << sent;
      seen = seen || sent.find("evil\xEF\xBF\xBD") != std::string::npos;
    }
    EXPECT_TRUE(seen) << view << ": the name is shown, its bad bytes as U+FFFD";
  };
  for (size_t width : {80u, 120u, 200u}) {
    check(RenderListView(scene.host, arranged, state, width, 24), width, "list");
  }
  const TopRow* row = nullptr;
  for (const TopRow& r : scene.rows) {
    if (r.id == scene.cur.containers[0].identity.id) row = &r;
  }
  DetailInput input;
  input.container = &scene.cur.containers[0];
  input.row = row;
  check(DetailLines(input, 100), 100, "detail");
}

TEST(TopLayoutTest, EmptyListAndTooSmall) {
  TopState state;
  HostSummary host;
  auto lines = RenderListView(host, {}, state, 80, 24);
  EXPECT_NE(lines[4].text.find("no containers"), std::string::npos);
  state.filter = "zzz";
  lines = RenderListView(host, {}, state, 80, 24);
  EXPECT_NE(lines[4].text.find("no container matches"), std::string::npos);
  // The hint of an empty list is wrapped at spaces over the list rows, every
  // word kept; the filter's message still wins.
  state.empty_hint =
      "no containers found; docker: /var/run/docker.sock: no such file; podman: "
      "/run/podman/podman.sock: permission denied; 7 cgroups seen (--all-cgroups shows every "
      "cgroup)";
  lines = RenderListView(host, {}, state, 80, 24);
  EXPECT_NE(lines[4].text.find("no container matches"), std::string::npos);
  state.filter.clear();
  lines = RenderListView(host, {}, state, 60, 24);
  std::string joined;
  for (size_t i = 4; i < 8; ++i) {
    EXPECT_EQ(DisplayWidth(lines[i].text), 60u);
    std::string text = lines[i].text;
    text.erase(text.find_last_not_of(' ') + 1);
    ASSERT_EQ(text.rfind("  ", 0), 0u) << text;
    joined += (joined.empty() ? "" : " ") + text.substr(2);
  }
  EXPECT_EQ(joined, state.empty_hint);
  auto small = RenderTooSmall(60, 10);
  ASSERT_EQ(small.size(), 10u);
  EXPECT_EQ(small[0].text.find("terminal too small"), 0u);
  for (const ScreenLine& l : small) EXPECT_EQ(DisplayWidth(l.text), 60u);
  EXPECT_EQ(RenderTooSmall(10, 1)[0].text, "terminal ~");
}

TEST(TopLayoutTest, HelpViewListsEverySortKey) {
  auto lines = RenderHelpView(80, 40);
  std::string all;
  for (const ScreenLine& l : lines) all += l.text + "\n";
  for (const ColumnInfo& info : AllColumns()) {
    EXPECT_NE(all.find(std::string("--sort ") + info.flag_name), std::string::npos);
  }
}

TEST(TopDetailTest, DetailViewGolden) {
  Scene scene = MakeScene();
  const ContainerStats& web = scene.cur.containers[0];
  History history;
  for (int i = 0; i < 5; ++i) history.Add(scene.rows);
  DetailInput in;
  in.container = &web;
  in.row = &scene.rows[0];
  in.history = history.Find(web.identity.id);
  in.processes = {
      {.pid = 100, .user = "root", .state = 'S', .cpu_ticks = 0, .start_time_ticks = 1,
       .rss_bytes = 4 * kMiB, .command = "/bin/sh -c httpd -f"},
      {.pid = 120, .user = "www-data", .state = 'R', .cpu_ticks = 0, .start_time_ticks = 1,
       .rss_bytes = 40 * kMiB, .command = "httpd -f -p 8080"},
  };
  in.process_cpu_percent = {0.5, 20.0};
  TopState state;
  auto lines = RenderDetailView(in, state, 80, 24);
  ASSERT_EQ(lines.size(), 24u);
  for (const ScreenLine& l : lines) EXPECT_EQ(DisplayWidth(l.text), 80u);
  ExpectGolden("detail_80x24.txt", Dump(lines));
  // The busiest process comes first.
  std::string all = Dump(DetailLines(in, 80));
  EXPECT_LT(all.find("httpd -f -p 8080"), all.find("/bin/sh -c httpd"));
  EXPECT_NE(all.find("com.docker.compose.project=shop"), std::string::npos);
  EXPECT_NE(all.find("eth0"), std::string::npos);
  // Scrolling keeps the title and moves the body.
  state.detail_scroll = 3;
  auto scrolled = RenderDetailView(in, state, 80, 24);
  EXPECT_EQ(scrolled[0].text, lines[0].text);
  EXPECT_EQ(scrolled[1].text, lines[4].text);
}

// The NAMESPACES section of the detail view: each kind's inode and whom it
// is shared with, the user namespace's root uid and maps.
TEST(TopDetailTest, NamespacesSection) {
  using collector::NamespaceKind;
  using collector::NamespaceSharing;
  Scene scene = MakeScene();
  ContainerStats web = scene.cur.containers[0];
  collector::ContainerNamespaces& ns = web.namespaces;
  ns.pid = 4123;
  uint64_t inode = 4026532300;
  for (auto& info : ns.kinds) {
    info.inode = ++inode;
    info.sharing = NamespaceSharing::kPrivate;
  }
  ns[NamespaceKind::kPid].sharing = NamespaceSharing::kHost;
  ns[NamespaceKind::kNet].sharing = NamespaceSharing::kContainers;
  auto members = std::make_shared<std::vector<std::string>>();
  for (const char* n : {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", web.identity.name.c_str()}) {
    members->push_back(n);
  }
  std::sort(members->begin(), members->end());
  ns[NamespaceKind::kNet].members = members;
  ns[NamespaceKind::kTime].inode.reset();
  ns[NamespaceKind::kTime].sharing = NamespaceSharing::kUnknown;
  ns.uid_map = std::vector<collector::IdMapRange>{{0, 100000, 65536}};
  ns.gid_map = std::vector<collector::IdMapRange>{};
  DetailInput in;
  in.container = &web;
  std::vector<ScreenLine> lines = DetailLines(in, 100);
  size_t at = 0;
  while (at < lines.size() && lines[at].text.rfind("NAMESPACES", 0) != 0) ++at;
  ASSERT_LT(at, lines.size());
  std::vector<ScreenLine> section(lines.begin() + at, lines.end());
  ExpectGolden("detail_namespaces_100.txt", Dump(section));
  const std::string all = Dump(section);
  EXPECT_NE(all.find("NAMESPACES (of pid 4123)"), std::string::npos);
  EXPECT_NE(all.find("shared with a1, a2, a3, a4, a5, a6, a7, a8 (+1 more)"), std::string::npos);
  EXPECT_NE(all.find("root = host uid 100000"), std::string::npos);

  ContainerStats none = scene.cur.containers[0];
  in.container = &none;
  const std::string unknown = Dump(DetailLines(in, 100));
  EXPECT_NE(unknown.find("NAMESPACES"), std::string::npos);
}

}  // namespace
}  // namespace berth::cli
