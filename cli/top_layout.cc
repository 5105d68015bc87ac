#include "cli/top_layout.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "cli/view_widgets.h"

namespace berth::cli {

namespace {

constexpr size_t kNameComfortWidth = 24;
constexpr size_t kNameMaxWidth = 40;
constexpr size_t kBarWidth = 12;
constexpr size_t kHeaderLines = 4;  // title, host, filter/notice, column titles
constexpr size_t kFooterLines = 1;

// The columns in the order they are given room as the terminal widens.
const std::array<const ColumnInfo*, kColumnCount>& ByPriority() {
  static const std::array<const ColumnInfo*, kColumnCount> kOrder = [] {
    std::array<const ColumnInfo*, kColumnCount> order;
    for (size_t i = 0; i < order.size(); ++i) order[i] = &AllColumns()[i];
    std::stable_sort(order.begin(), order.end(), [](const ColumnInfo* a, const ColumnInfo* b) {
      return a->priority < b->priority;
    });
    return order;
  }();
  return kOrder;
}

size_t TotalWidth(const std::vector<ColumnLayout>& cols) {
  size_t w = 0;
  for (const auto& c : cols) w += c.width;
  return w + (cols.empty() ? 0 : cols.size() - 1);  // one space between cells
}

std::string Num(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string FitLine(const std::string& text, size_t width) { return PadRight(text, width); }

ScreenLine Line(std::string text, size_t width, Style style = Style::kNormal) {
  return ScreenLine{FitLine(text, width), style};
}

// `text` in lines of at most `width` characters, each after `indent`, broken
// at spaces (a word longer than `width` is cut).
std::vector<std::string> WrapWords(const std::string& text, size_t width,
                                   const std::string& indent) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = start + width;
    if (end >= text.size()) {
      end = text.size();
    } else {
      const size_t space = text.rfind(' ', end);
      if (space != std::string::npos && space > start) end = space;
    }
    lines.push_back(indent + text.substr(start, end - start));
    start = end;
    while (start < text.size() && text[start] == ' ') ++start;
  }
  return lines;
}

}  // namespace

ListLayout ComputeLayout(size_t width) {
  std::vector<ColumnLayout> chosen;
  for (const ColumnInfo* c : ByPriority()) {
    std::vector<ColumnLayout> trial = chosen;
    trial.push_back({c->column, c->width, 0});
    if (TotalWidth(trial) > width) break;
    chosen = std::move(trial);
  }
  auto find = [&](Column c) -> ColumnLayout* {
    for (auto& l : chosen) {
      if (l.column == c) return &l;
    }
    return nullptr;
  };
  auto grow_name = [&](size_t up_to) {
    ColumnLayout* name = find(Column::kName);
    if (name == nullptr) return;
    const size_t used = TotalWidth(chosen);
    const size_t spare = width > used ? width - used : 0;
    if (name->width < up_to) name->width += std::min(spare, up_to - name->width);
  };
  grow_name(kNameComfortWidth);
  for (const ColumnInfo& c : AllColumns()) {
    if (!c.bar) continue;
    ColumnLayout* l = find(c.column);
    if (l != nullptr && TotalWidth(chosen) + kBarWidth + 1 <= width) {
      l->bar_width = kBarWidth;
      l->width += kBarWidth + 1;
    }
  }
  grow_name(kNameMaxWidth);
  std::sort(chosen.begin(), chosen.end(), [](const ColumnLayout& a, const ColumnLayout& b) {
    return static_cast<int>(a.column) < static_cast<int>(b.column);
  });
  return ListLayout{std::move(chosen)};
}

std::string FormatInterval(std::chrono::milliseconds interval) {
  const auto ms = interval.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return Num("%.1fs", static_cast<double>(ms) / 1000.0);
}

std::string FormatCell(const TopRow& row, const ColumnLayout& l) {
  const ColumnInfo& info = InfoFor(l.column);
  const size_t value_width = l.bar_width > 0 ? l.width - l.bar_width - 1 : l.width;
  const CellText text = info.format(row);
  std::string cell = info.align == Align::kLeft ? PadRight(text.text, value_width)
                                                : PadLeft(text.text, value_width);
  if (l.bar_width > 0) cell += " " + Bar(text.bar_fraction, l.bar_width);
  return cell;
}

std::string RenderRow(const TopRow& row, const ListLayout& layout, size_t width) {
  std::string line;
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    if (i > 0) line += ' ';
    line += FormatCell(row, layout.columns[i]);
  }
  return FitLine(line, width);
}

std::string RenderColumnHeader(const ListLayout& layout, Column sort, bool descending,
                               size_t width) {
  std::string line;
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    const ColumnLayout& l = layout.columns[i];
    if (i > 0) line += ' ';
    const ColumnInfo& info = InfoFor(l.column);
    std::string title = info.title;
    if (l.column == sort) title += descending ? " v" : " ^";
    const bool left = info.align == Align::kLeft;
    const size_t value_width = l.bar_width > 0 ? l.width - l.bar_width - 1 : l.width;
    std::string cell = left ? PadRight(title, value_width) : PadLeft(title, value_width);
    if (l.bar_width > 0) cell.append(l.bar_width + 1, ' ');
    line += cell;
  }
  return FitLine(line, width);
}

size_t ListPageRows(size_t height) {
  return height > kHeaderLines + kFooterLines ? height - kHeaderLines - kFooterLines : 0;
}

