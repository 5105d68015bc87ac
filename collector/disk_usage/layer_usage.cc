#include "collector/disk_usage/layer_usage.h"

#include <set>
#include <string>

namespace berth::collector {

FsUsage ToFsUsage(const DirUsage& usage, std::string device,
                  std::chrono::steady_clock::time_point now) {
  FsUsage out;
  out.device = std::move(device);
  out.usage_bytes = usage.totals.bytes;
  out.allocated_bytes = usage.totals.allocated_bytes;
  out.inodes = usage.totals.inodes;
  out.fs_size_bytes = usage.fs_size_bytes;
  out.fs_inodes_free = usage.fs_inodes_free;
  out.fs_inodes_total = usage.fs_inodes_total;
  out.age_seconds = std::chrono::duration<double>(now - usage.finished).count();
  if (out.age_seconds < 0) out.age_seconds = 0;
  out.walk_seconds = std::chrono::duration<double>(usage.walk_duration).count();
  out.partial = usage.totals.partial();
  return out;
}

LayerUsage::LayerUsage(const RootFs& rootfs, DiskUsageOptions options)
    : rootfs_(rootfs), devices_(rootfs), walker_(options) {}

void LayerUsage::Apply(Snapshot& snapshot) {
  std::set<std::string> wanted;
  for (const ContainerStats& c : snapshot.containers) {
    if (!c.identity.writable_layer_dir.empty()) {
      wanted.insert(rootfs_.Path(c.identity.writable_layer_dir));
    }
  }
  walker_.Want(wanted);
  const auto now = std::chrono::steady_clock::now();
  for (ContainerStats& c : snapshot.containers) {
    if (c.identity.writable_layer_dir.empty()) continue;
    auto usage = walker_.Get(rootfs_.Path(c.identity.writable_layer_dir));
    if (!usage) continue;
    c.writable_layer = ToFsUsage(*usage, devices_.Name(usage->major, usage->minor), now);
  }
}

}  // namespace berth::collector
