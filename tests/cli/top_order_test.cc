#include "cli/top_order.h"

#include <gtest/gtest.h>

#include "tests/cli/top_test_util.h"

namespace berth::cli {
namespace {

using testing::RowNamed;

std::vector<std::string> Names(const std::vector<TopRow>& rows) {
  std::vector<std::string> out;
  for (const TopRow& r : rows) out.push_back(r.name);
  return out;
}

TEST(TopOrderTest, ParseColumn) {
  struct Case {
    const char* in;
    std::optional<Column> want;
  } cases[] = {
      {"cpu", Column::kCpu},       {"CPU", Column::kCpu},     {"cpu %", Column::kCpu},
      {"mem", Column::kMem},       {"memory", Column::kMem},  {"mem%", Column::kMemPercent},
      {"name", Column::kName},     {"net", Column::kNet},     {"block", Column::kBlock},
      {"pids", Column::kPids},     {"oom", Column::kOom},     {"uptime", Column::kUptime},
      {"throttled", Column::kThrottle}, {"psi", Column::kPsi}, {"bogus", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseColumn(c.in), c.want) << c.in;
}

TEST(TopOrderTest, EveryColumnHasADistinctKeyAndFlag) {
  std::set<char> keys;
  std::set<std::string> flags;
  for (const ColumnInfo& info : AllColumns()) {
    EXPECT_TRUE(keys.insert(info.key).second) << info.key;
    EXPECT_TRUE(flags.insert(info.flag_name).second) << info.flag_name;
    EXPECT_EQ(ColumnForKey(info.key), info.column);
    EXPECT_EQ(ParseColumn(info.flag_name), info.column);
    EXPECT_EQ(&InfoFor(info.column), &info);
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kColumnCount));
  // Keys the view uses for something else must not sort.
  for (int k : {'q', 'p', 'r', 'g', '/', '?', 'h', 'j', 'k', 'I', ' '}) {
    EXPECT_FALSE(ColumnForKey(k).has_value()) << static_cast<char>(k);
  }
}

TEST(TopOrderTest, NextColumnWraps) {
  EXPECT_EQ(NextColumn(Column::kName, +1), Column::kId);
  EXPECT_EQ(NextColumn(Column::kName, -1), Column::kNamespaces);
  EXPECT_EQ(NextColumn(Column::kNamespaces, +1), Column::kName);
}

TEST(TopOrderTest, SortByCpuAbsentLastBothWays) {
  std::vector<TopRow> rows = {RowNamed("a", 10.0), RowNamed("b"), RowNamed("c", 30.0),
                              RowNamed("d", 20.0), RowNamed("e", 20.0)};
  SortRows(rows, Column::kCpu, true);
  EXPECT_EQ(Names(rows), (std::vector<std::string>{"c", "d", "e", "a", "b"}));
  SortRows(rows, Column::kCpu, false);
  EXPECT_EQ(Names(rows), (std::vector<std::string>{"a", "d", "e", "c", "b"}));
}

TEST(TopOrderTest, SortByEachNumericColumn) {
  // Row "big" has the larger figure in every numeric column.
  TopRow small = RowNamed("small"), big = RowNamed("big");
  small.cpu_percent = 1; big.cpu_percent = 2;
  small.mem_bytes = 1; big.mem_bytes = 2;
  small.mem_percent = 1; big.mem_percent = 2;
  small.net_rx_bytes_per_second = 1; big.net_tx_bytes_per_second = 2;
  small.block_read_bytes_per_second = 1; big.block_write_bytes_per_second = 2;
  small.pids = 1; big.pids = 2;
  small.throttled_percent = 1; big.throttled_percent = 2;
  small.oom_kills = 1; big.oom_kills = 2;
  small.mem_psi_some_avg10 = 1; big.mem_psi_some_avg10 = 2;
  small.uptime_seconds = 1; big.uptime_seconds = 2;
  for (const ColumnInfo& info : AllColumns()) {
    if (!info.numeric()) continue;
    std::vector<TopRow> rows = {small, big};
    SortRows(rows, info.column, true);
    EXPECT_EQ(rows[0].name, "big") << info.flag_name;
    SortRows(rows, info.column, false);
    EXPECT_EQ(rows[0].name, "small") << info.flag_name;
  }
}

TEST(TopOrderTest, SortByName) {
  std::vector<TopRow> rows = {RowNamed("b"), RowNamed("a"), RowNamed("c")};
  SortRows(rows, Column::kName, false);
  EXPECT_EQ(Names(rows), (std::vector<std::string>{"a", "b", "c"}));
  SortRows(rows, Column::kName, true);
  EXPECT_EQ(Names(rows), (std::vector<std::string>{"c", "b", "a"}));
}

TEST(TopOrderTest, FilterMatchesNameImageIdGroupCaseInsensitively) {
  TopRow r = RowNamed("Web-Frontend", 1.0, "shop");
  r.image = "nginx:1.25";
  r.id = "0123abcd";
  struct Case {
    const char* filter;
    bool want;
  } cases[] = {{"", true},        {"web", true},  {"FRONT", true}, {"nginx", true},
               {"123ab", true},   {"shop", true}, {"redis", false}, {"web-frontendx", false}};
  for (const Case& c : cases) EXPECT_EQ(MatchesFilter(r, c.filter), c.want) << c.filter;
}

TEST(TopOrderTest, ArrangeWithoutGroupingFiltersAndSorts) {
  std::vector<TopRow> rows = {RowNamed("db", 5.0), RowNamed("web1", 10.0),
                              RowNamed("web2", 30.0)};
  auto out = ArrangeRows(rows, Column::kCpu, true, "web", false, {});
  EXPECT_EQ(Names(out), (std::vector<std::string>{"web2", "web1"}));
}

TEST(TopOrderTest, ArrangeGroupsSumsAndNestsMembers) {
  std::vector<TopRow> rows = {RowNamed("shop-web", 10.0, "shop"),
                              RowNamed("shop-db", 30.0, "shop"),
                              RowNamed("lonely", 35.0),
                              RowNamed("blog-web", 5.0, "blog")};
  rows[0].mem_bytes = 100;
  rows[1].mem_bytes = 200;
  rows[1].alert = Alert::kWarn;
  rows[0].pids = 2;
  rows[1].pids = 3;
  auto out = ArrangeRows(rows, Column::kCpu, true, "", true, {});
  ASSERT_EQ(Names(out), (std::vector<std::string>{"shop", "shop-db", "shop-web", "lonely",
                                                  "blog", "blog-web"}));
  const TopRow& shop = out[0];
  EXPECT_TRUE(shop.is_group);
  EXPECT_EQ(shop.member_count, 2u);
  EXPECT_DOUBLE_EQ(*shop.cpu_percent, 40.0);
  EXPECT_EQ(shop.mem_bytes, 300u);
  EXPECT_EQ(shop.pids, 5u);
  EXPECT_EQ(shop.alert, Alert::kWarn);
  EXPECT_EQ(shop.id, GroupRowId("shop"));
  EXPECT_EQ(out[1].depth, 1);
  EXPECT_EQ(out[3].depth, 0);
  EXPECT_FALSE(out[3].is_group);

  auto collapsed = ArrangeRows(rows, Column::kCpu, true, "", true, {"shop"});
  EXPECT_EQ(Names(collapsed), (std::vector<std::string>{"shop", "lonely", "blog", "blog-web"}));
  EXPECT_TRUE(collapsed[0].collapsed);
  EXPECT_FALSE(collapsed[2].collapsed);

  // Filter narrows members; a group without matching members disappears.
  auto filtered = ArrangeRows(rows, Column::kCpu, true, "db", true, {});
  EXPECT_EQ(Names(filtered), (std::vector<std::string>{"shop", "shop-db"}));
  EXPECT_DOUBLE_EQ(*filtered[0].cpu_percent, 30.0);
}

TEST(TopOrderTest, GroupCountsSaturateInsteadOfWrapping) {
  std::vector<TopRow> rows = {RowNamed("a", 1.0, "g"), RowNamed("b", 1.0, "g"),
                              RowNamed("c", 1.0, "g")};
  const uint64_t kMax = UINT64_MAX;
  rows[0].mem_bytes = kMax - 5;
  rows[1].mem_bytes = 10;  // a plain + wraps to 4
  rows[2].mem_bytes = 1;
  rows[0].pids = kMax;
  rows[1].pids = kMax;
  rows[0].oom_kills = kMax - 1;
  rows[1].oom_kills = 1;  // exactly 2^64−1: fits
  auto out = ArrangeRows(rows, Column::kMem, true, "", true, {});
  ASSERT_FALSE(out.empty());
  ASSERT_TRUE(out[0].is_group);
  EXPECT_EQ(out[0].mem_bytes, kMax);
  EXPECT_EQ(out[0].pids, kMax);
  EXPECT_EQ(out[0].oom_kills, kMax);
}

}  // namespace
}  // namespace berth::cli
