// berth: container resource monitor and Prometheus exporter.
//   berth top     live, interactive view (the main job)
//   berth stats   docker stats-compatible output
//   berth serve   Prometheus /metrics, JSON API, health
//   berth record  history store for replay
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/record_command.h"
#include "cli/serve_command.h"
#include "collector/build_info.h"
#include "cli/stats_command.h"
#include "cli/top_command.h"

int main(int argc, char** argv) {
  // Diagnostics (e.g. "docker: container names unavailable") go to stderr:
  // stdout carries the table / JSON. `serve` installs its own logger.
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "berth", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
  CLI::App app{
      "berth: exact per-container CPU, memory, IO, network and pressure figures from "
      "cgroups, as a live view (top), docker stats-compatible output (stats) and a "
      "Prometheus exporter (serve)",
      "berth"};
  app.set_version_flag("--version", std::string("berth ") + berth::BuildVersion() + " (" +
                                        berth::BuildRevision() + ")");
  app.require_subcommand(1);
  app.fallthrough(false);
  berth::cli::AddTopCommand(app);
  berth::cli::AddStatsCommand(app);
  berth::cli::AddServeCommand(app);
  berth::cli::AddRecordCommand(app);
  // Subcommands run in their callbacks; a failing one has printed its one
  // line and throws CLI::RuntimeError(exit_code).
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
