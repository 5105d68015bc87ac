// `berth top`: the live, interactive, full-screen view of every container on
// the host (list, detail with process list, help). Needs a terminal on
// stdin and stdout; without one it says so, points to
// `berth stats --no-stream`, and exits 1. Leaving (q, SIGINT, SIGTERM, an
// error) always restores the terminal.
//
// Flags: --interval SECONDS, --sort COLUMN, --filter TEXT, --no-color (also
// the NO_COLOR environment variable), plus the common --path.rootfs,
// --docker.socket, --all-cgroups.
#ifndef BERTH_CLI_TOP_COMMAND_H_
#define BERTH_CLI_TOP_COMMAND_H_

#include <CLI/CLI.hpp>

namespace berth::cli {

void AddTopCommand(CLI::App& app);

}  // namespace berth::cli

#endif  // BERTH_CLI_TOP_COMMAND_H_
