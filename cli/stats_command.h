// `berth stats`: docker stats-compatible output. Streams a redrawn table once
// per --interval (default 1 s) until interrupted, or prints one table with
// --no-stream (two samples one interval apart, as docker does). Formats:
// table (default), json (docker's field names, one object per line), json-raw
// (raw numbers, the /api/v1/containers schema) or a Go-style template.
// Exit 0 on success; 1 with one clear line on stderr for an unknown
// container, a bad template, or an unreadable cgroupfs.
#ifndef BERTH_CLI_STATS_COMMAND_H_
#define BERTH_CLI_STATS_COMMAND_H_

#include <CLI/CLI.hpp>

namespace berth::cli {

void AddStatsCommand(CLI::App& app);

}  // namespace berth::cli

#endif  // BERTH_CLI_STATS_COMMAND_H_
