// CgroupLayout: where the cgroup hierarchies of a host are mounted and which
// mode the host runs in (unified v2, legacy v1, or hybrid = v1 controllers
// plus a v2 mount without controllers).
//
// DetectCgroupLayout() reads the mount table through the RootFs: when the
// prefix is not "/" (a containerised berth looking at /host), the host's
// <rootfs>/proc/1/mountinfo is preferred over proc/self; with the real root
// /proc/self/mountinfo comes first. Without a readable mount table it probes
// <rootfs>/sys/fs/cgroup. Mount points are host paths: read them through the
// same RootFs.
//
// Thread-safety: the result is a plain value. Errors: an undetectable host
// gives mode kUnknown and no mounts (never throws).
#ifndef BERTH_COLLECTOR_CGROUP_LAYOUT_H_
#define BERTH_COLLECTOR_CGROUP_LAYOUT_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

// The v1 controllers berth reads.
enum class V1Controller { kCpu = 0, kCpuacct, kMemory, kBlkio, kPids };
inline constexpr size_t kNumV1Controllers = 5;
const char* V1ControllerName(V1Controller controller);  // "cpu", "cpuacct", …
std::optional<V1Controller> V1ControllerFromName(std::string_view name);

struct CgroupLayout {
  CgroupMode mode = CgroupMode::kUnknown;
  // Host path of the cgroup2 mount ("/sys/fs/cgroup" on v2,
  // "/sys/fs/cgroup/unified" on hybrid); empty when there is none.
  std::string v2_mount;
  // Host path of each v1 controller's mount, indexed by V1Controller; empty
  // when that controller is not mounted. Co-mounted controllers ("cpu,cpuacct")
  // share one path.
  std::array<std::string, kNumV1Controllers> v1_mounts;

  const std::string& v1_mount(V1Controller c) const {
    return v1_mounts[static_cast<size_t>(c)];
  }
  bool has_v1() const;
};

// Pure: the layout described by a mountinfo text (nullopt when malformed).
std::optional<CgroupLayout> LayoutFromMountInfo(std::string_view mountinfo);

CgroupLayout DetectCgroupLayout(const RootFs& rootfs);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CGROUP_LAYOUT_H_
