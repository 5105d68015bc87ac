// FakeContainerd: an in-process gRPC server on a unix socket in a temp dir
// speaking the part of containerd's API berth uses (Namespaces.List,
// Containers.List/Get, Events.Subscribe), for the error paths a real
// containerd cannot be made to take (hung calls, huge replies, hostile bytes,
// restarts on demand). The shapes are containerd 1.6's: namespaced calls
// read the `containerd-namespace` metadata, an unknown id is NOT_FOUND,
// events carry Any payloads typed "containerd.events.Container…" (no
// type.googleapis.com host, as containerd's typeurl sends them).
// Test-only; handlers run on gRPC's threads, state is behind a mutex.
#ifndef BERTH_TESTS_CONTAINERD_FAKE_CONTAINERD_H_
#define BERTH_TESTS_CONTAINERD_FAKE_CONTAINERD_H_

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collector/runtimes/containerd/containerd_proto.h"

namespace berth::testing {

namespace api = berth::collector::containerd_api;

class FakeContainerd {
 public:
  struct Container {
    std::string id, image;
    std::map<std::string, std::string> labels;
  };

  FakeContainerd() {
    char dir[] = "/tmp/berth-fake-containerd.XXXXXX";
    dir_ = ::mkdtemp(dir);
    socket_path_ = dir_ + "/containerd.sock";
    Start();
  }
  ~FakeContainerd() {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  const std::string& socket_path() const { return socket_path_; }

  void Start() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path_, grpc::InsecureServerCredentials());
    builder.RegisterService(&namespaces_);
    builder.RegisterService(&containers_);
    builder.RegisterService(&events_);
    builder.SetMaxSendMessageSize(64 << 20);
    server_ = builder.BuildAndStart();
  }
  // Ends every call (streams too) and closes the socket.
  void Stop() {
    if (!server_) return;
    {
      std::lock_guard lock(state_.mutex);
      state_.stopping = true;
      state_.release = true;
    }
    state_.wake.notify_all();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
    server_.reset();
    std::lock_guard lock(state_.mutex);
    state_.stopping = false;
    state_.subscribers = 0;
  }

  void Add(const std::string& ns, Container c) {
    std::lock_guard lock(state_.mutex);
    state_.data[ns][c.id] = std::move(c);
  }
  void Remove(const std::string& ns, const std::string& id) {
    std::lock_guard lock(state_.mutex);
    state_.data[ns].erase(id);
  }
  // Every call waits until Release() (or the server stops).
  void Hang() {
    std::lock_guard lock(state_.mutex);
    state_.hang = true;
    state_.release = false;
  }
  void Release() {
    {
      std::lock_guard lock(state_.mutex);
      state_.hang = false;
      state_.release = true;
    }
    state_.wake.notify_all();
  }
  // Containers.List adds this many bytes of label filler to each reply.
  void SetListPadding(size_t bytes) {
    std::lock_guard lock(state_.mutex);
    state_.padding = bytes;
  }

  // Sends an event to every subscriber.
  void Publish(const std::string& ns, const std::string& topic,
               const google::protobuf::Message& payload) {
    api::events::Envelope envelope;
    envelope.set_namespace_(ns);
    envelope.set_topic(topic);
    envelope.mutable_event()->set_type_url(payload.GetDescriptor()->full_name());
    envelope.mutable_event()->set_value(payload.SerializeAsString());
    {
      std::lock_guard lock(state_.mutex);
      state_.queue.push_back(std::move(envelope));
    }
    state_.wake.notify_all();
  }

