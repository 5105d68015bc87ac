#include "collector/runtimes/containerd/containerd_events.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "collector/runtimes/containerd/containerd_client.h"
#include "collector/runtimes/containerd/containerd_proto.h"

namespace berth::collector {
namespace {

constexpr char kSubscribe[] = "/containerd.services.events.v1.Events/Subscribe";

}  // namespace

const char* ContainerdEventStream::Filter() {
  return "topic~=\"^/containers/\",namespace!=\"moby\"";
}

ContainerdEventStream::ContainerdEventStream(ContainerdEventStreamOptions options,
                                             ContainerdEventCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {
  thread_ = std::thread([this] { Run(); });
}

ContainerdEventStream::~ContainerdEventStream() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ContainerdEventStream::SleepInterruptibly(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [this] { return stop_.load(); });
}

std::string ContainerdEventStream::Follow(bool* delivered) {
  if (auto bad = CheckContainerdSocket(options_.socket_path)) {
    return DescribeContainerdFailure(*bad, options_.socket_path, options_.connect_timeout);
  }
  // A channel per subscription: a lost one is dropped whole, and nothing
  // dials containerd during the backoff pause.
  std::shared_ptr<grpc::Channel> channel =
      MakeContainerdChannel(options_.socket_path, options_.max_event_bytes);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + options_.connect_timeout)) {
    return "cannot connect to " + options_.socket_path;
  }
  grpc::ClientContext context;
  {
    std::lock_guard lock(mutex_);
    if (stop_) return "stopped";
    context_ = &context;
  }
  containerd_api::events::SubscribeRequest request;
  request.add_filters(Filter());
  const grpc::internal::RpcMethod rpc(kSubscribe, grpc::internal::RpcMethod::SERVER_STREAMING);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(channel.get(), rpc, &context,
                                                                    request));
  if (callbacks_.on_connected) callbacks_.on_connected();
  grpc::ByteBuffer buffer;
  while (reader->Read(&buffer)) {
    *delivered = true;
    const std::string bytes = ByteBufferBytes(buffer);
    if (auto event = DecodeEventEnvelope(bytes)) {
      if (callbacks_.on_event) callbacks_.on_event(*event);
    }
  }
  const grpc::Status status = reader->Finish();
  {
    std::lock_guard lock(mutex_);
    context_ = nullptr;
  }
  if (status.ok()) return "containerd ended the event stream";
  return "event stream ended: " + status.error_message();
}

void ContainerdEventStream::Run() {
  std::chrono::milliseconds backoff = options_.min_backoff;
  while (!stop_) {
    bool delivered = false;
    const auto started = std::chrono::steady_clock::now();
    std::string why = Follow(&delivered);
    if (stop_) break;
    if (callbacks_.on_disconnected) callbacks_.on_disconnected(why);
    // A stream that lived a while or carried events was up: start over
    // with short pauses, and say once that it was lost.
    const bool was_up =
        delivered || std::chrono::steady_clock::now() - started > options_.max_backoff;
    if (was_up) {
      backoff = options_.min_backoff;
      spdlog::info("containerd: event stream lost ({}); reconnecting", why);
    }
    SleepInterruptibly(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace berth::collector
