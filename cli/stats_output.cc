#include "cli/stats_output.h"

#include <algorithm>

#include "cli/stats_json.h"
#include "cli/stats_rows.h"
#include "cli/tab_writer.h"

namespace berth::cli {

std::unique_ptr<StatsOutput> StatsOutput::Make(const std::string& format, bool no_trunc,
                                               std::string* error) {
  std::string text = format;
  bool raw = false;
  if (text.empty() || text == "table") {
    text = kDefaultStatsFormat;
  } else if (text == "json") {
    text = "{{json .}}";
  } else if (text == "json-raw") {
    raw = true;
    text = "";
  }
  auto tmpl = GoTemplate::Parse(text, DockerStatsFieldNames(), error);
  if (!tmpl) {
    *error = "template parsing error: " + *error;  // docker's prefix
    return nullptr;
  }
  return std::unique_ptr<StatsOutput>(new StatsOutput(std::move(*tmpl), raw, no_trunc));
}

std::string StatsOutput::Render(const collector::Snapshot* prev, const collector::Snapshot& cur,
                                bool all, const std::vector<std::string>& containers,
                                std::string* error) const {
  if (raw_json_) return RawStatsJsonLines(prev, cur, all, containers);
  const std::vector<StatsRow> rows = BuildStatsRows(prev, cur, all);
  const std::vector<ShownRow> shown = ArrangeStatsRows(rows, containers);
  std::vector<TemplateFields> fields;
  fields.reserve(shown.size());
  for (const ShownRow& s : shown) fields.push_back(DockerStatsFields(*s.row, no_trunc_, s.container));
  std::vector<MapRow> row_views;
  row_views.reserve(fields.size());
  for (const auto& f : fields) row_views.emplace_back(f, "*container.statsContext");
  std::vector<const TemplateRow*> row_ptrs;
  for (const auto& r : row_views) row_ptrs.push_back(&r);
  const MapRow header(DockerStatsHeaders(), "formatter.SubHeaderContext");
  std::string out, failure;
  if (!RenderTemplateRows(template_, header, row_ptrs, &out, &failure)) {
    failure = "template parsing error: " + failure;  // docker's prefix for both kinds
    if (error == nullptr) return failure;
    *error = std::move(failure);
    return "";
  }
  return out;
}

}  // namespace berth::cli