  int calls(const std::string& method) const {
    std::lock_guard lock(state_.mutex);
    auto it = state_.calls.find(method);
    return it == state_.calls.end() ? 0 : it->second;
  }
  int subscribers() const {
    std::lock_guard lock(state_.mutex);
    return state_.subscribers;
  }
  std::vector<std::string> filters() const {
    std::lock_guard lock(state_.mutex);
    return state_.filters;
  }
  // Waits (up to `limit`) until `n` subscribers are connected.
  bool WaitForSubscribers(int n, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (subscribers() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::map<std::string, std::map<std::string, Container>> data;  // ns -> id -> container
    std::map<std::string, int> calls;
    std::deque<api::events::Envelope> queue;
    std::vector<std::string> filters;
    size_t padding = 0;
    int subscribers = 0;
    bool hang = false, release = false, stopping = false;

    // Counts the call, then honours Hang(). False: the server is stopping.
    bool Enter(const char* method, grpc::ServerContext* context) {
      std::unique_lock lock(mutex);
      ++calls[method];
      wake.wait(lock, [&] { return !hang || release || stopping || context->IsCancelled(); });
      return !stopping;
    }
  };

  static std::string Namespace(grpc::ServerContext* context) {
    auto it = context->client_metadata().find("containerd-namespace");
    if (it == context->client_metadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  static void Fill(const Container& c, api::containers::Container* out) {
    out->set_id(c.id);
    out->set_image(c.image);
    for (const auto& [k, v] : c.labels) (*out->mutable_labels())[k] = v;
    out->set_snapshotter("overlayfs");
    out->set_snapshot_key(c.id);
    out->mutable_created_at()->set_seconds(1700000000);
  }

  class Namespaces final : public api::namespaces::Namespaces::Service {
   public:
    explicit Namespaces(State& s) : s_(s) {}
    grpc::Status List(grpc::ServerContext* context, const api::namespaces::ListNamespacesRequest*,
                      api::namespaces::ListNamespacesResponse* reply) override {
      if (!s_.Enter("Namespaces.List", context)) return {grpc::StatusCode::UNAVAILABLE, "stop"};
      std::lock_guard lock(s_.mutex);
      for (const auto& [ns, containers] : s_.data) reply->add_namespaces()->set_name(ns);
      return grpc::Status::OK;
    }

   private:
    State& s_;
  };

  class Containers final : public api::containers::Containers::Service {
   public:
    explicit Containers(State& s) : s_(s) {}
    grpc::Status List(grpc::ServerContext* context, const api::containers::ListContainersRequest*,
                      api::containers::ListContainersResponse* reply) override {
      if (!s_.Enter("Containers.List", context)) return {grpc::StatusCode::UNAVAILABLE, "stop"};
      const std::string ns = Namespace(context);
      std::lock_guard lock(s_.mutex);
      if (ns.empty()) return {grpc::StatusCode::FAILED_PRECONDITION, "namespace is required"};
      for (const auto& [id, c] : s_.data[ns]) {
        Fill(c, reply->add_containers());
        if (s_.padding > 0) {
          (*reply->mutable_containers(reply->containers_size() - 1)->mutable_labels())["pad"] =
              std::string(s_.padding, 'p');
        }
      }
      return grpc::Status::OK;
    }
    grpc::Status Get(grpc::ServerContext* context, const api::containers::GetContainerRequest* req,
                     api::containers::GetContainerResponse* reply) override {
      if (!s_.Enter("Containers.Get", context)) return {grpc::StatusCode::UNAVAILABLE, "stop"};
      const std::string ns = Namespace(context);
      std::lock_guard lock(s_.mutex);
      auto it = s_.data[ns].find(req->id());
      if (it == s_.data[ns].end()) {
        return {grpc::StatusCode::NOT_FOUND, "container \"" + req->id() + "\" in namespace \"" +
                                                 ns + "\": not found"};
      }
      Fill(it->second, reply->mutable_container());
      return grpc::Status::OK;
    }

   private:
    State& s_;
  };

  class Events final : public api::events::Events::Service {
   public:
    explicit Events(State& s) : s_(s) {}
    grpc::Status Subscribe(grpc::ServerContext* context,
                           const api::events::SubscribeRequest* request,
                           grpc::ServerWriter<api::events::Envelope>* writer) override {
      std::unique_lock lock(s_.mutex);
      ++s_.calls["Events.Subscribe"];
      for (const auto& f : request->filters()) s_.filters.push_back(f);
      ++s_.subscribers;
      while (!s_.stopping && !context->IsCancelled()) {
        if (s_.queue.empty()) {
          s_.wake.wait_for(lock, std::chrono::milliseconds(20));
          continue;
        }
        api::events::Envelope envelope = std::move(s_.queue.front());
        s_.queue.pop_front();
        lock.unlock();
        writer->Write(envelope);
        lock.lock();
      }
      --s_.subscribers;
      return grpc::Status::OK;
    }

   private:
    State& s_;
  };

  std::string dir_, socket_path_;
  State state_;
  Namespaces namespaces_{state_};
  Containers containers_{state_};
  Events events_{state_};
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_CONTAINERD_FAKE_CONTAINERD_H_
