#include "cli/top_state.h"

#include <gtest/gtest.h>

#include "tests/cli/top_test_util.h"

namespace berth::cli {
namespace {

using testing::RowNamed;

std::vector<TopRow> Rows(int n) {
  std::vector<TopRow> rows;
  for (int i = 0; i < n; ++i) rows.push_back(RowNamed("c" + std::to_string(i)));
  return rows;
}

TEST(TopStateTest, SortKeysSelectAndInvert) {
  TopState s;
  auto rows = Rows(3);
  EXPECT_EQ(HandleKey(s, 'm', rows, 10), KeyEffect::kRedraw);
  EXPECT_EQ(s.sort, Column::kMem);
  EXPECT_TRUE(s.descending);  // numeric: biggest first
  HandleKey(s, 'm', rows, 10);
  EXPECT_FALSE(s.descending);  // same key again inverts
  HandleKey(s, 'n', rows, 10);
  EXPECT_EQ(s.sort, Column::kName);
  EXPECT_FALSE(s.descending);  // text: A to Z
  HandleKey(s, 'r', rows, 10);
  EXPECT_TRUE(s.descending);
  HandleKey(s, 'I', rows, 10);
  EXPECT_FALSE(s.descending);
  HandleKey(s, '>', rows, 10);
  EXPECT_EQ(s.sort, Column::kId);
  HandleKey(s, '<', rows, 10);
  HandleKey(s, '<', rows, 10);
  EXPECT_EQ(s.sort, Column::kNamespaces);  // wraps to the last column
}

TEST(TopStateTest, FilterEditing) {
  TopState s;
  auto rows = Rows(3);
  HandleKey(s, '/', rows, 10);
  EXPECT_TRUE(s.editing_filter);
  for (int k : {'w', 'e', 'b', 'q'}) HandleKey(s, k, rows, 10);  // 'q' types, not quits
  EXPECT_FALSE(s.quit);
  EXPECT_EQ(s.filter, "webq");
  HandleKey(s, kKeyBackspace, rows, 10);
  EXPECT_EQ(s.filter, "web");
  HandleKey(s, kKeyEnter, rows, 10);
  EXPECT_FALSE(s.editing_filter);
  EXPECT_EQ(s.filter, "web");
  HandleKey(s, kKeyEscape, rows, 10);  // Esc in the list clears
  EXPECT_EQ(s.filter, "");
  HandleKey(s, '/', rows, 10);
  HandleKey(s, 'x', rows, 10);
  HandleKey(s, kKeyEscape, rows, 10);  // Esc while typing clears and stops
  EXPECT_EQ(s.filter, "");
  EXPECT_FALSE(s.editing_filter);
}

TEST(TopStateTest, MovementAndScrolling) {
  TopState s;
  auto rows = Rows(30);
  Reconcile(s, rows, 10, nullptr);
  EXPECT_EQ(s.selected_id, "c0-id");  // the first row is selected from the start
  struct Step {
    int key;
    size_t index, scroll;
  } steps[] = {
      {kKeyDown, 1, 0}, {'j', 2, 0},        {kKeyPageDown, 12, 3}, {kKeyEnd, 29, 20},
      {kKeyDown, 29, 20}, {kKeyPageUp, 19, 19}, {kKeyUp, 18, 18}, {kKeyHome, 0, 0},
      {kKeyUp, 0, 0},
  };
  for (const Step& st : steps) {
    HandleKey(s, st.key, rows, 10);
    EXPECT_EQ(s.selected_index, st.index) << st.key;
    EXPECT_EQ(s.scroll, st.scroll) << st.key;
    EXPECT_EQ(s.selected_id, rows[st.index].id);
  }
}

TEST(TopStateTest, SelectionFollowsTheContainerAcrossResorts) {
  TopState s;
  auto rows = Rows(5);
  HandleKey(s, kKeyDown, rows, 10);
  HandleKey(s, kKeyDown, rows, 10);
  EXPECT_EQ(s.selected_id, "c2-id");
  std::vector<TopRow> reordered = {rows[4], rows[2], rows[0], rows[1], rows[3]};
  Reconcile(s, reordered, 10, nullptr);
  EXPECT_EQ(s.selected_index, 1u);
  EXPECT_EQ(s.selected_id, "c2-id");
  // The selected container vanishes: the selection stays at that position.
  std::vector<TopRow> without = {rows[4], rows[0], rows[1]};
  Reconcile(s, without, 10, nullptr);
  EXPECT_EQ(s.selected_index, 1u);
  EXPECT_EQ(s.selected_id, "c0-id");
  Reconcile(s, {rows[3]}, 10, nullptr);
  EXPECT_EQ(s.selected_index, 0u);
  EXPECT_EQ(s.selected_id, "c3-id");
}

TEST(TopStateTest, EnterOpensDetailAndVanishingReturnsWithNotice) {
  TopState s;
  auto rows = Rows(3);
  HandleKey(s, kKeyDown, rows, 10);
  EXPECT_EQ(HandleKey(s, kKeyEnter, rows, 10), KeyEffect::kRefreshNow);
  EXPECT_EQ(s.view, View::kDetail);
  EXPECT_EQ(s.detail_id, "c1-id");
  EXPECT_EQ(s.detail_name, "c1");
  std::set<std::string> ids = {"c0-id", "c1-id"};
  Reconcile(s, rows, 10, &ids);
  EXPECT_EQ(s.view, View::kDetail);
  ids.erase("c1-id");
  Reconcile(s, rows, 10, &ids);
  EXPECT_EQ(s.view, View::kList);
  EXPECT_EQ(s.notice, "container c1 is gone");
  HandleKey(s, kKeyDown, rows, 10);
  EXPECT_EQ(s.notice, "");  // any key clears the notice
  HandleKey(s, kKeyEnter, rows, 10);
  EXPECT_EQ(s.view, View::kDetail);
  HandleKey(s, kKeyEscape, rows, 10);
  EXPECT_EQ(s.view, View::kList);
}

TEST(TopStateTest, EnterOnAGroupFoldsIt) {
  TopState s;
  TopRow g = RowNamed("shop");
  g.is_group = true;
  g.group = "shop";
  std::vector<TopRow> rows = {g};
  HandleKey(s, kKeyEnter, rows, 10);
  EXPECT_EQ(s.view, View::kList);
  EXPECT_EQ(s.collapsed.count("shop"), 1u);
  HandleKey(s, kKeyEnter, rows, 10);
  EXPECT_EQ(s.collapsed.count("shop"), 0u);
}

TEST(TopStateTest, PauseIntervalGroupHelpQuit) {
  TopState s;
  auto rows = Rows(1);
  EXPECT_EQ(HandleKey(s, ' ', rows, 10), KeyEffect::kRedraw);
  EXPECT_TRUE(s.paused);
  EXPECT_EQ(HandleKey(s, 'p', rows, 10), KeyEffect::kRefreshNow);
  EXPECT_FALSE(s.paused);
  HandleKey(s, '+', rows, 10);
  EXPECT_EQ(s.interval, std::chrono::milliseconds(2000));
  HandleKey(s, '-', rows, 10);
  HandleKey(s, '-', rows, 10);
  EXPECT_EQ(s.interval, std::chrono::milliseconds(500));
  for (int i = 0; i < 5; ++i) HandleKey(s, '-', rows, 10);
  EXPECT_EQ(s.interval, IntervalSteps().front());
  s.interval = std::chrono::milliseconds(1500);  // from --interval 1.5s
  HandleKey(s, '+', rows, 10);
  EXPECT_EQ(s.interval, std::chrono::milliseconds(2000));
  HandleKey(s, 'g', rows, 10);
  EXPECT_TRUE(s.group);
  HandleKey(s, '?', rows, 10);
  EXPECT_EQ(s.view, View::kHelp);
  HandleKey(s, 'q', rows, 10);  // any key leaves help, q included
  EXPECT_EQ(s.view, View::kList);
  EXPECT_FALSE(s.quit);
  HandleKey(s, 'q', rows, 10);
  EXPECT_TRUE(s.quit);
}

}  // namespace
}  // namespace berth::cli
