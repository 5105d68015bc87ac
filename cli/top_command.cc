#include "cli/top_command.h"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <set>
#include <string>

#include "cli/common_options.h"
#include "cli/no_container_hint.h"
#include "cli/top_detail.h"
#include "cli/top_history.h"
#include "cli/top_layout.h"
#include "cli/top_order.h"
#include "cli/top_rows.h"
#include "cli/top_screen.h"
#include "cli/top_state.h"
#include "collector/host_reader.h"
#include "collector/process_list.h"
#include "collector/rates.h"

namespace berth::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kFirstRefresh{500};

struct TopOptions {
  CommonOptions common;
  double interval_seconds = 1.0;
  std::string sort = "cpu";
  std::string filter;
  bool no_color = false;
};

std::atomic<int> g_signal{0};
void OnSignal(int sig) { g_signal = sig; }

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "berth top: %s\n", message.c_str());
  throw CLI::RuntimeError(1);
}

// Everything one refresh produced.
struct Frame {
  collector::SnapshotPtr prev, cur;
  std::vector<TopRow> rows;  // one per container, snapshot order
  HostSummary host;
  std::set<std::string> ids;
  // Detail view: processes of state.detail_id.
  std::string process_owner;
  std::vector<collector::ProcessSample> processes, prev_processes;
  std::vector<std::optional<double>> process_cpu;
  Clock::time_point process_time, prev_process_time;
};

class TopApp {
 public:
  TopApp(const TopOptions& options, std::unique_ptr<collector::Sampler> sampler)
      : options_(options),
        sampler_(std::move(sampler)),
        processes_(sampler_->rootfs()),
        user_hz_(collector::UserHz()) {
    state_.interval = std::chrono::milliseconds(
        static_cast<int64_t>(options.interval_seconds * 1000.0 + 0.5));
    if (auto column = ParseColumn(options.sort)) {
      state_.sort = *column;
      state_.descending = InfoFor(*column).numeric();
    }
    state_.filter = options.filter;
  }

  int Run() {
    std::string error;
    // no-color.org: NO_COLOR set to a non-empty value disables colour.
    const char* no_color_env = std::getenv("NO_COLOR");
    const bool color = !options_.no_color && (no_color_env == nullptr || *no_color_env == '\0');
    if (!screen_.Start(color, &error)) Fail(error);
    Collect();
    // Rates need two samples: take the second one soon.
    Clock::time_point next =
        Clock::now() + std::min<std::chrono::milliseconds>(state_.interval, kFirstRefresh);
    while (!state_.quit && g_signal == 0) {
      Draw();
      std::optional<std::chrono::milliseconds> timeout;
      if (!state_.paused) {
        timeout = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
        if (timeout->count() < 0) timeout = std::chrono::milliseconds(0);
      }
      std::optional<int> key = screen_.WaitKey(timeout);
      if (g_signal != 0) break;
      bool refresh_now = false;
      if (key) {
        const KeyEffect effect = HandleKey(state_, *key, visible_, PageRows());
        refresh_now = effect == KeyEffect::kRefreshNow;
        if (state_.view == View::kDetail && state_.detail_id != frame_.process_owner) {
          ReadProcesses();  // opened just now: show the list at once
        }
      }
      screen_.TakeResized();
      if (state_.quit) break;
      if (!state_.paused && (refresh_now || Clock::now() >= next)) {
        Collect();
        next = Clock::now() + state_.interval;
      }
    }
    screen_.Stop();
    return 0;
  }

 private:
  size_t PageRows() const { return ListPageRows(screen_.height()); }

  void Collect() {
    frame_.prev = std::move(frame_.cur);
    frame_.cur = sampler_->Collect();
    frame_.rows = BuildRows(*frame_.cur, collector::Rates(frame_.prev.get(), *frame_.cur));
    frame_.host = BuildHostSummary(frame_.prev.get(), *frame_.cur);
    frame_.ids.clear();
    for (const auto& c : frame_.cur->containers) frame_.ids.insert(c.identity.id);
    // An empty list says why (sockets tried, cgroups seen); the probe is
    // repeated every 10 s while the list stays empty.
    if (!frame_.cur->containers.empty()) {
      state_.empty_hint.clear();
    } else if (state_.empty_hint.empty() || Clock::now() - hint_time_ > std::chrono::seconds(10)) {
      state_.empty_hint = DescribeNoContainers(options_.common, sampler_->rootfs());
      hint_time_ = Clock::now();
    }
    history_.Add(frame_.rows);
    if (state_.view == View::kDetail) ReadProcesses();
    Arrange(&frame_.ids);
  }

