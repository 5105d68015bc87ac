// StatsOutput: turns two snapshots into the text `berth stats` prints for one
// frame, in the chosen --format. Built once per run; Make() validates the
// format so a bad template fails before any sampling. Not thread-safe (one
// caller), no I/O.
#ifndef BERTH_CLI_STATS_OUTPUT_H_
#define BERTH_CLI_STATS_OUTPUT_H_

#include <memory>
#include <string>
#include <vector>

#include "cli/go_template.h"
#include "collector/snapshot.h"

namespace berth::cli {

class StatsOutput {
 public:
  // format: "" / "table" / "table TEMPLATE" / "json" / "json-raw" / TEMPLATE.
  static std::unique_ptr<StatsOutput> Make(const std::string& format, bool no_trunc,
                                           std::string* error);

  bool is_table() const { return template_.is_table(); }

  // One frame: rows for `cur` (rates against `prev`), restricted to
  // `containers` (names/ids) when not empty; stopped ones too when `all`.
  // A template's execution error (docker's text, e.g. "template: :1:2:
  // executing \"\" at <index .Name 9>: error calling index: ...") leaves the
  // frame empty and goes to `error` (when null, it is returned instead).
  std::string Render(const collector::Snapshot* prev, const collector::Snapshot& cur, bool all,
                     const std::vector<std::string>& containers,
                     std::string* error = nullptr) const;

 private:
  StatsOutput(GoTemplate tmpl, bool raw_json, bool no_trunc)
      : template_(std::move(tmpl)), raw_json_(raw_json), no_trunc_(no_trunc) {}
  GoTemplate template_;
  bool raw_json_;
  bool no_trunc_;
};

}  // namespace berth::cli

#endif  // BERTH_CLI_STATS_OUTPUT_H_
