// LayerUsage: the Sampler's disk-usage step. After the metadata providers
// named the containers, it tells the DiskUsageWalker which writable layers to
// measure (the runtime's host path under --path.rootfs) and copies each
// one's last result into the Snapshot (ContainerStats::writable_layer) with
// its age and the device name of its filesystem. No tree is read here: one
// mutex-guarded map lookup per container.
//
// Thread-safety: Apply() from one thread at a time (the Sampler's Collect()).
#ifndef BERTH_COLLECTOR_DISK_USAGE_LAYER_USAGE_H_
#define BERTH_COLLECTOR_DISK_USAGE_LAYER_USAGE_H_

#include <memory>

#include "collector/disk_usage/disk_usage_walker.h"
#include "collector/disk_usage/fs_devices.h"
#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

class LayerUsage {
 public:
  LayerUsage(const RootFs& rootfs, DiskUsageOptions options);
  void Apply(Snapshot& snapshot);
  const DiskUsageWalker& walker() const { return walker_; }

 private:
  const RootFs& rootfs_;
  FsDeviceNames devices_;
  DiskUsageWalker walker_;
};

// A walker result as the Snapshot shows it, `now` giving its age.
FsUsage ToFsUsage(const DirUsage& usage, std::string device,
                  std::chrono::steady_clock::time_point now);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DISK_USAGE_LAYER_USAGE_H_
