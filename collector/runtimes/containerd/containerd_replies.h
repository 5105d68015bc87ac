// Decoders of containerd's gRPC replies: protobuf wire bytes -> berth's plain
// structs. Pure functions, no state, never throw; bytes that are not a
// protobuf message give std::nullopt, fields berth does not use (the OCI
// spec, runtime options, extensions) are skipped unread. The reply size is
// bounded before this (the client's 16 MiB receive cap), so every string
// here is too.
//
// Schema-free on purpose: the bytes are read with protobuf's UnknownFieldSet
// and the generated messages' field-number constants, not parsed into the
// generated messages, because those refuse a whole reply over one string
// that is not UTF-8 (proto3's check) while containerd (gogo) sends what its
// clients stored: one hostile label would cost every container its name.
// Strings are kept as sent; outputs sanitise them (collector/utf8_text.h).
//
//   Containers.List  ListContainersResponse  -> one ContainerdContainer each
//   Containers.Get   GetContainerResponse    -> ContainerdContainer
//   Namespaces.List  ListNamespacesResponse  -> namespace names
//   Events.Subscribe Envelope                -> ContainerdEvent: the topics
//     /containers/create, /containers/update, /containers/delete, whose
//     payloads (google.protobuf.Any, type "containerd.events.Container…")
//     name the container; any other topic is kOther.
#ifndef BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_REPLIES_H_
#define BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_REPLIES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/runtimes/containerd_identity.h"

namespace berth::collector {

struct ContainerdEvent {
  enum class Kind { kCreate, kUpdate, kDelete, kOther };
  Kind kind = Kind::kOther;
  std::string namespace_name;
  std::string topic;
  std::string id;  // empty for kOther
  // kUpdate carries the container's image and whole label map after the
  // update; kCreate its image.
  std::string image;
  std::map<std::string, std::string> labels;
  bool operator==(const ContainerdEvent&) const = default;
};

std::optional<std::vector<ContainerdContainer>> DecodeListContainersReply(
    std::string_view namespace_name, std::string_view bytes);
std::optional<ContainerdContainer> DecodeGetContainerReply(std::string_view namespace_name,
                                                           std::string_view bytes);
std::optional<std::vector<std::string>> DecodeListNamespacesReply(std::string_view bytes);
// A payload whose type does not match its topic makes the event kOther.
std::optional<ContainerdEvent> DecodeEventEnvelope(std::string_view bytes);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_REPLIES_H_
