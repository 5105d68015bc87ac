#include "cli/top_state.h"

#include <algorithm>

namespace berth::cli {

namespace {

void SelectIndex(TopState& s, const std::vector<TopRow>& rows, size_t index) {
  if (rows.empty()) {
    s.selected_index = 0;
    s.selected_id.clear();
    return;
  }
  s.selected_index = std::min(index, rows.size() - 1);
  s.selected_id = rows[s.selected_index].id;
}

void KeepVisible(TopState& s, const std::vector<TopRow>& rows, size_t page_rows) {
  if (page_rows == 0) page_rows = 1;
  if (s.selected_index < s.scroll) s.scroll = s.selected_index;
  if (s.selected_index >= s.scroll + page_rows) s.scroll = s.selected_index + 1 - page_rows;
  const size_t max_scroll = rows.size() > page_rows ? rows.size() - page_rows : 0;
  s.scroll = std::min(s.scroll, max_scroll);
}

void SetSort(TopState& s, Column column) {
  if (s.sort == column) {
    s.descending = !s.descending;
  } else {
    s.sort = column;
    s.descending = InfoFor(column).numeric();
  }
}

KeyEffect StepInterval(TopState& s, int step) {
  const auto& steps = IntervalSteps();
  if (step > 0) {
    for (auto ms : steps) {
      if (ms > s.interval) {
        s.interval = ms;
        return KeyEffect::kRefreshNow;
      }
    }
  } else {
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      if (*it < s.interval) {
        s.interval = *it;
        return KeyEffect::kRefreshNow;
      }
    }
  }
  return KeyEffect::kNone;
}

KeyEffect FilterKey(TopState& s, int key) {
  if (key == kKeyEscape) {
    s.filter.clear();
    s.editing_filter = false;
  } else if (key == kKeyEnter) {
    s.editing_filter = false;
  } else if (key == kKeyBackspace) {
    if (s.filter.empty()) {
      s.editing_filter = false;
    } else {
      s.filter.pop_back();
    }
  } else if (key >= 0x20 && key < 0x7f) {
    s.filter += static_cast<char>(key);
  } else {
    return KeyEffect::kNone;
  }
  return KeyEffect::kRedraw;
}

KeyEffect DetailKey(TopState& s, int key) {
  switch (key) {
    case kKeyEscape:
    case kKeyBackspace:
    case kKeyLeft:
      s.view = View::kList;
      return KeyEffect::kRedraw;
    case kKeyUp:
      if (s.detail_scroll > 0) --s.detail_scroll;
      return KeyEffect::kRedraw;
    case kKeyDown:
      ++s.detail_scroll;
      return KeyEffect::kRedraw;
    case kKeyPageUp:
      s.detail_scroll = s.detail_scroll > 10 ? s.detail_scroll - 10 : 0;
      return KeyEffect::kRedraw;
    case kKeyPageDown:
      s.detail_scroll += 10;
      return KeyEffect::kRedraw;
    case kKeyHome:
      s.detail_scroll = 0;
      return KeyEffect::kRedraw;
    default:
      return KeyEffect::kNone;
  }
}

}  // namespace

const std::vector<std::chrono::milliseconds>& IntervalSteps() {
  using std::chrono::milliseconds;
  static const std::vector<milliseconds> kSteps = {
      milliseconds(250),  milliseconds(500),   milliseconds(1000),  milliseconds(2000),
      milliseconds(5000), milliseconds(10000), milliseconds(30000), milliseconds(60000)};
  return kSteps;
}

