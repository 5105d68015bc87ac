// BlockDeviceNames: "8:0" -> "sda" from <rootfs>/sys/dev/block/M:m/uevent
// (DEVNAME=), cached by device number (unknown devices are cached as "").
//
// Thread-safety: none (one collection thread). Errors: an unreadable or
// malformed uevent gives an empty name.
#ifndef BERTH_COLLECTOR_BLOCK_DEVICE_NAMES_H_
#define BERTH_COLLECTOR_BLOCK_DEVICE_NAMES_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

class BlockDeviceNames {
 public:
  explicit BlockDeviceNames(const RootFs& rootfs) : rootfs_(rootfs) {}
  const std::string& Name(uint32_t major, uint32_t minor);
  // Fills the name of every device in `devices`.
  void Fill(std::vector<BlockDeviceStats>& devices);

 private:
  const RootFs& rootfs_;
  std::unordered_map<uint64_t, std::string> names_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_BLOCK_DEVICE_NAMES_H_
