// Discovery: recognise containers by their cgroup path and find them in the
// cgroup hierarchies.
//
// ClassifyCgroupPath() is pure: a path relative to a hierarchy root
// ("/system.slice/docker-<id>.scope") -> the container it belongs to, or
// nullopt for anything else (slices, .mount units, conmon scopes, a
// container's own sub-cgroups except podman's ".../container").
//
// DiscoverContainers() walks the v2 hierarchy (or each v1 controller
// hierarchy separately, plus the v2 mount on hybrid hosts for PSI) through a
// RootFs, does not descend into a container, and merges hierarchies by
// container id keeping each hierarchy's path. With `all_cgroups` every cgroup
// is reported (containers keep their identity; other cgroups get
// Runtime::kCgroup with id = the path).
//
// Thread-safety: no shared state. Errors: unreadable directories are skipped;
// the function never throws on I/O.
#ifndef BERTH_COLLECTOR_DISCOVERY_H_
#define BERTH_COLLECTOR_DISCOVERY_H_

#include <array>
#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/cgroup_layout.h"
#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

struct ContainerRef {
  Runtime runtime = Runtime::kCgroup;
  std::string id;         // 64-hex id; the cgroup name for lxc/nspawn; the path for kCgroup
  std::string name;       // lxc/nspawn: the name in the path (unescaped); else empty
  std::string pod_uid;    // Kubernetes pod uid with dashes; empty outside k8s
  std::string qos_class;  // "guaranteed", "burstable", "besteffort"; empty outside k8s

  bool operator==(const ContainerRef&) const = default;
};

std::optional<ContainerRef> ClassifyCgroupPath(std::string_view path);

// systemd unit-name unescaping: "\x2d" -> "-".
std::string UnescapeSystemdName(std::string_view name);

struct DiscoveredContainer {
  ContainerRef ref;
  // Paths relative to each hierarchy's mount point ("/docker/<id>"); empty
  // when the container was not found in that hierarchy.
  std::string v2_path;
  std::array<std::string, kNumV1Controllers> v1_paths;

  const std::string& v1_path(V1Controller c) const { return v1_paths[static_cast<size_t>(c)]; }
  // The path shown as ContainerIdentity::cgroup_path: v2, or v1 cpu, cpuacct,
  // memory, pids, blkio — the first present.
  const std::string& primary_path() const;
};

struct DiscoveryOptions {
  bool all_cgroups = false;
  size_t max_depth = 32;
  // Called with each directory's absolute path just before it is listed
  // (the Sampler watches them for new and removed cgroups).
  std::function<void(const std::string& dir)> on_directory;
};

// Containers in discovery order (unsorted).
std::vector<DiscoveredContainer> DiscoverContainers(const RootFs& rootfs,
                                                    const CgroupLayout& layout,
                                                    const DiscoveryOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DISCOVERY_H_
