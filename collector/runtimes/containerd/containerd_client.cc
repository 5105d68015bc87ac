#include "collector/runtimes/containerd/containerd_client.h"

#include <grpc/support/log.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/rpc_method.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "collector/runtimes/containerd/containerd_proto.h"
#include "collector/runtimes/containerd/containerd_replies.h"

namespace berth::collector {
namespace {

namespace api = containerd_api;

constexpr char kNamespacesList[] = "/containerd.services.namespaces.v1.Namespaces/List";
constexpr char kContainersList[] = "/containerd.services.containers.v1.Containers/List";
constexpr char kContainersGet[] = "/containerd.services.containers.v1.Containers/Get";

// gRPC's own log lines (gpr_log) go to spdlog at debug level: a dead socket
// is berth's to report once, not gRPC's to print per attempt.
void GrpcLog(gpr_log_func_args* args) {
  spdlog::debug("grpc: {}:{}: {}", args->file ? args->file : "", args->line,
                args->message ? args->message : "");
}

ContainerdResult FromStatus(const grpc::Status& status) {
  ContainerdResult result;
  result.detail = status.error_message();
  result.grpc_code = static_cast<int>(status.error_code());
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      result.error = ContainerdResult::Error::kNone;
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      result.error = ContainerdResult::Error::kTimeout;
      break;
    case grpc::StatusCode::UNAVAILABLE:
      result.error = ContainerdResult::Error::kUnavailable;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      result.error = result.detail.find("larger than max") != std::string::npos
                         ? ContainerdResult::Error::kTooLarge
                         : ContainerdResult::Error::kRpc;
      break;
    default:
      result.error = ContainerdResult::Error::kRpc;
      break;
  }
  if (result.error == ContainerdResult::Error::kRpc) {
    result.detail = "gRPC status " + std::to_string(static_cast<int>(status.error_code())) +
                    (result.detail.empty() ? "" : ": " + result.detail);
  }
  return result;
}

// The call's deadline, or false when it has already passed.
bool SetDeadline(grpc::ClientContext& context, ContainerdClient::Clock::time_point deadline) {
  const auto left = deadline - ContainerdClient::Clock::now();
  if (left <= std::chrono::milliseconds(0)) return false;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(left));
  return true;
}

template <typename Request>
ContainerdResult Call(grpc::Channel* channel, const char* method, const std::string& ns,
                      const Request& request, ContainerdClient::Clock::time_point deadline,
                      std::string* reply) {
  grpc::ClientContext context;
  if (!SetDeadline(context, deadline)) {
    return {ContainerdResult::Error::kTimeout, "budget spent before the call"};
  }
  if (!ns.empty()) context.AddMetadata("containerd-namespace", ns);
  grpc::ByteBuffer buffer;
  const grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::NORMAL_RPC);
  const grpc::Status status =
      grpc::internal::BlockingUnaryCall<Request, grpc::ByteBuffer>(channel, rpc, &context,
                                                                   request, &buffer);
  if (!status.ok()) return FromStatus(status);
  *reply = ByteBufferBytes(buffer);
  return {};
}

}  // namespace

std::string ByteBufferBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

std::string DescribeContainerdFailure(const ContainerdResult& result,
                                      const std::string& socket_path,
                                      std::chrono::milliseconds budget) {
  using Error = ContainerdResult::Error;
  switch (result.error) {
    case Error::kNone:
      return "";
    case Error::kNoSocket:
      return "no socket at " + socket_path;
    case Error::kUnavailable:
      return "cannot reach containerd at " + socket_path + ": " + result.detail;
    case Error::kTimeout:
      return "no answer from " + socket_path + " in time (" + std::to_string(budget.count()) +
             " ms budget): " + result.detail;
    case Error::kTooLarge:
      return "reply from " + socket_path + " over the " +
             std::to_string(kContainerdMaxReplyBytes >> 20) + " MiB cap: " + result.detail;
    case Error::kBadReply:
      return "not a containerd reply from " + socket_path + ": " + result.detail;
    case Error::kRpc:
      return "containerd at " + socket_path + " refused: " + result.detail;
  }
  return result.detail;
}

