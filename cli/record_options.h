// The recording flags `berth record` and `berth serve` share (--record.dir,
// --record.interval, --record.segment-size/-age, --record.retention-size/-age,
// --record.key-every), and Recorder: the loop that collects every interval
// and appends each Snapshot to the history store (history/store_writer.h).
//
// Recorder runs on its own thread (Start/Stop) or in the caller's
// (RunUntil). It logs a failed append once per distinct message and once
// when appends work again, so a full disk is one line, not one a sample.
// Figures it keeps (frames, bytes, CPU spent appending) are printed by
// `berth record` when it ends. Collect is called from the recording thread
// only; the caller makes it safe to share with other users (serve does).
#ifndef BERTH_CLI_RECORD_OPTIONS_H_
#define BERTH_CLI_RECORD_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "collector/snapshot.h"
#include "history/store_writer.h"

namespace berth::cli {

struct RecordFlags {
  std::string dir;  // "" = not recording (serve)
  double interval_seconds = 5;
  uint64_t segment_bytes = 64ull << 20;
  double segment_age_seconds = 3600;
  uint64_t retention_bytes = 1ull << 30;
  double retention_age_seconds = 7 * 86400;
  uint32_t key_every = 120;
};

// Registers the --record.* flags. `required_dir`: --record.dir must be given
// (berth record) rather than switching recording on (berth serve).
void AddRecordOptions(CLI::App* cmd, RecordFlags* flags, bool required_dir);

history::StoreOptions ToStoreOptions(const RecordFlags& flags);

// Creates the directory (and parents) when missing; "" or why not.
std::string PrepareRecordDir(const std::string& dir);

struct RecorderFigures {
  uint64_t frames = 0, failed = 0, bytes = 0, raw_bytes = 0;
  double append_cpu_seconds = 0;   // encode + compress + write, thread CPU
  double collect_cpu_seconds = 0;  // the collections themselves
};

class Recorder {
 public:
  using Collect = std::function<collector::SnapshotPtr()>;
  Recorder(const RecordFlags& flags, Collect collect);
  ~Recorder();  // stops the thread

  void Start();
  void Stop();
  // In the calling thread until `stop` is set or `duration` passed (0 = no bound).
  void RunUntil(const std::atomic<bool>& stop, std::chrono::milliseconds duration);
  RecorderFigures figures() const;

 private:
  void Loop(const std::function<bool()>& should_stop, std::chrono::steady_clock::time_point end);
  void RecordOne();

  const std::chrono::milliseconds interval_;
  Collect collect_;
  const std::string dir_;
  history::StoreWriter writer_;
  std::string last_error_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  RecorderFigures figures_;
};

}  // namespace berth::cli

#endif  // BERTH_CLI_RECORD_OPTIONS_H_
