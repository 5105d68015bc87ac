// FsDeviceNames: the `device` label of a filesystem, as cAdvisor gives it —
// the source of the host's mount of that major:minor ("/dev/vda1"), read
// from <rootfs>/proc/1/mountinfo (else proc/self) with ParseMountInfo. The
// table is read at the first lookup and again when a major:minor is not in
// it (at most once per kRefresh), so a collection costs no read in the
// steady state. Unknown devices are named "M:m" (never an empty label).
//
// Thread-safety: one thread at a time (the Sampler's Collect()).
#ifndef BERTH_COLLECTOR_DISK_USAGE_FS_DEVICES_H_
#define BERTH_COLLECTOR_DISK_USAGE_FS_DEVICES_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "collector/root_fs.h"

namespace berth::collector {

class FsDeviceNames {
 public:
  static constexpr std::chrono::seconds kRefresh{30};

  explicit FsDeviceNames(const RootFs& rootfs) : rootfs_(rootfs) {}
  std::string Name(uint32_t major, uint32_t minor);

 private:
  void Load();
  const RootFs& rootfs_;
  std::map<std::pair<uint32_t, uint32_t>, std::string> names_;
  std::optional<std::chrono::steady_clock::time_point> loaded_at_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DISK_USAGE_FS_DEVICES_H_
