// KubeletMetadata: a MetadataProvider that names Kubernetes containers from
// the kubelet's log layout under the rootfs, with no API client:
//   /var/log/containers/<pod>_<namespace>_<container>-<id>.log  -> by container id
//   /var/log/pods/<namespace>_<pod>_<uid>/                       -> by pod uid
// It annotates identities whose cgroup path carries a pod uid (set by
// discovery, with the QoS class) and that no runtime API provider (containerd,
// CRI-O: they run first) has resolved already: k8s_namespace, k8s_pod, k8s_container
// (the kubelet's `namespace`, `pod`, `container` labels) and, when no other
// provider named it, name = "<namespace>/<pod>/<container>".
//
// The pause (sandbox) container: an id under a known pod's cgroup that has
// no entry in /var/log/containers (the kubelet logs every container but the
// sandbox) is marked is_sandbox with container "POD" (the kubelet/cAdvisor
// convention, so `container!="POD"` filters keep working). A container's
// labels never change once resolved from its log entry; a sandbox verdict is
// only revised if the id later appears in /var/log/containers (a container
// whose log link the kubelet had not yet written).
//
// Cost: per Annotate() at most one stat() per directory and a re-list only
// when the directory's mtime changed (or changed within a second of the last
// listing, to survive coarse timestamps); results are cached by id and
// pruned when a container disappears.
//
// Errors: directories that cannot be listed (berth in a container without
// /var/log mounted) leave the containers named by id; a warning says so once.
// Annotate() returns 0: a missing log directory is not a failed lookup.
//
// Thread-safety: Annotate() from one thread at a time (MetadataProvider's
// contract); no background threads.
#ifndef BERTH_COLLECTOR_KUBELET_METADATA_H_
#define BERTH_COLLECTOR_KUBELET_METADATA_H_

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/runtimes/kubelet_log_names.h"
#include "collector/metadata.h"
#include "collector/root_fs.h"

namespace berth::collector {

struct KubeletOptions {
  std::string rootfs = "/";  // --path.rootfs
  std::string containers_dir = "/var/log/containers";
  std::string pods_dir = "/var/log/pods";
};

class KubeletMetadata : public MetadataProvider {
 public:
  explicit KubeletMetadata(KubeletOptions options);

  const char* source() const override { return "kubelet"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;

  // Directory listings taken so far (for tests of the re-list policy).
  int listings() const { return listings_; }

 private:
  // A directory listed when its mtime changes.
  struct WatchedDir {
    std::string path;
    std::optional<timespec> mtime;  // at the last listing; nullopt = not listed
    bool relist_next = true;
    bool listable = false;
  };
  struct Resolved {
    std::string namespace_name, pod, container;
    bool sandbox = false;
  };

  // Re-lists `dir` if needed; true when it was (re)listed now.
  bool Refresh(WatchedDir& dir, std::vector<RootFs::DirEntry>* entries);
  void RefreshAll();
  std::optional<Resolved> Resolve(const ContainerIdentity& identity) const;

  KubeletOptions options_;
  RootFs rootfs_;
  WatchedDir containers_dir_, pods_dir_;
  std::unordered_map<std::string, ContainerLogName> logs_by_id_;
  std::unordered_map<std::string, PodLogDir> pods_by_uid_;  // normalised uid
  std::unordered_map<std::string, Resolved> cache_;         // by container id
  int listings_ = 0;
  bool warned_unlistable_ = false;
};

std::unique_ptr<MetadataProvider> MakeKubeletMetadata(const KubeletOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_KUBELET_METADATA_H_
