// Pure parsers for the kubelet's container log layout, the one place on a
// Kubernetes node that maps container ids and pod uids to names without an
// API client:
//   /var/log/containers/<pod>_<namespace>_<container>-<64hex id>.log  (symlinks)
//   /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log
// Pod, namespace and container names are DNS labels/subdomains and never
// contain '_', which makes the split unambiguous.
//
// Also the display name berth gives a Kubernetes container (shared by the
// kubelet and CRI-O providers).
//
// Thread-safety: pure functions, no state. Errors: malformed input yields
// std::nullopt; nothing throws.
#ifndef BERTH_COLLECTOR_KUBELET_LOG_NAMES_H_
#define BERTH_COLLECTOR_KUBELET_LOG_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

namespace berth::collector {

struct ContainerLogName {
  std::string pod, namespace_name, container, id;  // id: 64 lowercase hex
  bool operator==(const ContainerLogName&) const = default;
};
// "web-0_shop_nginx-<64hex>.log" -> {web-0, shop, nginx, <64hex>}.
std::optional<ContainerLogName> ParseContainerLogName(std::string_view file_name);

struct PodLogDir {
  std::string namespace_name, pod, uid;  // uid as written (with dashes)
  bool operator==(const PodLogDir&) const = default;
};
// "shop_web-0_0b1c…-…" -> {shop, web-0, uid}. The uid must look like a
// Kubernetes uid (hex and dashes, 32 hex digits) — static pods' config-hash
// uids (32 hex, no dashes) are accepted too.
std::optional<PodLogDir> ParsePodLogDirName(std::string_view dir_name);

// A pod uid normalised for comparison: lowercase, dashes and underscores
// (systemd's cgroup escaping) removed.
std::string NormalisePodUid(std::string_view uid);

// The container's display name: "<namespace>/<pod>/<container>" (kubectl's
// namespace/pod plus the container; unique on a node). The sandbox's
// container is "POD" (the kubelet's and cAdvisor's convention).
std::string KubernetesDisplayName(std::string_view namespace_name, std::string_view pod,
                                  std::string_view container);

inline constexpr std::string_view kSandboxContainerName = "POD";

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_KUBELET_LOG_NAMES_H_
