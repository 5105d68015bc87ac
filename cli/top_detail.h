// Text of the detail view of one container in `berth top`: identity,
// limits, sparklines of CPU / memory / network, the process list (sorted by
// CPU), memory breakdown and events, throttling, PSI, per-interface network
// and per-device IO, namespaces (each kind's inode and whom it is shared
// with: the host, other containers by name, nobody; the user namespace's
// root uid and uid/gid maps). A pure function of its inputs; the first line (title)
// stays put while `state.detail_scroll` scrolls the rest.
//
// Thread-safety: no state. Errors: absent figures print as "--".
#ifndef BERTH_CLI_TOP_DETAIL_H_
#define BERTH_CLI_TOP_DETAIL_H_

#include <optional>
#include <vector>

#include "cli/top_history.h"
#include "cli/top_layout.h"
#include "cli/top_rows.h"
#include "cli/top_state.h"
#include "collector/process_list.h"
#include "collector/snapshot.h"

namespace berth::cli {

struct DetailInput {
  const collector::ContainerStats* container = nullptr;  // required
  const TopRow* row = nullptr;                            // rates; may be null
  const Series* history = nullptr;                        // may be null
  std::vector<collector::ProcessSample> processes;
  std::vector<std::optional<double>> process_cpu_percent;  // parallel to processes
  bool unicode = false;  // sparklines with block characters
};

// All lines of the detail content (title first), each `width` columns.
std::vector<ScreenLine> DetailLines(const DetailInput& input, size_t width);

// The screen: title, the content from state.detail_scroll, footer; exactly
// `height` lines.
std::vector<ScreenLine> RenderDetailView(const DetailInput& input, const TopState& state,
                                         size_t width, size_t height);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_DETAIL_H_
