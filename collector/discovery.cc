#include "collector/discovery.h"

#include <dirent.h>
#include <sys/stat.h>

#include <functional>
#include <unordered_map>

namespace berth::collector {
namespace {

constexpr size_t kIdLength = 64;

bool IsHexId(std::string_view s) {
  if (s.size() != kIdLength) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view Dirname(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool ConsumePrefix(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

bool ConsumeSuffix(std::string_view& s, std::string_view suffix) {
  if (!s.ends_with(suffix)) return false;
  s.remove_suffix(suffix.size());
  return true;
}

bool IsUidChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-' || c == '_';
}

// Pod uid from one path component: cgroupfs "pod<uid>", systemd
// "kubepods-burstable-pod<uid_with_underscores>.slice".
std::optional<std::string> PodUidOf(std::string_view component) {
  std::string_view rest = component;
  if (ConsumeSuffix(rest, ".slice")) {
    size_t at = rest.rfind("-pod");
    if (at == std::string_view::npos) return std::nullopt;
    rest = rest.substr(at + 4);
  } else if (!ConsumePrefix(rest, "pod")) {
    return std::nullopt;
  }
  if (rest.empty()) return std::nullopt;
  std::string uid;
  uid.reserve(rest.size());
  for (char c : rest) {
    if (!IsUidChar(c)) return std::nullopt;
    uid += c == '_' ? '-' : c;
  }
  return uid;
}

// Kubernetes context of a container path: pod uid and QoS class from the
// components of its parent path.
void AddKubernetesContext(std::string_view parent, ContainerRef& ref) {
  bool in_kubepods = false;
  std::string qos = "guaranteed";
  while (!parent.empty()) {
    size_t slash = parent.find('/');
    std::string_view c = parent.substr(0, slash);
    parent = slash == std::string_view::npos ? std::string_view() : parent.substr(slash + 1);
    if (c.empty()) continue;
    if (c.find("kubepods") != std::string_view::npos) {
      in_kubepods = true;
      if (c.find("burstable") != std::string_view::npos) qos = "burstable";
      if (c.find("besteffort") != std::string_view::npos) qos = "besteffort";
    }
    if (!in_kubepods) continue;
    if (c == "burstable" || c == "besteffort") {
      qos = std::string(c);
      continue;
    }
    if (auto uid = PodUidOf(c)) {
      ref.pod_uid = std::move(*uid);
    }
  }
  if (in_kubepods && !ref.pod_uid.empty()) ref.qos_class = std::move(qos);
}

// Classifies one cgroup name (the last path component).
std::optional<ContainerRef> ClassifyName(std::string_view name, bool under_kubepods) {
  std::string_view stem = name;
  const bool scope = ConsumeSuffix(stem, ".scope");
  ContainerRef ref;
  if (ConsumePrefix(stem, "docker-")) {
    ref.runtime = Runtime::kDocker;
  } else if (stem.starts_with("libpod-conmon-") || stem.starts_with("crio-conmon-")) {
    return std::nullopt;
  } else if (ConsumePrefix(stem, "libpod-")) {
    ref.runtime = Runtime::kPodman;
  } else if (ConsumePrefix(stem, "cri-containerd-") || ConsumePrefix(stem, "nerdctl-")) {
    // CRI's and nerdctl's systemd scopes (nerdctl's cgroupfs layout,
    // /<namespace>/<id>, is a bare id: the containerd provider claims it).
    ref.runtime = Runtime::kContainerd;
  } else if (ConsumePrefix(stem, "crio-")) {
    ref.runtime = Runtime::kCrio;
  } else if (scope && ConsumePrefix(stem, "machine-")) {
    if (stem.empty()) return std::nullopt;
    ref.runtime = Runtime::kNspawn;
    ref.id = std::string(name);
    ref.name = UnescapeSystemdName(stem);
    return ref;
  } else if (!scope && ConsumePrefix(stem, "lxc.payload.")) {
    if (stem.empty()) return std::nullopt;
    ref.runtime = Runtime::kLxc;
    ref.id = std::string(name);
    ref.name = std::string(stem);
    return ref;
  } else if (!scope && IsHexId(stem)) {
    // A bare id: docker's cgroupfs driver (any --cgroup-parent), or a
    // Kubernetes cgroupfs layout (kubepods/<qos>/pod<uid>/<id>).
    ref.runtime = under_kubepods ? Runtime::kContainerd : Runtime::kDocker;
    ref.id = std::string(stem);
    return ref;
  } else {
    return std::nullopt;
  }
  if (!IsHexId(stem)) return std::nullopt;
  ref.id = std::string(stem);
  return ref;
}

}  // namespace

std::string UnescapeSystemdName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 3 < name.size() && name[i + 1] == 'x' && hex(name[i + 2]) >= 0 &&
        hex(name[i + 3]) >= 0) {
      out += static_cast<char>(hex(name[i + 2]) * 16 + hex(name[i + 3]));
      i += 3;
    } else {
      out += name[i];
    }
  }
  return out;
}

