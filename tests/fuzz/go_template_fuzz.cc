// Fuzz target: the --format Go template subset (cli/go_template.h) with
// docker stats' fields: Parse, and Execute on what parses. A rejected
// template always says why.
#include <cstdlib>
#include <string>

#include "cli/go_template.h"
#include "cli/stats_rows.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::cli;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TemplateFields kFields = [] {
    TemplateFields fields;
    for (const std::string& name : DockerStatsFieldNames()) fields[name] = "v\t\"é\\" + name;
    return fields;
  }();
  std::string error;
  auto tmpl = GoTemplate::Parse(berth::fuzz::AsText(data, size), DockerStatsFieldNames(), &error);
  if (!tmpl) {
    if (error.empty()) std::abort();
    return 0;
  }
  (void)tmpl->Execute(kFields);
  return 0;
}
