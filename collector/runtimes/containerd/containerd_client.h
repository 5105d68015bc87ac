// ContainerdClient: the few calls berth makes to containerd's gRPC API on
// its unix socket (--containerd.socket), each bounded by a deadline:
//   Namespaces.List                        (/containerd.services.namespaces.v1.Namespaces/List)
//   Containers.List / Containers.Get       (namespaced: metadata containerd-namespace)
//   Events.Subscribe                       (ContainerdEventStream, containerd_events.h)
// Replies arrive as raw bytes (gRPC ByteBuffer) and are decoded by
// containerd_replies.h; no reply may exceed options.max_reply_bytes (gRPC's
// receive cap refuses it before it is buffered whole).
//
// The connection is dialled at the first call and kept; Reset() drops it, so
// after a failure nothing dials containerd again (gRPC would retry a failed
// connection in the background) until the caller's next call. A socket path
// that does not exist fails at once (stat), without gRPC.
//
// Thread-safety: one thread at a time (the metadata provider's Annotate()).
// Errors: returned, never thrown.
#ifndef BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_CLIENT_H_
#define BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/runtimes/containerd_identity.h"

namespace grpc {
class ByteBuffer;
class Channel;
}

namespace berth::collector {

inline constexpr size_t kContainerdMaxReplyBytes = 16 << 20;  // as every runtime socket

struct ContainerdResult {
  enum class Error {
    kNone,
    kNoSocket,     // nothing at the path
    kUnavailable,  // cannot connect, connection lost (gRPC UNAVAILABLE …)
    kTimeout,      // no answer before the deadline
    kTooLarge,     // the reply exceeds max_reply_bytes
    kBadReply,     // not the protobuf message expected
    kRpc,          // any other gRPC status (PERMISSION_DENIED, UNIMPLEMENTED …)
  };
  Error error = Error::kNone;
  std::string detail;  // gRPC's status message, or what was wrong
  int grpc_code = 0;   // the gRPC status code (0 when the call was not made)
  bool ok() const { return error == Error::kNone; }
};

// One line for logs: "no socket at /run/containerd/containerd.sock",
// "no answer from … in time (1000 ms budget)", "reply from … over the 16 MiB cap: …".
std::string DescribeContainerdFailure(const ContainerdResult& result,
                                      const std::string& socket_path,
                                      std::chrono::milliseconds budget);

struct ContainerdClientOptions {
  // Used as given (not under --path.rootfs).
  std::string socket_path = "/run/containerd/containerd.sock";
  size_t max_reply_bytes = kContainerdMaxReplyBytes;
};

class ContainerdClient {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ContainerdClient(ContainerdClientOptions options);
  ~ContainerdClient();
  ContainerdClient(const ContainerdClient&) = delete;
  ContainerdClient& operator=(const ContainerdClient&) = delete;

  ContainerdResult ListNamespaces(Clock::time_point deadline, std::vector<std::string>* out);
  ContainerdResult ListContainers(const std::string& namespace_name, Clock::time_point deadline,
                                  std::vector<ContainerdContainer>* out);
  // A container containerd does not have (NOT_FOUND) is ok with *out nullopt.
  ContainerdResult GetContainer(const std::string& namespace_name, const std::string& id,
                                Clock::time_point deadline,
                                std::optional<ContainerdContainer>* out);
  // Drops the connection; the next call dials anew.
  void Reset();

  const std::string& socket_path() const { return options_.socket_path; }

 private:
  std::shared_ptr<grpc::Channel> Channel();

  ContainerdClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A channel to `socket_path` with berth's settings (receive cap, no proxy, no
// retries, a connection of its own), for the client and the event stream.
std::shared_ptr<grpc::Channel> MakeContainerdChannel(const std::string& socket_path,
                                                     size_t max_reply_bytes);

// A received message's bytes, in one string.
std::string ByteBufferBytes(const grpc::ByteBuffer& buffer);

// Why a socket path cannot be dialled (nothing there, not a socket), or
// nullopt when it looks like a socket.
std::optional<ContainerdResult> CheckContainerdSocket(const std::string& socket_path);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_CLIENT_H_
