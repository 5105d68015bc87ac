// Fuzz target: the --format Go template language (cli/go_template.h: the
// whole text/template grammar, fmt verbs, docker's functions, table
// headers, the tabwriter) with docker stats' fields: Parse, and on what
// parses Execute, the header line and RenderTemplateRows. The input is
// split at NULs: the template, then raw bytes for each field's value (names
// from cgroups and runtimes may be any bytes). Properties: a rejected
// template or a failed execution always says why; every output is valid
// UTF-8 and within the 1 MiB bound; a plain field
// shows no control character of its value; `{{json .}}` parses back to the
// values made valid (collector/utf8_text.h); the UTF-8 sanitizer keeps
// valid text unchanged and is idempotent.
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/go_template.h"
#include "cli/stats_rows.h"
#include "collector/utf8_text.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::cli;
namespace collector = berth::collector;

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string>& names = DockerStatsFieldNames();  // 9 fields
  const auto parts = berth::fuzz::SplitAtNul<10>(berth::fuzz::AsText(data, size));
  TemplateFields fields;
  for (size_t i = 0; i < names.size(); ++i) {
    fields[names[i]] = parts[i + 1].empty() ? "v\t\"é\\" + names[i] : std::string(parts[i + 1]);
  }

  // The sanitizer itself.
  const std::string_view raw = parts[0];
  const std::string valid = collector::ValidUtf8(raw);
  Check(collector::IsValidUtf8(valid));
  Check(collector::ValidUtf8(valid) == valid);
  Check(collector::IsValidUtf8(raw) == (valid == raw));
  const std::string shown = collector::TerminalText(raw);
  Check(collector::IsTerminalSafe(shown));
  Check(collector::CodePointCount(raw) == collector::CodePointCount(shown));

  std::string error;
  auto tmpl = GoTemplate::Parse(raw, names, &error);
  if (!tmpl) {
    if (error.empty()) std::abort();
  } else {
    const MapRow row(fields, "*container.statsContext");
    const MapRow header(DockerStatsHeaders(), "formatter.SubHeaderContext");
    std::string out;
    error.clear();
    if (!tmpl->Execute(row, &out, &error)) Check(!error.empty());
    Check(collector::IsValidUtf8(out) && out.size() <= (1u << 20));
    const std::string head = tmpl->ExecuteHeader(header);
    Check(collector::IsValidUtf8(head) && head.size() <= (1u << 20));
    std::string table;
    if (RenderTemplateRows(*tmpl, header, {&row, &row}, &table, &error)) {
      Check(collector::IsValidUtf8(table));
    }
  }

  // Raw values through a plain field and through {{json .}}.
  static const auto plain = GoTemplate::Parse("{{.Name}}", names, &error);
  static const auto json = GoTemplate::Parse("{{json .}}", names, &error);
  Check(collector::IsTerminalSafe(plain->Execute(fields)));
  const std::string text = json->Execute(fields);
  Check(collector::IsValidUtf8(text));
  const nlohmann::json back = nlohmann::json::parse(text, nullptr, false);
  Check(back.is_object() && back.size() == names.size());
  for (const auto& [name, value] : fields) {
    Check(back[name].is_string() && back[name].get<std::string>() == collector::ValidUtf8(value));
  }
  return 0;
}
