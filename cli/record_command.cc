#include "cli/record_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/common_options.h"
#include "cli/record_options.h"

namespace berth::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnStop(int) { g_stop = true; }

struct RecordCommandFlags {
  CommonOptions common;
  RecordFlags record;
  double duration_seconds = 0;
};

int Run(const RecordCommandFlags& flags) {
  std::string error = PrepareRecordDir(flags.record.dir);
  std::unique_ptr<collector::Sampler> sampler;
  if (error.empty()) sampler = MakeSampler(flags.common, &error);
  if (!sampler) {
    std::fprintf(stderr, "berth record: %s\n", error.c_str());
    return 1;
  }
  collector::Sampler* s = sampler.get();
  Recorder recorder(flags.record, [s] { return s->Collect(); });
  std::signal(SIGINT, OnStop);
  std::signal(SIGTERM, OnStop);
  recorder.RunUntil(g_stop, std::chrono::milliseconds(
                                static_cast<int64_t>(flags.duration_seconds * 1000 + 0.5)));
  const RecorderFigures f = recorder.figures();
  const double n = f.frames > 0 ? static_cast<double>(f.frames) : 1;
  std::fprintf(stderr,
               "berth record: %llu frames (%llu lost) into %s, %.0f bytes/frame on disk "
               "(%.0f before zstd), CPU/frame %.3f ms appending + %.3f ms collecting\n",
               static_cast<unsigned long long>(f.frames), static_cast<unsigned long long>(f.failed),
               flags.record.dir.c_str(), static_cast<double>(f.bytes) / n,
               static_cast<double>(f.raw_bytes) / n, f.append_cpu_seconds * 1e3 / n,
               f.collect_cpu_seconds * 1e3 / n);
  return 0;
}

}  // namespace

void AddRecordCommand(CLI::App& app) {
  auto flags = std::make_shared<RecordCommandFlags>();
  CLI::App* cmd = app.add_subcommand(
      "record",
      "Record every container's counters into a history store directory: zstd-compressed "
      "frames keyed by container id with name, image and labels, indexed by time, rotated by "
      "size and age (format: DESIGN.md, History store)");
  AddRecordOptions(cmd, &flags->record, /*required_dir=*/true);
  cmd->add_option("--duration", flags->duration_seconds,
                  "Stop after this many seconds (0 = until SIGINT/SIGTERM)")
      ->check(FiniteRange(0, 10 * 365 * 86400.0))
      ->capture_default_str();
  AddCommonOptions(cmd, &flags->common);
  cmd->callback([flags] {
    const int rc = Run(*flags);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace berth::cli
