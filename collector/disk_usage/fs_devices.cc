#include "collector/disk_usage/fs_devices.h"

#include "collector/proc_parsers.h"

namespace berth::collector {

void FsDeviceNames::Load() {
  loaded_at_ = std::chrono::steady_clock::now();
  for (const char* path : {"/proc/1/mountinfo", "/proc/self/mountinfo"}) {
    auto text = rootfs_.ReadFile(path);
    if (!text) continue;
    auto mounts = ParseMountInfo(*text);
    if (!mounts) continue;
    names_.clear();
    for (const MountInfoEntry& m : *mounts) {
      if (m.source.empty() || m.source == "none") continue;
      names_.try_emplace({m.major, m.minor}, m.source);  // the first mount of a device names it
    }
    return;
  }
}

std::string FsDeviceNames::Name(uint32_t major, uint32_t minor) {
  auto it = names_.find({major, minor});
  if (it == names_.end() &&
      (!loaded_at_ || std::chrono::steady_clock::now() - *loaded_at_ >= kRefresh)) {
    Load();
    it = names_.find({major, minor});
  }
  if (it != names_.end()) return it->second;
  return std::to_string(major) + ":" + std::to_string(minor);
}

}  // namespace berth::collector
