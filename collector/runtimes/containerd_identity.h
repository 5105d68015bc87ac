// What berth shows for a containerd container, from the record containerd
// keeps of it (Containers.List / Get: namespace, id, image, labels,
// snapshotter and snapshot key). Pure: no I/O, no state, never throws; the
// gRPC client (collector/runtimes/containerd/) decodes replies into
// ContainerdContainer and this file maps them.
//
// Names, in order:
//   - CRI (Kubernetes) containers carry their identity in labels:
//     io.kubernetes.pod.namespace, io.kubernetes.pod.name,
//     io.kubernetes.container.name, io.kubernetes.pod.uid and
//     io.cri-containerd.kind ("sandbox" for the pod's pause container,
//     "container" otherwise). Name "<namespace>/<pod>/<container>" (as the
//     kubelet and CRI-O providers name them), the sandbox's container "POD"
//     and is_sandbox set (the kubelet/cAdvisor convention).
//   - nerdctl keeps its name in the label nerdctl/name: the name in
//     containerd namespace "default", "<namespace>/<name>" elsewhere (names
//     are unique per namespace only; as the nerdctl name-store provider).
//   - anything else (ctr, other clients): no name (berth shows the short id).
// Image: the record's image reference ("docker.io/library/nginx:1.25"),
// empty when the container has none. Labels: all of the record's.
#ifndef BERTH_COLLECTOR_RUNTIMES_CONTAINERD_IDENTITY_H_
#define BERTH_COLLECTOR_RUNTIMES_CONTAINERD_IDENTITY_H_

#include <map>
#include <optional>
#include <string>

#include "collector/snapshot.h"

namespace berth::collector {

// containerd's record of one container (containerd.services.containers.v1.Container).
struct ContainerdContainer {
  std::string namespace_name;  // the containerd namespace it lives in ("k8s.io")
  std::string id;
  std::string image;
  std::map<std::string, std::string> labels;
  // The container's writable layer: snapshot `snapshot_key` of snapshotter
  // `snapshotter` (Snapshots.Mounts gives its upperdir; DESIGN.md).
  std::string snapshotter, snapshot_key;
  std::optional<double> created_seconds;  // created_at, unix seconds
  bool operator==(const ContainerdContainer&) const = default;
};

// The containerd namespace Docker's engine keeps its containers in: they are
// Docker's to name (DockerMetadata), never containerd's provider's.
inline constexpr std::string_view kDockerContainerdNamespace = "moby";

// Writes name (only when empty), image (when empty), labels (merged, an
// existing key kept), the Kubernetes fields (each only when empty) and
// is_sandbox into `identity`. The runtime becomes kContainerd.
void ApplyContainerdContainer(const ContainerdContainer& container, ContainerIdentity& identity);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_CONTAINERD_IDENTITY_H_
