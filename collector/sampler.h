// Sampler: one call, one Snapshot. Collect() walks the cgroup hierarchies
// under the RootFs, recognises containers, reads their files (keeping file
// descriptors open between calls and re-reading them with pread when the
// RLIMIT_NOFILE allows), reads host facts and asks the metadata providers
// for names. The walk is repeated only when a directory it listed gained or
// lost an entry (inotify; cgroups come and go by mkdir/rmdir), and every
// rewalk_interval as a safety net. A container that vanishes mid-read is
// dropped from that snapshot; a malformed file leaves its field absent and
// counts an error.
//
// Thread-safety: Collect() must not be called concurrently on one Sampler
// (serve serialises it); the returned Snapshot is immutable and shareable.
#ifndef BERTH_COLLECTOR_SAMPLER_H_
#define BERTH_COLLECTOR_SAMPLER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "collector/disk_usage/disk_usage_walker.h"
#include "collector/metadata.h"
#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

struct SamplerOptions {
  std::string rootfs = "/";
  // Report every cgroup (like systemd-cgtop), not only containers.
  bool all_cgroups = false;
  // Keep cgroup file descriptors open between collections (pread re-reads).
  bool keep_fds = true;
  // How often what no watch covers is re-checked: a container's process list
  // (for the kept net/dev), files skipped while they cannot change, and the
  // limit files (cpu.max, memory.max, pids.max …) when inotify cannot watch
  // them; in between the last values are reported. 0 = every collection.
  // Spread (FreshnessClock): a container re-checks after this long and at
  // least 10 collections, a tenth of the containers in each collection.
  std::chrono::milliseconds limits_refresh{10000};
  // Read the *.pressure (PSI) files; off for views that show no pressure
  // (three reads fewer per container).
  bool pressure = true;
  // How often what inotify watches is read anyway: the cgroup tree is walked
  // and the watched limit files re-read although no watch reported a change.
  // Every mkdir/rmdir of a cgroup notifies the watch on its parent directory,
  // through any mount of the hierarchy (one superblock: shown on this
  // project's hybrid host for a fresh v1 and v2 mount in a new cgroup
  // namespace), and every write of a limit file notifies its watch, so this
  // guards only against what nobody foresaw — and v2's cpu.weight.nice, which
  // changes cpu.weight without writing it. A walk of a host with ~700 cgroup
  // directories costs ~20 ms of CPU; re-reading a container's limits ~60 µs.
  std::chrono::milliseconds watched_refresh{std::chrono::minutes(5)};
  // Measure each container's writable layer (ContainerStats::writable_layer)
  // with a background DiskUsageWalker (collector/disk_usage/): off for views
  // that show no disk usage (no thread, no walk).
  bool disk_usage = false;
  DiskUsageOptions disk_usage_options;
};

class Sampler {
 public:
  explicit Sampler(SamplerOptions options);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Providers annotate in the order added; a stopped container that two of
  // them know (Snapshot::stopped) is reported once, as the earlier one says.
  void AddMetadataProvider(std::unique_ptr<MetadataProvider> provider);

  SnapshotPtr Collect();

  // The processes of a container of the last Collect(), read now (its
  // cgroup.procs, or its sub-cgroups' when that is empty), sorted; empty when
  // it is unknown or gone. Collect() reads the list only now and then (see
  // Freshness::kProcessList) and keeps it out of the Snapshot, so a view
  // showing processes asks here. Not concurrently with Collect().
  std::vector<int> Processes(const std::string& id);

  // Monotonic error totals by source since construction.
  ErrorCounts error_totals() const;
  const RootFs& rootfs() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_SAMPLER_H_
