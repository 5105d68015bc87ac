#include "collector/runtimes/containerd/containerd_replies.h"

#include <google/protobuf/unknown_field_set.h>

#include <climits>

#include "collector/runtimes/containerd/containerd_proto.h"

namespace berth::collector {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;
namespace api = containerd_api;

bool ParseSet(std::string_view bytes, UnknownFieldSet& set) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return false;
  return set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// A singular string or message field: the last occurrence wins (protobuf's
// rule); nullptr when absent or sent with another wire type.
const std::string* Bytes(const UnknownFieldSet& set, int number) {
  const std::string* found = nullptr;
  for (int i = 0; i < set.field_count(); ++i) {
    const UnknownField& field = set.field(i);
    if (field.number() == number && field.type() == UnknownField::TYPE_LENGTH_DELIMITED) {
      found = &field.length_delimited();
    }
  }
  return found;
}

std::string String(const UnknownFieldSet& set, int number) {
  const std::string* bytes = Bytes(set, number);
  return bytes ? *bytes : std::string();
}

std::optional<uint64_t> Varint(const UnknownFieldSet& set, int number) {
  std::optional<uint64_t> found;
  for (int i = 0; i < set.field_count(); ++i) {
    const UnknownField& field = set.field(i);
    if (field.number() == number && field.type() == UnknownField::TYPE_VARINT) {
      found = field.varint();
    }
  }
  return found;
}

// Each occurrence of a repeated message field, in order.
template <typename Visit>
bool ForEachMessage(const UnknownFieldSet& set, int number, Visit&& visit) {
  for (int i = 0; i < set.field_count(); ++i) {
    const UnknownField& field = set.field(i);
    if (field.number() != number || field.type() != UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    UnknownFieldSet inner;
    if (!ParseSet(field.length_delimited(), inner)) return false;
    visit(inner);
  }
  return true;
}

// map<string, string> field `number` (entries: key 1, value 2; a later
// entry replaces an earlier one with the same key, as protobuf does).
bool StringMap(const UnknownFieldSet& set, int number, std::map<std::string, std::string>& out) {
  return ForEachMessage(set, number, [&](const UnknownFieldSet& entry) {
    out.insert_or_assign(String(entry, 1), String(entry, 2));
  });
}

std::optional<ContainerdContainer> ContainerFrom(std::string_view namespace_name,
                                                 const UnknownFieldSet& set) {
  using Container = api::containers::Container;
  ContainerdContainer out;
  out.namespace_name = std::string(namespace_name);
  out.id = String(set, Container::kIdFieldNumber);
  if (out.id.empty()) return std::nullopt;
  out.image = String(set, Container::kImageFieldNumber);
  if (!StringMap(set, Container::kLabelsFieldNumber, out.labels)) return std::nullopt;
  out.snapshotter = String(set, Container::kSnapshotterFieldNumber);
  out.snapshot_key = String(set, Container::kSnapshotKeyFieldNumber);
  if (const std::string* created = Bytes(set, Container::kCreatedAtFieldNumber)) {
    UnknownFieldSet timestamp;
    if (!ParseSet(*created, timestamp)) return std::nullopt;
    const auto seconds = static_cast<int64_t>(
        Varint(timestamp, google::protobuf::Timestamp::kSecondsFieldNumber).value_or(0));
    const auto nanos = static_cast<int32_t>(
        Varint(timestamp, google::protobuf::Timestamp::kNanosFieldNumber).value_or(0));
    if (seconds > 0 && nanos >= 0 && nanos < 1000000000) {
      out.created_seconds = static_cast<double>(seconds) + static_cast<double>(nanos) / 1e9;
    }
  }
  return out;
}

// The payload of an event: its type must be `full_name`
// ("containerd.events.ContainerCreate"; containerd's typeurl sends no
// "type.googleapis.com/" host, either form is accepted).
bool Payload(const UnknownFieldSet& any, std::string_view full_name, UnknownFieldSet& payload) {
  const std::string url = String(any, google::protobuf::Any::kTypeUrlFieldNumber);
  std::string_view view = url;
  if (!view.ends_with(full_name)) return false;
  if (view.size() != full_name.size() && view[view.size() - full_name.size() - 1] != '/') {
    return false;
  }
  return ParseSet(String(any, google::protobuf::Any::kValueFieldNumber), payload);
}

}  // namespace

std::optional<std::vector<ContainerdContainer>> DecodeListContainersReply(
    std::string_view namespace_name, std::string_view bytes) {
  UnknownFieldSet reply;
  if (!ParseSet(bytes, reply)) return std::nullopt;
  std::vector<ContainerdContainer> out;
  bool ok = true;
  const bool parsed = ForEachMessage(
      reply, api::containers::ListContainersResponse::kContainersFieldNumber,
      [&](const UnknownFieldSet& container) {
        if (auto c = ContainerFrom(namespace_name, container)) {
          out.push_back(std::move(*c));
        } else if (!String(container, api::containers::Container::kIdFieldNumber).empty()) {
          ok = false;  // a container with an id whose fields are not protobuf
        }
      });
  if (!parsed || !ok) return std::nullopt;
  return out;
}

std::optional<ContainerdContainer> DecodeGetContainerReply(std::string_view namespace_name,
                                                           std::string_view bytes) {
  UnknownFieldSet reply, container;
  if (!ParseSet(bytes, reply)) return std::nullopt;
  const std::string* inner =
      Bytes(reply, api::containers::GetContainerResponse::kContainerFieldNumber);
  if (inner == nullptr || !ParseSet(*inner, container)) return std::nullopt;
  return ContainerFrom(namespace_name, container);
}

std::optional<std::vector<std::string>> DecodeListNamespacesReply(std::string_view bytes) {
  UnknownFieldSet reply;
  if (!ParseSet(bytes, reply)) return std::nullopt;
  std::vector<std::string> out;
  const bool parsed = ForEachMessage(
      reply, api::namespaces::ListNamespacesResponse::kNamespacesFieldNumber,
      [&](const UnknownFieldSet& ns) {
        std::string name = String(ns, api::namespaces::Namespace::kNameFieldNumber);
        if (!name.empty()) out.push_back(std::move(name));
      });
  if (!parsed) return std::nullopt;
  return out;
}

std::optional<ContainerdEvent> DecodeEventEnvelope(std::string_view bytes) {
  using Envelope = api::events::Envelope;
  UnknownFieldSet envelope;
  if (!ParseSet(bytes, envelope)) return std::nullopt;
  ContainerdEvent out;
  out.namespace_name = String(envelope, Envelope::kNamespaceFieldNumber);
  out.topic = String(envelope, Envelope::kTopicFieldNumber);
  UnknownFieldSet any, payload;
  const std::string* event = Bytes(envelope, Envelope::kEventFieldNumber);
  if (event == nullptr || !ParseSet(*event, any)) return out;
  if (out.topic == "/containers/create") {
    using Create = api::payloads::ContainerCreate;
    if (Payload(any, Create::descriptor()->full_name(), payload)) {
      out.id = String(payload, Create::kIdFieldNumber);
      out.image = String(payload, Create::kImageFieldNumber);
      out.kind = ContainerdEvent::Kind::kCreate;
    }
  } else if (out.topic == "/containers/update") {
    using Update = api::payloads::ContainerUpdate;
    if (Payload(any, Update::descriptor()->full_name(), payload) &&
        StringMap(payload, Update::kLabelsFieldNumber, out.labels)) {
      out.id = String(payload, Update::kIdFieldNumber);
      out.image = String(payload, Update::kImageFieldNumber);
      out.kind = ContainerdEvent::Kind::kUpdate;
    } else {
      out.labels.clear();
    }
  } else if (out.topic == "/containers/delete") {
    using Delete = api::payloads::ContainerDelete;
    if (Payload(any, Delete::descriptor()->full_name(), payload)) {
      out.id = String(payload, Delete::kIdFieldNumber);
      out.kind = ContainerdEvent::Kind::kDelete;
    }
  }
  if (out.id.empty()) {
    out.kind = ContainerdEvent::Kind::kOther;
    out.image.clear();
    out.labels.clear();
  }
  return out;
}

}  // namespace berth::collector
