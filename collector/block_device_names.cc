#include "collector/block_device_names.h"

#include "collector/proc_parsers.h"

namespace berth::collector {

const std::string& BlockDeviceNames::Name(uint32_t major, uint32_t minor) {
  const uint64_t key = (uint64_t{major} << 32) | minor;
  auto it = names_.find(key);
  if (it != names_.end()) return it->second;
  std::string name;
  auto text = rootfs_.ReadFile("/sys/dev/block/" + std::to_string(major) + ":" +
                               std::to_string(minor) + "/uevent");
  if (text) {
    if (auto parsed = ParseDevName(*text)) name = std::move(*parsed);
  }
  return names_.emplace(key, std::move(name)).first->second;
}

void BlockDeviceNames::Fill(std::vector<BlockDeviceStats>& devices) {
  for (auto& d : devices) d.name = Name(d.major, d.minor);
}

}  // namespace berth::collector
