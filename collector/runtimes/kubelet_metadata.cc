#include "collector/runtimes/kubelet_metadata.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <unordered_set>

namespace berth::collector {
namespace {

bool SameTime(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

KubeletMetadata::KubeletMetadata(KubeletOptions options)
    : options_(std::move(options)), rootfs_(options_.rootfs) {
  containers_dir_.path = options_.containers_dir;
  pods_dir_.path = options_.pods_dir;
}

bool KubeletMetadata::Refresh(WatchedDir& dir, std::vector<RootFs::DirEntry>* entries) {
  struct stat st {};
  if (::stat(rootfs_.Path(dir.path).c_str(), &st) != 0) {
    dir.listable = false;
    dir.mtime.reset();
    dir.relist_next = true;
    return false;
  }
  if (!dir.relist_next && dir.mtime && SameTime(*dir.mtime, st.st_mtim)) return false;
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  auto listed = rootfs_.ListDir(dir.path);
  ++listings_;
  dir.listable = listed.has_value();
  dir.mtime = st.st_mtim;
  // An entry added in the same timestamp tick as this listing would leave the
  // mtime unchanged: look again next time while the change is that recent.
  dir.relist_next = !listed || now.tv_sec - st.st_mtim.tv_sec <= 1;
  if (listed) *entries = std::move(*listed);
  return listed.has_value();
}

void KubeletMetadata::RefreshAll() {
  std::vector<RootFs::DirEntry> entries;
  if (Refresh(containers_dir_, &entries)) {
    logs_by_id_.clear();
    for (const auto& e : entries) {
      if (auto parsed = ParseContainerLogName(e.name)) logs_by_id_[parsed->id] = *parsed;
    }
  }
  entries.clear();
  if (Refresh(pods_dir_, &entries)) {
    pods_by_uid_.clear();
    for (const auto& e : entries) {
      if (auto parsed = ParsePodLogDirName(e.name)) {
        pods_by_uid_[NormalisePodUid(parsed->uid)] = *parsed;
      }
    }
  }
}

std::optional<KubeletMetadata::Resolved> KubeletMetadata::Resolve(
    const ContainerIdentity& identity) const {
  if (auto it = logs_by_id_.find(identity.id); it != logs_by_id_.end()) {
    return Resolved{it->second.namespace_name, it->second.pod, it->second.container, false};
  }
  // Without a listing of /var/log/containers a missing entry proves nothing.
  if (!containers_dir_.listable) return std::nullopt;
  if (auto it = pods_by_uid_.find(NormalisePodUid(identity.pod_uid)); it != pods_by_uid_.end()) {
    return Resolved{it->second.namespace_name, it->second.pod,
                    std::string(kSandboxContainerName), true};
  }
  return std::nullopt;
}

int KubeletMetadata::Annotate(std::vector<ContainerIdentity*>& identities) {
  std::vector<ContainerIdentity*> pods;
  for (ContainerIdentity* identity : identities) {
    // A runtime's API (containerd's or CRI-O's labels) already said who it
    // is: its word stands (a log link not yet written is no sandbox).
    if (!identity->pod_uid.empty() && identity->k8s_container.empty()) pods.push_back(identity);
  }
  std::unordered_set<std::string> present;
  for (ContainerIdentity* identity : pods) present.insert(identity->id);
  std::erase_if(cache_, [&](const auto& entry) { return !present.contains(entry.first); });
  if (pods.empty()) return 0;

  bool need_refresh = false;
  for (ContainerIdentity* identity : pods) {
    auto it = cache_.find(identity->id);
    if (it == cache_.end() || it->second.sandbox) need_refresh = true;
  }
  if (need_refresh) RefreshAll();

  if (!containers_dir_.listable && !pods_dir_.listable) {
    if (!warned_unlistable_) {
      spdlog::warn("kubelet: cannot list {} or {} under {}: Kubernetes containers are shown by "
                   "id (mount the host's /var/log to name them)",
                   options_.containers_dir, options_.pods_dir, rootfs_.Path("/"));
      warned_unlistable_ = true;
    }
  } else if (warned_unlistable_) {
    spdlog::info("kubelet: log directories readable again; naming Kubernetes containers");
    warned_unlistable_ = false;
  }

  for (ContainerIdentity* identity : pods) {
    auto it = cache_.find(identity->id);
    if (it == cache_.end() || it->second.sandbox) {
      auto resolved = Resolve(*identity);
      // A sandbox verdict yields only to a real log entry.
      if (resolved && (it == cache_.end() || !resolved->sandbox)) {
        it = cache_.insert_or_assign(identity->id, std::move(*resolved)).first;
      }
      if (it == cache_.end()) continue;
    }
    const Resolved& r = it->second;
    if (identity->k8s_namespace.empty()) identity->k8s_namespace = r.namespace_name;
    if (identity->k8s_pod.empty()) identity->k8s_pod = r.pod;
    if (identity->k8s_container.empty()) identity->k8s_container = r.container;
    identity->is_sandbox = identity->is_sandbox || r.sandbox;
    if (identity->name.empty()) {
      identity->name = KubernetesDisplayName(r.namespace_name, r.pod, r.container);
    }
  }
  return 0;
}

std::unique_ptr<MetadataProvider> MakeKubeletMetadata(const KubeletOptions& options) {
  return std::make_unique<KubeletMetadata>(options);
}

}  // namespace berth::collector
