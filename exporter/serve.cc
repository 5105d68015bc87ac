#include "exporter/serve.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <spdlog/spdlog.h>

#include "exporter/basic_auth.h"
#include "exporter/collector_groups.h"
#include "exporter/http_handlers.h"
#include "exporter/http_server.h"
#include "exporter/listen_address.h"
#include "exporter/log_setup.h"
#include "exporter/web_config.h"
#include "exporter/web_settings.h"

namespace berth::exporter {
namespace {

int Fail(const std::string& why) {
  std::fprintf(stderr, "berth serve: %s\n", why.c_str());
  return 1;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string ValidateServeOptions(const ServeOptions& options) {
  std::string error;
  if (options.log_level != "debug" && options.log_level != "info" &&
      options.log_level != "warn" && options.log_level != "error") {
    return "invalid --log.level \"" + options.log_level + "\" (debug, info, warn, error)";
  }
  if (options.log_format != "logfmt" && options.log_format != "json") {
    return "invalid --log.format \"" + options.log_format + "\" (logfmt, json)";
  }
  if (!ParseGroups(options.disabled_groups, &error)) return "--collector.disable: " + error;
  const std::string& path = options.telemetry_path;
  if (path.empty() || path.front() != '/') {
    return "--web.telemetry-path must start with '/' (got \"" + path + "\")";
  }
  if (path == "/" || path == "/healthz" || path.rfind("/api/", 0) == 0) {
    return "--web.telemetry-path \"" + path + "\" collides with another endpoint";
  }
  if (options.max_requests < 0) return "--web.max-requests must be 0 (no limit) or more";
  if (options.listen_addresses.empty()) return "no --web.listen-address given";
  LabelPairs external;
  if (std::string why = ValidateRemoteWriteOptions(options.remote_write, &external); !why.empty()) {
    return why;
  }
  for (const std::string& text : options.listen_addresses) {
    if (!ParseListenAddress(text, &error)) return error;
  }
  return "";
}

int RunServe(const ServeOptions& options, SnapshotSource& source) {
  if (std::string why = ValidateServeOptions(options); !why.empty()) return Fail(why);
  std::string error;
  if (!ConfigureLogging(options.log_level, options.log_format, &error)) return Fail(error);

  // The web config file is read now (any problem: one line, exit 1) and
  // again whenever it or a file it names changes.
  std::unique_ptr<WebConfigReloader> web;
  if (options.web_config_file.empty()) {
    web = std::make_unique<WebConfigReloader>(BuildWebSettings(WebConfig{}, &error));
  } else {
    web = WebConfigReloader::Load(options.web_config_file, &error);
    if (!web) return Fail(error);
  }

  FamilyOptions families;
  families.disabled = *ParseGroups(options.disabled_groups, &error);
  for (const std::string& entry : options.label_allowlist) {
    std::stringstream stream(entry);
    std::string key;
    while (std::getline(stream, key, ',')) {
      if (!key.empty()) families.label_allowlist.push_back(key);
    }
  }

  // A scrape's body is one large buffer: keep such buffers mmap'ed so they go
  // back to the kernel when freed (glibc would otherwise raise its mmap
  // threshold and keep the peak resident between scrapes).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);

  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stop_signals, previous_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous_mask);
  struct RestoreMask {
    sigset_t mask;
    ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous_mask};

  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  SharedCollection collection(source, options.share_window);
  // remote_write's queue figures go on the page (and into its own pushes).
  std::unique_ptr<RemoteWriter> writer;
  if (!options.remote_write.urls.empty()) {
    families.extra_self_families = [&writer] {
      return writer ? writer->Families() : std::vector<prometheus::MetricFamily>{};
    };
    LabelPairs external;
    ValidateRemoteWriteOptions(options.remote_write, &external);
    writer = std::make_unique<RemoteWriter>(options.remote_write, std::move(external), collection,
                                            families);
  }
  HttpHandlers handlers(collection, families, options.telemetry_path);
  HttpServerOptions server_options;
  server_options.max_requests = static_cast<size_t>(options.max_requests);
  HttpServer server(handlers, *web, server_options);
  for (const std::string& text : options.listen_addresses) {
    const std::optional<ListenAddress> address = ParseListenAddress(text, &error);
    if (!server.Bind(*address, &error)) return Fail(error);
  }

  std::atomic<bool> listener_died{false};
  const pthread_t main_thread = pthread_self();
  server.Start([&listener_died, main_thread] {
    listener_died = true;
    pthread_kill(main_thread, SIGTERM);
  });
  for (const std::string& bound : server.bound()) spdlog::info("listening on {}", bound);
  spdlog::info("serving {} (tls {}, basic auth {}, collectors off: {})", options.telemetry_path,
               server.tls() ? "on" : "off", web->Refresh()->auth->enabled() ? "on" : "off",
               options.disabled_groups.empty() ? "none" : Join(options.disabled_groups));

  if (writer) writer->Start();

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  if (listener_died) {
    spdlog::error("a listener stopped unexpectedly; shutting down");
  } else {
    spdlog::info("received signal {}, shutting down", signal_number);
  }
  if (writer) writer->Stop();  // drains its queues; scrapes are still answered meanwhile
  if (!server.Stop()) {
    // A handler is stuck (e.g. in a read that never ends): destroying the
    // server would wait for it. End the process now instead.
    spdlog::warn("exiting with requests still running");
    spdlog::shutdown();
    std::fflush(nullptr);
    std::_Exit(listener_died ? 1 : 0);
  }
  return listener_died ? 1 : 0;
}

}  // namespace berth::exporter
