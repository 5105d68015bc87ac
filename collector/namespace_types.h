// The namespaces of a container as the Snapshot carries them (part of
// ContainerStats): for each of the eight kinds under /proc/<pid>/ns/ (net,
// pid, mnt, ipc, uts, user, cgroup, time) the namespace's inode number and
// whom it is shared with — the host (the same namespace as the rootfs' pid 1),
// other containers (by name), or nobody; plus the user namespace's uid/gid
// mapping, which tells a rootless or remapped container (container root is
// host uid 100000, say) from one whose root is the host's root.
// Filled by collector/namespaces.h; plain values, no invariants beyond the
// comments.
#ifndef BERTH_COLLECTOR_NAMESPACE_TYPES_H_
#define BERTH_COLLECTOR_NAMESPACE_TYPES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::collector {

// In the order they are shown everywhere (link names in /proc/<pid>/ns/).
enum class NamespaceKind : uint8_t { kNet, kPid, kIpc, kUts, kMnt, kUser, kCgroup, kTime };
inline constexpr size_t kNamespaceKindCount = 8;
// "net", "pid", "ipc", "uts", "mnt", "user", "cgroup", "time": the link's
// name in /proc/<pid>/ns/ and the text before ":[" in its target.
const char* NamespaceKindName(NamespaceKind kind);

enum class NamespaceSharing : uint8_t {
  kUnknown,     // the container's link was not readable, or it is no other
                // container's and the host's link was not readable
  kPrivate,     // neither the host's nor any other container's berth sees
  kHost,        // the host's (pid 1 of the rootfs' /proc is in it)
  kContainers,  // not the host's, but other containers are in it too
};
// "unknown", "private", "host", "container".
const char* NamespaceSharingName(NamespaceSharing sharing);

// Other containers an output names at most for one namespace (a rootless
// engine's containers may all share one user namespace); it gives the count
// of all of them beside (collector/derived.h SharedWith, SharedWithCount).
inline constexpr size_t kMaxSharedWithNames = 8;

struct NamespaceInfo {
  std::optional<uint64_t> inode;  // "net:[4026531840]" -> 4026531840; absent: unreadable
  NamespaceSharing sharing = NamespaceSharing::kUnknown;
  // kContainers: the names of every container in it, this one's included,
  // sorted; one list shared by all of them (a group of 5,000 is copied once,
  // not 5,000 times). Null otherwise.
  std::shared_ptr<const std::vector<std::string>> members;
  // By value: the same members in two lists are equal.
  friend bool operator==(const NamespaceInfo& a, const NamespaceInfo& b) {
    if (a.inode != b.inode || a.sharing != b.sharing) return false;
    if (!a.members || !b.members) return a.members == b.members;
    return *a.members == *b.members;
  }
};

// One line of /proc/<pid>/uid_map or gid_map: ids [inside, inside + count)
// of the process's user namespace are [outside, outside + count) of the
// reader's (berth's; the host's for a berth on the host).
struct IdMapRange {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 0;
  bool operator==(const IdMapRange&) const = default;
};

struct ContainerNamespaces {
  std::array<NamespaceInfo, kNamespaceKindCount> kinds;  // indexed by NamespaceKind
  // The process whose links were read (0: none could be). Absent maps: not
  // readable; an empty map: the user namespace has none written yet.
  int pid = 0;
  std::optional<std::vector<IdMapRange>> uid_map, gid_map;

  NamespaceInfo& operator[](NamespaceKind kind) { return kinds[static_cast<size_t>(kind)]; }
  const NamespaceInfo& operator[](NamespaceKind kind) const {
    return kinds[static_cast<size_t>(kind)];
  }
  // Whether any link was read.
  bool known() const {
    for (const NamespaceInfo& k : kinds) {
      if (k.inode) return true;
    }
    return false;
  }
  friend bool operator==(const ContainerNamespaces&, const ContainerNamespaces&) = default;
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_NAMESPACE_TYPES_H_
