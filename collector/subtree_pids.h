// SubtreePids: the processes of a container whose own cgroup holds none
// (cgroup v2's no-internal-process rule: rootless podman's ".../container",
// a systemd running inside the container). Walks the sub-cgroups below a
// container directory and gathers their cgroup.procs and thread counts,
// opening each file once (rare path, no descriptors kept).
//
// Thread-safety: no state. Errors: unreadable sub-cgroups are skipped.
#ifndef BERTH_COLLECTOR_SUBTREE_PIDS_H_
#define BERTH_COLLECTOR_SUBTREE_PIDS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace berth::collector {

struct SubtreeTasks {
  std::vector<int> pids;  // sorted, unique
  uint64_t threads = 0;
};

// `threads_file` is "cgroup.threads" (v2) or "tasks" (v1).
SubtreeTasks CollectSubtreePids(const std::string& dir, const char* threads_file,
                                size_t max_depth = 16);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_SUBTREE_PIDS_H_