std::optional<ContainerdResult> CheckContainerdSocket(const std::string& socket_path) {
  struct stat st {};
  if (stat(socket_path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return ContainerdResult{ContainerdResult::Error::kNoSocket, std::strerror(errno)};
    }
    return ContainerdResult{ContainerdResult::Error::kUnavailable, std::strerror(errno)};
  }
  if (!S_ISSOCK(st.st_mode)) {
    return ContainerdResult{ContainerdResult::Error::kUnavailable, "not a socket"};
  }
  return std::nullopt;
}

std::shared_ptr<grpc::Channel> MakeContainerdChannel(const std::string& socket_path,
                                                     size_t max_reply_bytes) {
  static std::once_flag log_once;
  std::call_once(log_once, [] { gpr_set_log_function(GrpcLog); });
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(max_reply_bytes));
  args.SetMaxSendMessageSize(1 << 20);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  // A connection of its own (not shared through gRPC's global pool), so
  // dropping the channel closes it.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(),
                                   args);
}

ContainerdClient::ContainerdClient(ContainerdClientOptions options)
    : options_(std::move(options)) {}

ContainerdClient::~ContainerdClient() = default;

void ContainerdClient::Reset() { channel_.reset(); }

std::shared_ptr<grpc::Channel> ContainerdClient::Channel() {
  if (!channel_) channel_ = MakeContainerdChannel(options_.socket_path, options_.max_reply_bytes);
  return channel_;
}

ContainerdResult ContainerdClient::ListNamespaces(Clock::time_point deadline,
                                                  std::vector<std::string>* out) {
  if (auto bad = CheckContainerdSocket(options_.socket_path)) return *bad;
  std::string reply;
  ContainerdResult result = Call(Channel().get(), kNamespacesList, "",
                                 api::namespaces::ListNamespacesRequest(), deadline, &reply);
  if (!result.ok()) return result;
  auto names = DecodeListNamespacesReply(reply);
  if (!names) return {ContainerdResult::Error::kBadReply, "Namespaces.List"};
  *out = std::move(*names);
  return {};
}

ContainerdResult ContainerdClient::ListContainers(const std::string& namespace_name,
                                                  Clock::time_point deadline,
                                                  std::vector<ContainerdContainer>* out) {
  if (auto bad = CheckContainerdSocket(options_.socket_path)) return *bad;
  std::string reply;
  ContainerdResult result = Call(Channel().get(), kContainersList, namespace_name,
                                 api::containers::ListContainersRequest(), deadline, &reply);
  if (!result.ok()) return result;
  auto containers = DecodeListContainersReply(namespace_name, reply);
  if (!containers) return {ContainerdResult::Error::kBadReply, "Containers.List"};
  *out = std::move(*containers);
  return {};
}

ContainerdResult ContainerdClient::GetContainer(const std::string& namespace_name,
                                                const std::string& id,
                                                Clock::time_point deadline,
                                                std::optional<ContainerdContainer>* out) {
  if (auto bad = CheckContainerdSocket(options_.socket_path)) return *bad;
  api::containers::GetContainerRequest request;
  request.set_id(id);
  std::string reply;
  ContainerdResult result =
      Call(Channel().get(), kContainersGet, namespace_name, request, deadline, &reply);
  if (result.grpc_code == static_cast<int>(grpc::StatusCode::NOT_FOUND)) {
    out->reset();  // NOT_FOUND
    return {};
  }
  if (!result.ok()) return result;
  auto container = DecodeGetContainerReply(namespace_name, reply);
  if (!container) return {ContainerdResult::Error::kBadReply, "Containers.Get"};
  *out = std::move(*container);
  return {};
}

}  // namespace berth::collector