std::optional<ContainerRef> ClassifyCgroupPath(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::string_view name = Basename(path);
  std::string_view parent = Dirname(path);
  if (name.empty() || name.ends_with(".mount")) return std::nullopt;
  if (name == "container") {
    // Rootless podman: the processes live in ".../libpod-<id>.scope/container".
    std::string_view scope = Basename(parent);
    if (!scope.starts_with("libpod-")) return std::nullopt;
    name = scope;
    parent = Dirname(parent);
  }
  const bool under_kubepods = parent.find("kubepods") != std::string_view::npos;
  auto ref = ClassifyName(name, under_kubepods);
  if (ref && under_kubepods) AddKubernetesContext(parent, *ref);
  return ref;
}

const std::string& DiscoveredContainer::primary_path() const {
  static constexpr V1Controller kOrder[] = {V1Controller::kCpu, V1Controller::kCpuacct,
                                            V1Controller::kMemory, V1Controller::kPids,
                                            V1Controller::kBlkio};
  for (V1Controller c : kOrder) {
    if (!v1_path(c).empty()) return v1_path(c);
  }
  return v2_path;
}

namespace {

// Walks one hierarchy; `emit(ref, rel_path)` for every container (and every
// cgroup with all_cgroups).
class HierarchyWalker {
 public:
  template <typename Emit>
  HierarchyWalker(const DiscoveryOptions& options, Emit&& emit)
      : options_(options), emit_(std::forward<Emit>(emit)) {}

  void Walk(const std::string& abs_root) {
    abs_ = abs_root;
    rel_.clear();
    if (options_.all_cgroups) emit_(CgroupRef("/"), "/");
    Descend(0);
  }

 private:
  static ContainerRef CgroupRef(std::string_view path) {
    ContainerRef ref;
    ref.runtime = Runtime::kCgroup;
    ref.id = std::string(path);
    return ref;
  }

  void Descend(size_t depth) {
    if (depth >= options_.max_depth) return;
    if (options_.on_directory) options_.on_directory(abs_);
    DIR* dir = ::opendir(abs_.c_str());
    if (dir == nullptr) return;
    // Collect child names first: recursion reuses the path buffers.
    std::vector<std::string> children;
    while (dirent* e = ::readdir(dir)) {
      const char* n = e->d_name;
      if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        std::string p = abs_ + "/" + n;
        is_dir = ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      }
      if (is_dir) children.emplace_back(n);
    }
    ::closedir(dir);
    for (const std::string& child : children) {
      const size_t abs_len = abs_.size(), rel_len = rel_.size();
      abs_ += '/';
      abs_ += child;
      rel_ += '/';
      rel_ += child;
      auto ref = ClassifyCgroupPath(rel_);
      if (ref) {
        emit_(*ref, rel_);
        if (options_.all_cgroups) Descend(depth + 1);
      } else if (!std::string_view(child).ends_with(".mount")) {
        if (options_.all_cgroups) emit_(CgroupRef(rel_), rel_);
        Descend(depth + 1);
      }
      abs_.resize(abs_len);
      rel_.resize(rel_len);
    }
  }

  const DiscoveryOptions& options_;
  std::function<void(const ContainerRef&, const std::string&)> emit_;
  std::string abs_;
  std::string rel_;
};

}  // namespace

std::vector<DiscoveredContainer> DiscoverContainers(const RootFs& rootfs,
                                                    const CgroupLayout& layout,
                                                    const DiscoveryOptions& options) {
  std::vector<DiscoveredContainer> out;
  std::unordered_map<std::string, size_t> by_id;
  // Which path slot the current walk fills.
  std::vector<size_t> v1_slots;
  bool v2_slot = false;
  bool may_create = true;

  auto emit = [&](const ContainerRef& ref, const std::string& rel) {
    auto it = by_id.find(ref.id);
    DiscoveredContainer* c;
    if (it == by_id.end()) {
      if (!may_create) return;
      by_id.emplace(ref.id, out.size());
      c = &out.emplace_back();
      c->ref = ref;
    } else {
      c = &out[it->second];
    }
    if (v2_slot) {
      if (c->v2_path.empty()) c->v2_path = rel;
    }
    for (size_t slot : v1_slots) {
      if (c->v1_paths[slot].empty()) c->v1_paths[slot] = rel;
    }
  };
  HierarchyWalker walker(options, emit);

  if (layout.mode == CgroupMode::kUnified) {
    v2_slot = true;
    walker.Walk(rootfs.Path(layout.v2_mount));
    return out;
  }
  // v1 / hybrid: one walk per distinct mount; co-mounted controllers share it.
  std::array<bool, kNumV1Controllers> done{};
  for (size_t i = 0; i < kNumV1Controllers; ++i) {
    if (done[i] || layout.v1_mounts[i].empty()) continue;
    v1_slots.clear();
    for (size_t j = i; j < kNumV1Controllers; ++j) {
      if (layout.v1_mounts[j] == layout.v1_mounts[i]) {
        v1_slots.push_back(j);
        done[j] = true;
      }
    }
    walker.Walk(rootfs.Path(layout.v1_mounts[i]));
  }
  if (!layout.v2_mount.empty()) {
    // Hybrid: the controller-less v2 mount only adds PSI files to containers
    // already found in a v1 hierarchy.
    v1_slots.clear();
    v2_slot = true;
    may_create = false;
    walker.Walk(rootfs.Path(layout.v2_mount));
  }
  return out;
}

}  // namespace berth::collector
