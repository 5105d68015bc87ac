// ContainerdEventStream: follows containerd's event stream
// (/containerd.services.events.v1.Events/Subscribe, every namespace) on a
// background thread and hands each decoded event (DecodeEventEnvelope) to a
// callback. Only container events outside Docker's namespace are asked for
// (filter `topic~="^/containers/",namespace!="moby"`); one event may be at
// most options.max_event_bytes (its own connection's receive cap).
//
// The stream counts as connected once the Subscribe call is under way on a
// connected channel (containerd sends nothing until the first event). When
// it ends (containerd restarted, socket gone, any error) it reconnects with
// exponential backoff (min_backoff doubling to max_backoff, reset by a
// stream that delivered an event), saying so through the callbacks.
//
// Ownership: owns its thread and gRPC channel; the callbacks run on that
// thread and must not call back into the stream. The destructor cancels the
// call and joins the thread promptly (no wait for the next event).
// Thread-safety: construct and destroy from one thread; nothing else to call.
// Errors go to on_disconnected, never thrown.
#ifndef BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_EVENTS_H_
#define BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_EVENTS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "collector/runtimes/containerd/containerd_replies.h"

namespace grpc {
class ClientContext;
}

namespace berth::collector {

struct ContainerdEventStreamOptions {
  std::string socket_path = "/run/containerd/containerd.sock";
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  size_t max_event_bytes = 1 << 20;
};

struct ContainerdEventCallbacks {
  std::function<void()> on_connected;
  std::function<void(const std::string& why)> on_disconnected;
  std::function<void(const ContainerdEvent& event)> on_event;
};

class ContainerdEventStream {
 public:
  ContainerdEventStream(ContainerdEventStreamOptions options, ContainerdEventCallbacks callbacks);
  ~ContainerdEventStream();
  ContainerdEventStream(const ContainerdEventStream&) = delete;
  ContainerdEventStream& operator=(const ContainerdEventStream&) = delete;

  // The Subscribe filter berth sends (exposed for tests).
  static const char* Filter();

 private:
  void Run();
  // One subscription; returns why it ended; *delivered: an event arrived.
  std::string Follow(bool* delivered);
  void SleepInterruptibly(std::chrono::milliseconds duration);

  ContainerdEventStreamOptions options_;
  ContainerdEventCallbacks callbacks_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // guards context_ against the destructor's cancel
  std::condition_variable wake_;
  grpc::ClientContext* context_ = nullptr;  // while a call runs
  std::thread thread_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_EVENTS_H_
