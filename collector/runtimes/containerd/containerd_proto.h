// The generated containerd API types berth_containerd uses (requests, field
// numbers, the services' method names; the tests' fake server), under short
// aliases. Internal to berth_containerd and its tests: only they see the
// generated headers.
#ifndef BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_PROTO_H_
#define BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_PROTO_H_

#include "github.com/containerd/containerd/api/events/container.pb.h"
#include "github.com/containerd/containerd/api/services/containers/v1/containers.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/events/v1/events.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/namespaces/v1/namespace.grpc.pb.h"

namespace berth::collector::containerd_api {
namespace containers = ::containerd::services::containers::v1;
namespace events = ::containerd::services::events::v1;
namespace namespaces = ::containerd::services::namespaces::v1;
namespace payloads = ::containerd::events;
}  // namespace berth::collector::containerd_api

#endif  // BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_PROTO_H_
