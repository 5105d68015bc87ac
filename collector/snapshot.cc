#include "collector/snapshot.h"

namespace berth::collector {

const char* CgroupModeName(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::kUnified: return "v2";
    case CgroupMode::kLegacy: return "v1";
    case CgroupMode::kHybrid: return "hybrid";
    case CgroupMode::kUnknown: break;
  }
  return "unknown";
}

const char* RuntimeName(Runtime runtime) {
  switch (runtime) {
    case Runtime::kDocker: return "docker";
    case Runtime::kPodman: return "podman";
    case Runtime::kContainerd: return "containerd";
    case Runtime::kCrio: return "cri-o";
    case Runtime::kLxc: return "lxc";
    case Runtime::kNspawn: return "systemd-nspawn";
    case Runtime::kCgroup: break;
  }
  return "cgroup";
}

std::string ShortId(std::string_view id) { return std::string(id.substr(0, 12)); }

const ContainerStats* Snapshot::Find(std::string_view id_or_name) const {
  if (id_or_name.empty()) return nullptr;
  for (const auto& c : containers) {
    if (c.identity.id == id_or_name || c.identity.name == id_or_name) return &c;
  }
  // docker accepts the leading "/" of names and unique id prefixes.
  if (id_or_name.front() == '/') return Find(id_or_name.substr(1));
  if (id_or_name.size() < 3) return nullptr;
  const ContainerStats* match = nullptr;
  for (const auto& c : containers) {
    if (c.identity.id.starts_with(id_or_name)) {
      if (match != nullptr) return nullptr;  // ambiguous prefix
      match = &c;
    }
  }
  return match;
}

}  // namespace berth::collector
