// NetworkReader: a container's interfaces from /proc/<pid>/net/dev of one of
// its processes (read through the RootFs), keeping that file's descriptor
// open between collections.
//
// Host-network detection compares the text of the namespace links
// (readlink "<rootfs>/proc/<pid>/ns/net" vs the host's: "<rootfs>/proc/1/ns/net",
// or "<rootfs>/proc/self/ns/net" when init's is unreadable; e.g.
// "net:[4026531840]"): equal -> NetworkMode::kHost and no interfaces are
// reported as the container's own. When the link cannot be read but net/dev
// can, the namespace is taken to be the container's own (kOwn). No readable
// process -> kUnknown.
//
// The chosen pid is re-resolved when it leaves the container's process list
// (checked on the collections that read the list) or its net/dev stops
// opening. A kept descriptor reads the namespace it was opened in even after
// its process exits, which is the container's as long as the container lives
// (its processes share one namespace), so the list need not be read every
// time.
// Close() drops the kept descriptor: call it when the cgroup goes (a kept
// net/dev descriptor pins a dead network namespace).
//
// Ownership: owns one descriptor. Thread-safety: none. Errors: a malformed
// net/dev counts an error under "proc".
#ifndef BERTH_COLLECTOR_NETWORK_READER_H_
#define BERTH_COLLECTOR_NETWORK_READER_H_

#include <optional>
#include <string>
#include <vector>

#include "collector/kept_file.h"
#include "collector/read_context.h"
#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

// readlink of "<rootfs>/proc/<pid>/ns/net" ("self"/"1" accepted as pid text);
// nullopt when unreadable.
std::optional<std::string> ReadNetNsLink(const RootFs& rootfs, std::string_view pid);

class NetworkReader {
 public:
  explicit NetworkReader(const RootFs& rootfs) : rootfs_(rootfs) {}

  // `pids`: the container's processes, sorted, or nullptr when the list was
  // not read this collection. `host_netns`: the host's link text, "" when
  // unknown (then every container counts as kOwn). Returns false (and fills
  // nothing) only when `pids` is nullptr and a process must be chosen: call
  // again with the list.
  bool Read(const std::vector<int>* pids, const std::string& host_netns, ReadContext& ctx,
            ContainerStats& out);
  void Close();
  int pid() const { return pid_; }

 private:
  // Resolves the namespace of `pid`; false when the process is gone.
  bool Resolve(int pid, const std::string& host_netns);

  const RootFs& rootfs_;
  int pid_ = 0;
  NetworkMode mode_ = NetworkMode::kUnknown;
  std::string net_dir_;  // "<rootfs>/proc/<pid>/net"
  KeptFile net_dev_{"dev"};
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_NETWORK_READER_H_
