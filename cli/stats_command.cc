#include "cli/stats_command.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/common_options.h"
#include "cli/no_container_hint.h"
#include "cli/stats_output.h"

namespace berth::cli {
namespace {

struct StatsOptions {
  CommonOptions common;
  bool no_stream = false;
  bool no_trunc = false;
  bool all = false;
  std::string format;
  double interval_seconds = 1.0;
  std::vector<std::string> containers;
};

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

// Sleeps up to `seconds`, returning early (false) when a signal asked to stop.
bool SleepUnlessStopped(double seconds) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point until =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  while (!g_stop) {
    const Clock::duration left = until - Clock::now();
    if (left <= Clock::duration::zero()) return true;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return false;
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "berth stats: %s\n", message.c_str());
  throw CLI::RuntimeError(1);
}

int RunStats(const StatsOptions& options) {
  std::string error;
  auto formatter = StatsOutput::Make(options.format, options.no_trunc, &error);
  if (!formatter) Fail(error);
  // No stats format shows pressure: skip the PSI files.
  auto sampler = MakeSampler(options.common, &error, /*read_pressure=*/false);
  if (!sampler) Fail(error);

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  const bool redraw = !options.no_stream && tty && formatter->is_table();

  collector::SnapshotPtr prev = sampler->Collect();
  if (prev->containers.empty() && prev->host.cgroup_mode == collector::CgroupMode::kUnknown) {
    Fail("no cgroup hierarchy found under --path.rootfs=" + options.common.rootfs);
  }
  // Named containers must exist now: docker's message for each that does
  // not, one a line, exit 1.
  std::string missing;
  for (const auto& wanted : options.containers) {
    if (prev->Find(wanted) == nullptr) {
      bool stopped = false;
      for (const auto& s : prev->stopped) stopped |= s.id.starts_with(wanted) || s.name == wanted;
      if (!stopped || !options.all) {
        missing += "Error response from daemon: No such container: " + wanted + "\n";
      }
    }
  }
  if (!missing.empty()) {
    std::fputs(missing.c_str(), stderr);
    throw CLI::RuntimeError(1);
  }
  if (redraw) std::fputs("\033[2J\033[?25l", stdout);
  int rc = 0;
  using Clock = std::chrono::steady_clock;
  std::string hint;
  Clock::time_point hint_time;
  bool hinted = false;  // written to stderr already
  while (!g_stop) {
    if (!SleepUnlessStopped(options.interval_seconds)) break;
    collector::SnapshotPtr cur = sampler->Collect();
    std::string render_error;
    std::string frame =
        formatter->Render(prev.get(), *cur, options.all, options.containers, &render_error);
    if (!render_error.empty()) {
      if (redraw) std::fputs("\033[?25h", stdout), std::fflush(stdout);
      Fail(render_error);
    }
    // Nothing to show: say why (the runtimes' sockets, the cgroups seen). A
    // redrawn screen carries the line under the table, refreshed every 10 s;
    // otherwise it goes to stderr once, so stdout stays what docker prints.
    const bool nothing = options.containers.empty() && cur->containers.empty() &&
                         (!options.all || cur->stopped.empty());
    if (!nothing) {
      hint.clear();
    } else if (hint.empty() || (redraw && Clock::now() - hint_time > std::chrono::seconds(10))) {
      hint = DescribeNoContainers(options.common, sampler->rootfs());
      hint_time = Clock::now();
      if (!redraw && !hinted) std::fprintf(stderr, "berth stats: %s\n", hint.c_str());
      hinted = true;
    }
    if (redraw && nothing) frame += hint + "\n";
    if (redraw) {
      std::string screen = "\033[H";
      size_t start = 0;
      while (start < frame.size()) {
        size_t nl = frame.find('\n', start);
        if (nl == std::string::npos) nl = frame.size();
        screen.append(frame, start, nl - start).append("\033[K\n");
        start = nl + 1;
      }
      screen += "\033[J";
      frame.swap(screen);
    }
    if (std::fwrite(frame.data(), 1, frame.size(), stdout) != frame.size() ||
        std::fflush(stdout) != 0) {
      rc = 1;  // stdout closed (e.g. `| head`)
      break;
    }
    if (options.no_stream) break;
    prev = std::move(cur);
  }
  if (redraw) std::fputs("\033[?25h", stdout), std::fflush(stdout);
  return rc;
}

}  // namespace

void AddStatsCommand(CLI::App& app) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats",
      "Display a live stream of container resource usage statistics (docker stats-compatible)");
  cmd->add_option("containers", options->containers,
                  "Restrict to these containers (name, id or id prefix)");
  cmd->add_flag("-a,--all", options->all, "Show all containers (default shows just running)");
  cmd->add_flag("--no-stream", options->no_stream,
                "Disable streaming stats and only pull the first result (two samples one "
                "--interval apart)");
  cmd->add_flag("--no-trunc", options->no_trunc, "Do not truncate output (full ids)");
  cmd->add_option("--format", options->format,
                  "Format output: 'table' (default), 'table TEMPLATE', 'json' (docker's "
                  "fields), 'json-raw' (raw numbers, /api/v1/containers schema), or a "
                  "Go template as docker's, e.g. '{{.Name | upper}}\\t{{printf \"%-8s\" "
                  ".CPUPerc}}'. Fields: .ID .Name .Container .CPUPerc .MemUsage .MemPerc "
                  ".NetIO .BlockIO .PIDs; functions: Go's (and or not eq ne lt le gt ge len "
                  "index slice print printf println html js urlquery) and docker's (json split "
                  "join title lower upper pad truncate); if/range/with, variables, {{- -}}");
  cmd->add_option("--interval", options->interval_seconds, "Seconds between samples")
      ->check(FiniteRange(0.1, 3600.0))
      ->capture_default_str();
  AddCommonOptions(cmd, &options->common);
  cmd->callback([options] {
    int rc = RunStats(*options);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace berth::cli
