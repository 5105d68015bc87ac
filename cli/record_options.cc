#include "cli/record_options.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <system_error>

#include "cli/common_options.h"

namespace berth::cli {
namespace {

void AddDuration(CLI::App* cmd, const std::string& name, double* seconds, double min,
                 const std::string& help, const std::string& default_text) {
  CLI::Validator units = CLI::AsNumberWithUnit(
      std::map<std::string, double>{{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}},
      static_cast<CLI::AsNumberWithUnit::Options>(CLI::AsNumberWithUnit::CASE_SENSITIVE |
                                                  CLI::AsNumberWithUnit::UNIT_REQUIRED));
  cmd->add_option(name, *seconds, help)
      ->transform(units.description(""))
      ->check(FiniteRange(min, 10 * 365 * 86400.0).description(""))
      ->type_name("DURATION")
      ->default_str(default_text);
}

void AddSize(CLI::App* cmd, const std::string& name, uint64_t* bytes, const std::string& help,
             const std::string& default_text) {
  cmd->add_option(name, *bytes, help)
      ->transform(CLI::AsSizeValue(false).description(""))
      ->type_name("SIZE")
      ->default_str(default_text);
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

void AddRecordOptions(CLI::App* cmd, RecordFlags* flags, bool required_dir) {
  auto* dir = cmd->add_option(
      "--record.dir", flags->dir,
      required_dir ? "History store directory to write (created when missing)"
                   : "Also record every --record.interval into this history store directory "
                     "(created when missing), as `berth record` does; serving still collects "
                     "on scrape");
  if (required_dir) dir->required();
  AddDuration(cmd, "--record.interval", &flags->interval_seconds, 0.05,
              "Time between recorded samples (e.g. 5s, 500ms)", "5s");
  AddSize(cmd, "--record.segment-size", &flags->segment_bytes,
          "Start a new segment file once the current one holds this much (e.g. 64MiB)", "64MiB");
  AddDuration(cmd, "--record.segment-age", &flags->segment_age_seconds, 1,
              "Start a new segment file once the current one spans this long", "1h");
  AddSize(cmd, "--record.retention-size", &flags->retention_bytes,
          "Remove the oldest segments while the store holds more than this (0 = no bound)",
          "1GiB");
  AddDuration(cmd, "--record.retention-age", &flags->retention_age_seconds, 0,
              "Remove segments whose last sample is older than this (0s = no bound)", "7d");
  cmd->add_option("--record.key-every", flags->key_every,
                  "A complete (key) frame every this many samples, deltas between: a seek "
                  "decodes at most this many frames")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
}

history::StoreOptions ToStoreOptions(const RecordFlags& flags) {
  history::StoreOptions o;
  o.dir = flags.dir;
  o.segment_bytes = flags.segment_bytes;
  o.segment_age = std::chrono::seconds(static_cast<int64_t>(flags.segment_age_seconds));
  o.retention_bytes = flags.retention_bytes;
  o.retention_age = std::chrono::seconds(static_cast<int64_t>(flags.retention_age_seconds));
  o.key_every = flags.key_every;
  return o;
}

std::string PrepareRecordDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create --record.dir " + dir + ": " + ec.message();
  if (!std::filesystem::is_directory(dir, ec)) return "--record.dir " + dir + " is not a directory";
  return "";
}

Recorder::Recorder(const RecordFlags& flags, Collect collect)
    : interval_(std::chrono::milliseconds(static_cast<int64_t>(flags.interval_seconds * 1000 + 0.5))),
      collect_(std::move(collect)),
      dir_(flags.dir),
      writer_(ToStoreOptions(flags)) {}

Recorder::~Recorder() { Stop(); }

void Recorder::Start() {
  thread_ = std::thread([this] {
    Loop([this] { return stopping_; }, std::chrono::steady_clock::time_point::max());
  });
}

void Recorder::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Recorder::RunUntil(const std::atomic<bool>& stop, std::chrono::milliseconds duration) {
  auto end = duration.count() > 0 ? std::chrono::steady_clock::now() + duration
                                  : std::chrono::steady_clock::time_point::max();
  Loop([&stop] { return stop.load(); }, end);
}

void Recorder::Loop(const std::function<bool()>& should_stop,
                    std::chrono::steady_clock::time_point end) {
  auto next = std::chrono::steady_clock::now();
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (should_stop()) return;
    }
    if (std::chrono::steady_clock::now() >= end) return;
    RecordOne();
    next += interval_;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // late (a slow collection): no burst to catch up
    std::unique_lock<std::mutex> lock(mutex_);
    // Short waits so an atomic stop flag (signals) is seen promptly too.
    while (!should_stop() && std::chrono::steady_clock::now() < std::min(next, end)) {
      wake_.wait_until(lock, std::min({next, end, std::chrono::steady_clock::now() +
                                                      std::chrono::milliseconds(100)}));
    }
  }
}

void Recorder::RecordOne() {
  const double t0 = ThreadCpuSeconds();
  collector::SnapshotPtr snap = collect_();
  const double t1 = ThreadCpuSeconds();
  std::string error = snap ? writer_.Append(*snap) : "no snapshot";
  const double t2 = ThreadCpuSeconds();
  if (error != last_error_) {
    if (!error.empty()) {
      spdlog::error("history: {} (samples are not recorded until this clears)", error);
    } else {
      spdlog::info("history: recording again into {}", dir_);
    }
    last_error_ = error;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const history::WriterStats& s = writer_.stats();
  figures_.frames = s.frames;
  figures_.failed = s.failed_frames;
  figures_.bytes = s.bytes_written;
  figures_.raw_bytes = s.raw_bytes;
  figures_.collect_cpu_seconds += t1 - t0;
  figures_.append_cpu_seconds += t2 - t1;
}

RecorderFigures Recorder::figures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return figures_;
}

}  // namespace berth::cli