std::vector<ScreenLine> RenderListView(const HostSummary& host, const std::vector<TopRow>& rows,
                                       const TopState& state, size_t width, size_t height) {
  std::vector<ScreenLine> out;
  out.reserve(height);
  std::string title = "berth top";
  if (!host.hostname.empty()) title += " - " + host.hostname;
  title += "   " + std::to_string(host.container_count) + " containers   cgroup " +
           host.cgroup_mode + "   every " + FormatInterval(state.interval);
  if (state.group) title += "   grouped";
  if (state.paused) title += "   [PAUSED]";
  out.push_back(Line(title, width, Style::kTitle));

  const size_t bar = width >= 120 ? 22 : 12;
  std::string cpu = "CPU ";
  const double cores = host.online_cpus ? *host.online_cpus : 0;
  std::optional<double> cpu_fraction;
  if (host.cpu_percent && cores > 0) cpu_fraction = *host.cpu_percent / (cores * 100.0);
  cpu += Bar(cpu_fraction, bar) + " " + PercentText(host.cpu_percent);
  cpu += " of " + (host.online_cpus ? std::to_string(*host.online_cpus) : std::string("?")) +
         " cores";
  std::string mem = "MEM ";
  std::optional<double> mem_fraction;
  if (host.mem_used_bytes && host.mem_total_bytes && *host.mem_total_bytes > 0) {
    mem_fraction = static_cast<double>(*host.mem_used_bytes) / *host.mem_total_bytes;
  }
  mem += Bar(mem_fraction, bar) + " " + PairText(BytesText(host.mem_used_bytes),
                                             BytesText(host.mem_total_bytes));
  out.push_back(Line(cpu + "   " + mem, width));

  if (!state.notice.empty()) {
    out.push_back(Line(state.notice, width, Style::kNotice));
  } else if (state.editing_filter) {
    out.push_back(Line("Filter: " + state.filter + "_   (Enter keeps, Esc clears)", width,
                       Style::kNotice));
  } else if (!state.filter.empty()) {
    out.push_back(Line("Filter: " + state.filter + "   (" + std::to_string(rows.size()) +
                           " shown, Esc clears)",
                       width, Style::kNotice));
  } else {
    out.push_back(Line("", width));
  }

  const ListLayout layout = ComputeLayout(width);
  out.push_back({RenderColumnHeader(layout, state.sort, state.descending, width), Style::kHeader});
  const size_t page = ListPageRows(height);
  std::vector<std::string> empty_text;
  if (rows.empty()) {
    if (!state.filter.empty()) empty_text = {"  no container matches the filter"};
    else if (state.empty_hint.empty()) empty_text = {"  no containers"};
    else empty_text = WrapWords(state.empty_hint, width > 4 ? width - 4 : 1, "  ");
  }
  for (size_t i = 0; i < page; ++i) {
    const size_t index = state.scroll + i;
    if (index >= rows.size()) {
      out.push_back(Line(i < empty_text.size() ? empty_text[i] : "", width, Style::kDim));
      continue;
    }
    const TopRow& row = rows[index];
    Style style = Style::kNormal;
    if (row.alert == Alert::kCritical) style = Style::kCritical;
    else if (row.alert == Alert::kWarn) style = Style::kWarn;
    else if (row.is_group) style = Style::kTitle;
    if (index == state.selected_index) style = Style::kSelected;
    out.push_back({RenderRow(row, layout, width), style});
  }
  // The longest key summary that fits.
  static const char* const kFooters[] = {
      "q quit  ? help  / filter  Esc clear  n/c/m/... sort  </> column  r invert  g group  "
      "Enter detail  Space pause  +/- interval",
      "q quit  ? help  / filter  c/m/n sort  </> column  r invert  g group  Enter detail",
      "q quit  ? help  / filter  c/m/n sort  r invert  g group  Enter detail",
  };
  std::string footer = kFooters[0];
  for (const char* f : kFooters) {
    footer = f;
    if (DisplayWidth(footer) <= width) break;
  }
  out.push_back(Line(footer, width, Style::kHeader));
  return out;
}

std::vector<ScreenLine> RenderHelpView(size_t width, size_t height) {
  std::vector<std::string> text = {
      "berth top - keys",
      "",
      "  q            quit (the terminal is restored)",
      "  ? h F1       this help; any key returns",
      "  Up Down j k  move the selection      PgUp PgDn Home End  scroll",
      "  Enter Right  detail view of the selected container (on a group: fold/unfold)",
      "  Esc Left     back to the list; in the list: clear the filter",
      "  /            filter by name, image, id or group (Enter keeps, Esc clears)",
      "  < >          sort by the previous / next column      r I  invert the order",
      "  g            group by compose project or Kubernetes pod",
      "  Space p      pause / resume        + -  slower / faster refresh",
      "",
      "  sort keys:",
  };
  for (const ColumnInfo& info : AllColumns()) {
    text.push_back(std::string("    ") + info.key + "  " + info.title + "  (--sort " +
                   info.flag_name + ")");
  }
  text.push_back("");
  text.push_back("  rows turn yellow at 80% of the memory limit or when CPU is throttled,");
  text.push_back("  red at 95% or after an OOM kill.");
  std::vector<ScreenLine> out;
  for (size_t i = 0; i < height; ++i) {
    out.push_back(Line(i < text.size() ? text[i] : "", width, i == 0 ? Style::kTitle
                                                                     : Style::kNormal));
  }
  return out;
}

std::vector<ScreenLine> RenderTooSmall(size_t width, size_t height) {
  std::vector<ScreenLine> out;
  const std::string msg = "terminal too small (" + std::to_string(width) + "x" +
                          std::to_string(height) + ", need " + std::to_string(kMinWidth) + "x" +
                          std::to_string(kMinHeight) + ")";
  for (size_t i = 0; i < height; ++i) {
    out.push_back(Line(i == 0 ? msg : "", width, i == 0 ? Style::kCritical : Style::kNormal));
  }
  return out;
}

}  // namespace berth::cli
