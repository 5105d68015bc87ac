// The column table of `berth top`: every row whole, every column reading,
// showing and sorting its figure, and each column's group sum.
#include "cli/top_columns.h"

#include <limits>
#include <set>

#include <gtest/gtest.h>

#include "cli/top_order.h"
#include "collector/rates.h"
#include "tests/cli/top_test_util.h"

namespace berth::cli {
namespace {

using collector::ContainerStats;
using testing::kGiB;
using testing::kMiB;
using testing::MakeContainer;
using testing::MakeSnapshot;
using testing::RowNamed;

TEST(TopColumnsTest, EveryRowIsWhole) {
  ASSERT_EQ(AllColumns().size(), static_cast<size_t>(kColumnCount));
  std::set<int> priorities;
  for (size_t i = 0; i < AllColumns().size(); ++i) {
    const ColumnInfo& c = AllColumns()[i];
    EXPECT_EQ(c.column, static_cast<Column>(i)) << c.flag_name;  // display order
    EXPECT_NE(c.format, nullptr) << c.flag_name;
    // Exactly one way to sort.
    EXPECT_NE(c.sort_value == nullptr, c.sort_text == nullptr) << c.flag_name;
    EXPECT_GT(c.width, 0u) << c.flag_name;
    EXPECT_TRUE(priorities.insert(c.priority).second) << c.flag_name;
    // A figure column reads its figure; NAME and ID are the row's identity.
    const bool identity = c.column == Column::kName || c.column == Column::kId;
    EXPECT_EQ(c.read == nullptr, identity) << c.flag_name;
    if (identity) EXPECT_FALSE(c.numeric()) << c.flag_name;
  }
  EXPECT_EQ(*priorities.begin(), 1);
  EXPECT_EQ(InfoFor(Column::kName).priority, 1);  // the layout starts from NAME
}

// One container with every figure the list view shows, sampled twice.
std::vector<TopRow> FullRows() {
  auto make = [](int step) {
    ContainerStats c = MakeContainer("aaaa", "web", 1'000'000'000 + step * 500'000'000ull,
                                     512 * kMiB);
    c.memory.limit_bytes = 1 * kGiB;
    c.memory.events.oom_kill = 1;
    c.memory_pressure.some = collector::PressureLine{2.5, 1, 0.5, 100};
    c.identity.start_time_seconds = 900.0;
    c.cpu.nr_periods = 100 + step * 10;
    c.cpu.nr_throttled = 10 + step * 5;
    c.network_mode = collector::NetworkMode::kOwn;
    c.namespaces.pid = 4242;
    c.namespaces[collector::NamespaceKind::kPid] = {.inode = 4026531836,
                                                    .sharing = collector::NamespaceSharing::kHost};
    c.net_interfaces = {{.name = "eth0", .rx_bytes = 1000 + step * 4000ull,
                         .tx_bytes = 1000 + step * 2000ull}};
    c.block_io_known = true;
    c.block_devices = {{.major = 8, .minor = 0, .name = "sda", .read_bytes = step * 8192ull,
                        .write_bytes = step * 4096ull, .read_ios = 0, .write_ios = 0}};
    return MakeSnapshot(999.0 + step, 100'000'000'000 + step * 2'000'000'000ull, {c});
  };
  const collector::Snapshot prev = make(0), cur = make(1);
  return BuildRows(cur, collector::Rates(&prev, cur));
}

TEST(TopColumnsTest, EveryColumnReadsShowsAndSortsItsFigure) {
  const std::vector<TopRow> rows = FullRows();
  ASSERT_EQ(rows.size(), 1u);
  for (const ColumnInfo& c : AllColumns()) {
    const std::string text = c.format(rows[0]).text;
    EXPECT_FALSE(text.empty()) << c.flag_name;
    EXPECT_EQ(text.find("--"), std::string::npos) << c.flag_name << ": " << text;
    if (c.numeric()) {
      EXPECT_TRUE(c.sort_value(rows[0]).has_value()) << c.flag_name;
    }
  }
  // And an empty row shows every figure as absent, sorting it last.
  const TopRow empty = RowNamed("empty");
  for (const ColumnInfo& c : AllColumns()) {
    if (!c.numeric()) continue;
    EXPECT_NE(c.format(empty).text.find("--"), std::string::npos) << c.flag_name;
    EXPECT_FALSE(c.sort_value(empty).has_value()) << c.flag_name;
  }
}

TEST(TopColumnsTest, EachColumnSumsItsGroupAsBefore) {
  // Two members with figures 1 and 2 (rx/tx, read/write: 1+1 and 2+2).
  auto member = [](const std::string& name, double v) {
    TopRow r = RowNamed(name, v, "shop");
    r.cpu_capacity_percent = 100 * v;
    r.mem_bytes = static_cast<uint64_t>(v);
    r.mem_limit_bytes = 1000;
    r.mem_percent = v;
    r.net_rx_bytes_per_second = r.net_tx_bytes_per_second = v;
    r.block_read_bytes_per_second = r.block_write_bytes_per_second = v;
    r.pids = static_cast<uint64_t>(v);
    r.throttled_percent = v;
    r.oom_kills = static_cast<uint64_t>(v);
    r.mem_psi_some_avg10 = v;
    r.uptime_seconds = v;
    return r;
  };
  const std::vector<TopRow> out =
      ArrangeRows({member("a", 1), member("b", 2)}, Column::kName, false, "", true, {});
  ASSERT_EQ(out.size(), 3u);
  const TopRow& g = out[0];
  ASSERT_TRUE(g.is_group);
  EXPECT_EQ(g.cpu_percent, 3.0);                   // added
  EXPECT_EQ(g.cpu_capacity_percent, 200.0);        // the largest (the bar's scale)
  EXPECT_EQ(g.mem_bytes, 3u);                      // added
  EXPECT_EQ(g.mem_limit_bytes, std::nullopt);      // members' limits differ
  EXPECT_EQ(g.mem_percent, std::nullopt);
  EXPECT_EQ(g.net_rx_bytes_per_second, 3.0);
  EXPECT_EQ(g.net_tx_bytes_per_second, 3.0);
  EXPECT_EQ(g.block_read_bytes_per_second, 3.0);
  EXPECT_EQ(g.block_write_bytes_per_second, 3.0);
  EXPECT_EQ(g.pids, 3u);
  EXPECT_EQ(g.throttled_percent, 2.0);             // the worst member's
  EXPECT_EQ(g.oom_kills, 3u);
  EXPECT_EQ(g.mem_psi_some_avg10, 2.0);
  EXPECT_EQ(g.uptime_seconds, 2.0);                // the oldest member's
}

TEST(TopColumnsTest, GroupCountersSaturateInsteadOfWrapping) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  TopRow a = RowNamed("a", std::nullopt, "shop"), b = RowNamed("b", std::nullopt, "shop");
  a.mem_bytes = kMax - 1;
  b.mem_bytes = 5;
  a.pids = kMax;
  b.pids = 1;
  a.oom_kills = kMax - 2;
  b.oom_kills = 3;
  const std::vector<TopRow> out = ArrangeRows({a, b}, Column::kName, false, "", true, {});
  ASSERT_TRUE(out[0].is_group);
  EXPECT_EQ(out[0].mem_bytes, kMax);
  EXPECT_EQ(out[0].pids, kMax);
  EXPECT_EQ(out[0].oom_kills, kMax);
}

// The NS column's marker: host-shared isolating kinds, kinds shared with
// other containers, a user namespace of its own.
TEST(TopColumnsTest, NamespaceMarker) {
  using collector::ContainerNamespaces;
  using collector::NamespaceKind;
  using collector::NamespaceSharing;
  using S = NamespaceSharing;
  struct Case {
    std::vector<std::pair<NamespaceKind, S>> kinds;
    const char* marker;
  };
  const Case cases[] = {
      {{}, "--"},  // nothing read
      {{{NamespaceKind::kNet, S::kPrivate}, {NamespaceKind::kPid, S::kPrivate},
        {NamespaceKind::kUser, S::kHost}, {NamespaceKind::kTime, S::kHost},
        {NamespaceKind::kCgroup, S::kHost}},
       ""},  // docker's default on v1: user, time, cgroup are the host's, unmarked
      {{{NamespaceKind::kNet, S::kHost}, {NamespaceKind::kPid, S::kHost},
        {NamespaceKind::kIpc, S::kPrivate}},
       "H:net,pid"},
      {{{NamespaceKind::kUts, S::kHost}, {NamespaceKind::kIpc, S::kHost},
        {NamespaceKind::kMnt, S::kHost}},
       "H:ipc,uts,mnt"},
      {{{NamespaceKind::kNet, S::kContainers}, {NamespaceKind::kIpc, S::kContainers},
        {NamespaceKind::kPid, S::kHost}},
       "H:pid C:net,ipc"},
      {{{NamespaceKind::kUser, S::kPrivate}, {NamespaceKind::kNet, S::kPrivate}}, "U"},
      {{{NamespaceKind::kUser, S::kContainers}}, "C:user"},  // a rootless engine's containers
      {{{NamespaceKind::kNet, S::kHost}, {NamespaceKind::kUser, S::kPrivate}}, "H:net U"},
      {{{NamespaceKind::kNet, S::kUnknown}}, ""},  // read, host's unknown: nothing claimed
  };
  for (const Case& c : cases) {
    ContainerNamespaces ns;
    uint64_t inode = 4026532000;
    for (const auto& [kind, sharing] : c.kinds) {
      ns[kind].inode = ++inode;
      ns[kind].sharing = sharing;
    }
    EXPECT_EQ(NamespaceMarker(ns), c.marker) << c.marker;
  }
  // The column reads it from the container; a group row shows nothing.
  ContainerStats web = MakeContainer("a1", "web", 1, 1);
  web.namespaces[collector::NamespaceKind::kPid].inode = 1;
  web.namespaces[collector::NamespaceKind::kPid].sharing = S::kHost;
  collector::Snapshot snap = MakeSnapshot(10, 1000, {web});
  TopRow row;
  InfoFor(Column::kNamespaces).read(row, RowSource{snap.containers[0], nullptr, snap});
  EXPECT_EQ(InfoFor(Column::kNamespaces).format(row).text, "H:pid");
  row.is_group = true;
  EXPECT_EQ(InfoFor(Column::kNamespaces).format(row).text, "");
  EXPECT_EQ(ParseColumn("ns"), Column::kNamespaces);
}

}  // namespace
}  // namespace berth::cli
