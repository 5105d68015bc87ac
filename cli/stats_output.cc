#include "cli/stats_output.h"

#include <algorithm>

#include "cli/stats_json.h"
#include "cli/stats_rows.h"
#include "cli/tab_writer.h"

namespace berth::cli {
namespace {


}  // namespace

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
  if (!tmpl) return nullptr;
  return std::unique_ptr<StatsOutput>(new StatsOutput(std::move(*tmpl), raw, no_trunc));
}

std::string StatsOutput::Render(const collector::Snapshot* prev, const collector::Snapshot& cur,
                                bool all, const std::vector<std::string>& containers) const {
  if (raw_json_) return RawStatsJsonLines(prev, cur, all, containers);
  std::vector<std::string> lines;
  if (template_.is_table()) lines.push_back(template_.Execute(DockerStatsHeaders()));
  const std::vector<StatsRow> rows = BuildStatsRows(prev, cur, all);
  for (const ShownRow& shown : ArrangeStatsRows(rows, containers)) {
    lines.push_back(template_.Execute(DockerStatsFields(*shown.row, no_trunc_, shown.container)));
  }
  if (template_.is_table()) return AlignColumns(lines);
  std::string out;
  for (const auto& line : lines) out.append(line).append("\n");
  return out;
}

}  // namespace berth::cli