  void ReadProcesses() {
    const collector::ContainerStats* c =
        frame_.cur ? frame_.cur->Find(state_.detail_id) : nullptr;
    if (c == nullptr) return;
    const Clock::time_point now = Clock::now();
    if (frame_.process_owner == state_.detail_id) {
      frame_.prev_processes = std::move(frame_.processes);
      frame_.prev_process_time = frame_.process_time;
    } else {
      frame_.prev_processes.clear();
    }
    frame_.process_owner = state_.detail_id;
    frame_.processes = processes_.Read(sampler_->Processes(c->identity.id));
    frame_.process_time = now;
    const double elapsed =
        frame_.prev_processes.empty()
            ? 0.0
            : std::chrono::duration<double>(now - frame_.prev_process_time).count();
    frame_.process_cpu =
        collector::ProcessCpuPercents(frame_.prev_processes, frame_.processes, elapsed, user_hz_);
  }

  void Arrange(const std::set<std::string>* ids) {
    visible_ = ArrangeRows(frame_.rows, state_.sort, state_.descending, state_.filter,
                           state_.group, state_.collapsed);
    Reconcile(state_, visible_, PageRows(), ids);
  }

  void Draw() {
    const size_t w = screen_.width(), h = screen_.height();
    if (w < kMinWidth || h < kMinHeight) {
      screen_.Paint(RenderTooSmall(w, h));
      return;
    }
    Arrange(nullptr);
    if (state_.view == View::kHelp) {
      screen_.Paint(RenderHelpView(w, h));
      return;
    }
    if (state_.view == View::kDetail) {
      const collector::ContainerStats* c = frame_.cur->Find(state_.detail_id);
      if (c != nullptr) {
        DetailInput in;
        in.container = c;
        for (const TopRow& r : frame_.rows) {
          if (r.id == c->identity.id) in.row = &r;
        }
        in.history = history_.Find(c->identity.id);
        if (frame_.process_owner == c->identity.id) {
          in.processes = frame_.processes;
          in.process_cpu_percent = frame_.process_cpu;
        }
        in.unicode = screen_.unicode();
        // Keep the scroll within the content so Up answers at once.
        const size_t content = DetailLines(in, w).size();
        const size_t body = h - 2;
        const size_t max_scroll = content - 1 > body ? content - 1 - body : 0;
        if (state_.detail_scroll > max_scroll) state_.detail_scroll = max_scroll;
        screen_.Paint(RenderDetailView(in, state_, w, h));
        return;
      }
      state_.view = View::kList;
    }
    screen_.Paint(RenderListView(frame_.host, visible_, state_, w, h));
  }

  TopOptions options_;
  std::unique_ptr<collector::Sampler> sampler_;
  collector::ProcessReader processes_;
  uint64_t user_hz_;
  TopScreen screen_;
  TopState state_;
  Clock::time_point hint_time_;  // when state_.empty_hint was probed
  History history_;
  Frame frame_;
  std::vector<TopRow> visible_;
};

int RunTop(const TopOptions& options) {
  if (::isatty(STDOUT_FILENO) != 1 || ::isatty(STDIN_FILENO) != 1) {
    Fail("needs a terminal (stdin and stdout must be a tty); for a one-shot table use "
         "`berth stats --no-stream`, for a stream `berth stats`");
  }
  if (!ParseColumn(options.sort)) {
    std::string names;
    for (const ColumnInfo& info : AllColumns()) names += std::string(" ") + info.flag_name;
    Fail("unknown --sort column '" + options.sort + "' (one of:" + names + ")");
  }
  std::string error;
  std::unique_ptr<collector::Sampler> sampler = MakeSampler(options.common, &error);
  if (!sampler) Fail(error);
  g_signal = 0;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGHUP, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  int rc = 0;
  std::string failure;
  // Log lines (e.g. "docker: container names unavailable") written to the
  // terminal would tear the screen: keep them while the screen is up and
  // print them once it is restored.
  auto previous_logger = spdlog::default_logger();
  auto held_logs = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("berth", held_logs));
  {
    TopApp app(options, std::move(sampler));
    try {
      rc = app.Run();
    } catch (const CLI::RuntimeError&) {
      throw;
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }  // the screen is restored here, before anything is printed
  spdlog::set_default_logger(previous_logger);
  for (const std::string& line : held_logs->last_formatted()) std::fputs(line.c_str(), stderr);
  if (!failure.empty()) Fail(failure);
  return rc;
}

}  // namespace

void AddTopCommand(CLI::App& app) {
  auto options = std::make_shared<TopOptions>();
  CLI::App* cmd = app.add_subcommand(
      "top", "Live, interactive view of every container (press ? inside for the keys)");
  cmd->add_option("--interval", options->interval_seconds, "Seconds between refreshes")
      ->check(FiniteRange(0.1, 3600.0))
      ->capture_default_str();
  std::string columns;
  for (const ColumnInfo& info : AllColumns()) {
    columns += (columns.empty() ? "" : ", ") + std::string(info.flag_name);
  }
  cmd->add_option("--sort", options->sort, "Column to sort by: " + columns)
      ->capture_default_str();
  cmd->add_option("--filter", options->filter,
                  "Show only containers whose name, image, id or group contains this text");
  cmd->add_flag("--no-color", options->no_color,
                "No colours (also when the NO_COLOR environment variable is set)");
  AddCommonOptions(cmd, &options->common);
  cmd->callback([options] {
    int rc = RunTop(*options);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace berth::cli