KeyEffect HandleKey(TopState& s, int key, const std::vector<TopRow>& rows, size_t page_rows) {
  const bool had_notice = !s.notice.empty();
  s.notice.clear();
  if (s.editing_filter) {
    return FilterKey(s, key);
  }
  if (s.view == View::kHelp) {
    s.view = s.view_before_help;
    return KeyEffect::kRedraw;
  }
  // Keys that work in every view.
  switch (key) {
    case 'q':
    case 'Q':
      s.quit = true;
      return KeyEffect::kRedraw;
    case '?':
    case 'h':
    case kKeyHelp:
      s.view_before_help = s.view;
      s.view = View::kHelp;
      return KeyEffect::kRedraw;
    case ' ':
    case 'p':
      s.paused = !s.paused;
      return s.paused ? KeyEffect::kRedraw : KeyEffect::kRefreshNow;
    case '+':
    case '=':
      return StepInterval(s, +1);
    case '-':
    case '_':
      return StepInterval(s, -1);
    default:
      break;
  }
  if (s.view == View::kDetail) {
    KeyEffect e = DetailKey(s, key);
    return e == KeyEffect::kNone && had_notice ? KeyEffect::kRedraw : e;
  }
  // List view.
  if (std::optional<Column> column = ColumnForKey(key)) {
    SetSort(s, *column);
    return KeyEffect::kRedraw;
  }
  const size_t page = std::max<size_t>(page_rows, 1);
  switch (key) {
    case '<':
    case ',':
      s.sort = NextColumn(s.sort, -1);
      s.descending = InfoFor(s.sort).numeric();
      return KeyEffect::kRedraw;
    case '>':
    case '.':
      s.sort = NextColumn(s.sort, +1);
      s.descending = InfoFor(s.sort).numeric();
      return KeyEffect::kRedraw;
    case 'r':
    case 'I':
      s.descending = !s.descending;
      return KeyEffect::kRedraw;
    case '/':
      s.editing_filter = true;
      return KeyEffect::kRedraw;
    case kKeyEscape:
      s.filter.clear();
      return KeyEffect::kRedraw;
    case 'g':
      s.group = !s.group;
      return KeyEffect::kRedraw;
    case kKeyUp:
    case 'k':
      SelectIndex(s, rows, s.selected_index > 0 ? s.selected_index - 1 : 0);
      break;
    case kKeyDown:
    case 'j':
      SelectIndex(s, rows, s.selected_index + 1);
      break;
    case kKeyPageUp:
      SelectIndex(s, rows, s.selected_index > page ? s.selected_index - page : 0);
      break;
    case kKeyPageDown:
      SelectIndex(s, rows, s.selected_index + page);
      break;
    case kKeyHome:
      SelectIndex(s, rows, 0);
      break;
    case kKeyEnd:
      SelectIndex(s, rows, rows.empty() ? 0 : rows.size() - 1);
      break;
    case kKeyEnter:
    case kKeyRight: {
      if (rows.empty() || s.selected_index >= rows.size()) return KeyEffect::kNone;
      const TopRow& row = rows[s.selected_index];
      if (row.is_group) {
        if (!s.collapsed.erase(row.group)) s.collapsed.insert(row.group);
        return KeyEffect::kRedraw;
      }
      s.view = View::kDetail;
      s.detail_id = row.id;
      s.detail_name = row.name;
      s.detail_scroll = 0;
      return KeyEffect::kRefreshNow;
    }
    default:
      return had_notice ? KeyEffect::kRedraw : KeyEffect::kNone;
  }
  KeepVisible(s, rows, page_rows);
  return KeyEffect::kRedraw;
}

void Reconcile(TopState& s, const std::vector<TopRow>& rows, size_t page_rows,
               const std::set<std::string>* container_ids) {
  if (s.view == View::kDetail && container_ids != nullptr &&
      container_ids->count(s.detail_id) == 0) {
    s.view = View::kList;
    s.notice = "container " + s.detail_name + " is gone";
  }
  if (rows.empty()) {
    s.selected_index = 0;
    s.scroll = 0;
    return;
  }
  auto it = std::find_if(rows.begin(), rows.end(),
                         [&](const TopRow& r) { return r.id == s.selected_id; });
  if (it != rows.end()) {
    s.selected_index = static_cast<size_t>(it - rows.begin());
  } else {
    SelectIndex(s, rows, s.selected_index);
  }
  KeepVisible(s, rows, page_rows);
}

}  // namespace berth::cli
