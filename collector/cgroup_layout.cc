#include "collector/cgroup_layout.h"

#include <vector>

#include "collector/proc_parsers.h"

namespace berth::collector {
namespace {

constexpr std::array<const char*, kNumV1Controllers> kV1Names = {
    "cpu", "cpuacct", "memory", "blkio", "pids"};

// Picks the mount to keep when a hierarchy is mounted twice: the first one
// under /sys/fs/cgroup wins, otherwise the first one seen.
bool Better(const std::string& candidate, const std::string& current) {
  if (current.empty()) return true;
  return !current.starts_with("/sys/fs/cgroup") && candidate.starts_with("/sys/fs/cgroup");
}

CgroupMode ModeOf(const CgroupLayout& layout) {
  if (layout.has_v1()) return layout.v2_mount.empty() ? CgroupMode::kLegacy : CgroupMode::kHybrid;
  if (!layout.v2_mount.empty()) return CgroupMode::kUnified;
  return CgroupMode::kUnknown;
}

// No mount table: look at the conventional places.
CgroupLayout Probe(const RootFs& rootfs) {
  CgroupLayout layout;
  if (rootfs.Exists("/sys/fs/cgroup/cgroup.controllers")) {
    layout.v2_mount = "/sys/fs/cgroup";
    layout.mode = CgroupMode::kUnified;
    return layout;
  }
  for (size_t i = 0; i < kNumV1Controllers; ++i) {
    const std::string dir = std::string("/sys/fs/cgroup/") + kV1Names[i];
    if (rootfs.Exists(dir + "/cgroup.procs")) layout.v1_mounts[i] = dir;
  }
  // Co-mounted cpu,cpuacct shows up as one directory with symlinks.
  if (layout.v1_mounts[0].empty() && rootfs.Exists("/sys/fs/cgroup/cpu,cpuacct/cgroup.procs")) {
    layout.v1_mounts[0] = layout.v1_mounts[1] = "/sys/fs/cgroup/cpu,cpuacct";
  }
  if (rootfs.Exists("/sys/fs/cgroup/unified/cgroup.controllers")) {
    layout.v2_mount = "/sys/fs/cgroup/unified";
  }
  layout.mode = ModeOf(layout);
  return layout;
}

}  // namespace

const char* V1ControllerName(V1Controller controller) {
  return kV1Names[static_cast<size_t>(controller)];
}

std::optional<V1Controller> V1ControllerFromName(std::string_view name) {
  for (size_t i = 0; i < kNumV1Controllers; ++i) {
    if (name == kV1Names[i]) return static_cast<V1Controller>(i);
  }
  return std::nullopt;
}

bool CgroupLayout::has_v1() const {
  for (const auto& m : v1_mounts) {
    if (!m.empty()) return true;
  }
  return false;
}

std::optional<CgroupLayout> LayoutFromMountInfo(std::string_view mountinfo) {
  auto mounts = ParseCgroupMounts(mountinfo);
  if (!mounts) return std::nullopt;
  CgroupLayout layout;
  for (const CgroupMount& m : *mounts) {
    if (m.is_v2) {
      if (Better(m.mount_point, layout.v2_mount)) layout.v2_mount = m.mount_point;
      continue;
    }
    for (const std::string& c : m.controllers) {
      auto controller = V1ControllerFromName(c);
      if (!controller) continue;
      std::string& slot = layout.v1_mounts[static_cast<size_t>(*controller)];
      if (Better(m.mount_point, slot)) slot = m.mount_point;
    }
  }
  layout.mode = ModeOf(layout);
  return layout;
}

CgroupLayout DetectCgroupLayout(const RootFs& rootfs) {
  const bool real_root = rootfs.prefix().empty();
  const char* order[2] = {"/proc/self/mountinfo", "/proc/1/mountinfo"};
  if (!real_root) std::swap(order[0], order[1]);
  for (const char* path : order) {
    auto text = rootfs.ReadFile(path);
    if (!text) continue;
    auto layout = LayoutFromMountInfo(*text);
    if (layout && layout->mode != CgroupMode::kUnknown) return *layout;
  }
  return Probe(rootfs);
}

}  // namespace berth::collector
