// DockerEventStream: follows GET /events (type=container: create, start,
// die, destroy, rename, health_status) of a Docker Engine on a unix socket on
// a background thread, handing each parsed event (ParseDockerEvent) to a
// callback. options.path picks another stream of the same line shape:
// Podman's GET /v4.0.0/libpod/events (PodmanMetadata). When the
// stream ends (daemon restarted, socket gone, HTTP error) it reconnects with
// exponential backoff, and says so through the callbacks.
//
// Ownership: owns its thread and libcurl handles; the callbacks are called on
// that thread and must not call back into the stream. The destructor stops
// and joins the thread promptly (curl_multi_wakeup; no wait for the next
// event). Thread-safety: construct and destroy from one thread; nothing else
// to call. Errors go to on_disconnected, never thrown.
#ifndef BERTH_COLLECTOR_DOCKER_EVENTS_H_
#define BERTH_COLLECTOR_DOCKER_EVENTS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "collector/runtimes/docker_parsers.h"

namespace berth::collector {

struct DockerEventStreamOptions {
  std::string socket_path = "/var/run/docker.sock";
  // Returns the path prefix to use at each (re)connect: "/v1.41" or "".
  std::function<std::string()> api_prefix;
  // The stream's path after the prefix; empty: EventsPath().
  std::string path;
  // Names the engine in the log line of a stream that was up and ended
  // ("docker: event stream lost (…); reconnecting").
  std::string log_name = "docker";
  std::chrono::milliseconds connect_timeout{300};
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
};

struct DockerEventCallbacks {
  // The stream is up: every later event will be delivered.
  std::function<void()> on_connected;
  // The stream ended or could not start (the stream logs it once when it
  // had been up); `why` says why.
  std::function<void(const std::string& why)> on_disconnected;
  std::function<void(const DockerEvent& event)> on_event;
};

class DockerEventStream {
 public:
  DockerEventStream(DockerEventStreamOptions options, DockerEventCallbacks callbacks);
  ~DockerEventStream();
  DockerEventStream(const DockerEventStream&) = delete;
  DockerEventStream& operator=(const DockerEventStream&) = delete;

  // The query string berth sends (exposed for tests):
  // "/events?filters=<url-encoded {"type":["container"],"event":[…]}>".
  static std::string EventsPath();
  // `endpoint` + "?filters=" + url-encoded `filters_json`.
  static std::string FilteredPath(std::string_view endpoint, std::string_view filters_json);

 private:
  void Run();
  // One connection; returns why it ended.
  std::string Follow(const std::string& path, bool* was_connected);
  void SleepInterruptibly(std::chrono::milliseconds duration);

  DockerEventStreamOptions options_;
  DockerEventCallbacks callbacks_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // guards multi_ against the destructor's wakeup
  std::condition_variable wake_;
  void* multi_ = nullptr;  // CURLM* while a connection runs
  std::thread thread_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DOCKER_EVENTS_H_
