// MetadataProvider: names, images and labels for containers the cgroup walk
// found. Implementations (Docker Engine API, Podman, kubelet log layout …)
// cache by id and bound every lookup with a timeout; Annotate() never blocks
// longer than that timeout and never throws. A provider that cannot reach its
// source leaves identities untouched (the Sampler falls back to the short id)
// and reports why through LastError().
//
// Thread-safety: Annotate() is called from one thread at a time (the Sampler's
// Collect()); implementations may run their own background threads.
#ifndef BERTH_COLLECTOR_METADATA_H_
#define BERTH_COLLECTOR_METADATA_H_

#include <string>
#include <vector>

#include "collector/snapshot.h"

namespace berth::collector {

class MetadataProvider {
 public:
  virtual ~MetadataProvider() = default;
  // Short name for logs and berth_collector_errors_total{source}: "docker".
  virtual const char* source() const = 0;
  // Fills name/image/labels/start time of the identities it knows.
  // Returns the number of lookup errors this call met (0 on success).
  virtual int Annotate(std::vector<ContainerIdentity*>& identities) = 0;
  // Containers the runtime knows that have no cgroup now (created, exited),
  // from the data the last Annotate() fetched: no extra lookup. `seen` holds
  // the ids that do have a cgroup. Used by `berth stats --all`. Default: none.
  virtual std::vector<ContainerIdentity> KnownWithoutCgroup(
      const std::vector<std::string>& seen_ids) {
    (void)seen_ids;
    return {};
  }
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_METADATA_H_
