// `berth serve`: the Prometheus exporter subcommand. Registers the flags
// (Prometheus conventions: --web.listen-address repeatable, default ":11099"
// = IPv6 and IPv4; --web.telemetry-path; --web.config.file; --log.level;
// --log.format; --collector.label-allowlist; --collector.disable; plus the
// common --path.rootfs, --docker.socket, --all-cgroups) and, when chosen,
// builds the Sampler and runs exporter::RunServe until SIGINT/SIGTERM.
// A failure prints one line on stderr and throws CLI::RuntimeError(1).
#ifndef BERTH_CLI_SERVE_COMMAND_H_
#define BERTH_CLI_SERVE_COMMAND_H_

#include <CLI/CLI.hpp>

namespace berth::cli {

void AddServeCommand(CLI::App& app);

}  // namespace berth::cli

#endif  // BERTH_CLI_SERVE_COMMAND_H_
