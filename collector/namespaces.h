// Namespaces per container, from /proc/<pid>/ns/* of one of its processes
// (through the RootFs): the parsers (pure functions on text), the one read of
// a process's links and id maps (thin I/O), the per-container tracker that
// decides when to read, and the classifier that says, across the snapshot's
// containers, whom each namespace is shared with.
//
// When: a container's namespaces are read when the Sampler first sees its
// process list and again only when a later read of that list (the re-check,
// Freshness::kProcessList) finds it changed — never per sample. One read is
// eight readlinks and two small files (uid_map, gid_map). The host's are pid
// 1's (ReadHostNamespaces), read at the first collection and whenever a container's are read.
// Which process: the first of the sorted list whose ns directory exists (the
// lowest pid, the container's init unless pids wrapped), at most three tried.
//
// Errors: a link or map that cannot be read (EACCES for a berth without the
// right to trace the process, ENOENT for a kind the kernel lacks: time before
// 5.6) leaves that kind absent; link text that is not "<kind>:[<inode>]" or
// a map that is not the kernel's format is absent too and counts an error
// under "proc" (logged once per container). Nothing throws.
// Thread-safety: the functions are pure or stateless; a NamespaceTracker is
// used by one thread at a time.
#ifndef BERTH_COLLECTOR_NAMESPACES_H_
#define BERTH_COLLECTOR_NAMESPACES_H_

#include <array>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "collector/namespace_types.h"
#include "collector/root_fs.h"
#include "collector/snapshot.h"

namespace berth::collector {

// Lines in an id map at most (the kernel's UID_GID_MAP_MAX_EXTENTS).
inline constexpr size_t kMaxIdMapLines = 340;

// "pid:[4026531836]" (the target of /proc/<pid>/ns/pid) -> 4026531836.
// Nullopt unless the text is exactly `kind` ":[" digits "]" with the digits a
// non-zero uint64.
std::optional<uint64_t> ParseNamespaceLink(NamespaceKind kind, std::string_view text);

// /proc/<pid>/uid_map or gid_map: lines "inside outside count" (the kernel
// pads them with spaces). Nullopt for anything else: a field that is not a
// uint32, a count of 0, a range past 2^32, more than kMaxIdMapLines lines.
// An empty text is an empty map (a user namespace with none written yet).
std::optional<std::vector<IdMapRange>> ParseIdMap(std::string_view text);

// What one read of a process gave.
struct ProcessNamespaces {
  bool gone = false;  // no /proc/<pid>/ns/* at all: the process exited
  std::array<std::optional<uint64_t>, kNamespaceKindCount> inodes;
  std::optional<std::vector<IdMapRange>> uid_map, gid_map;
  int malformed = 0;  // links or maps whose text did not parse
};

// Reads <rootfs>/proc/<pid>/ns/<kind> for every kind, and uid_map/gid_map.
// `pid` is the text after /proc/ ("1", "4123").
ProcessNamespaces ReadProcessNamespaces(const RootFs& rootfs, std::string_view pid);

// The host's namespaces: pid 1's links; where one exists but cannot be read
// (EACCES: a sandbox whose init is outside berth's reach) berth's own, as
// for the host network (NetworkReader): the host's for a berth on the host
// or one run with the host's namespaces (hostPID, hostNetwork). Absent where
// neither can be read.
using HostNamespaces = std::array<std::optional<uint64_t>, kNamespaceKindCount>;
HostNamespaces ReadHostNamespaces(const RootFs& rootfs);

// One container's namespaces, read when its process list is new or changed.
class NamespaceTracker {
 public:
  using Source = std::function<ProcessNamespaces(int pid)>;
  explicit NamespaceTracker(Source source) : source_(std::move(source)) {}

  // `pids`: the process list (sorted) when this collection read it, else
  // nullptr. Reads when the list differs from the one of the last read (or
  // is the first); returns whether it read. An empty list reads nothing and
  // keeps the last result.
  bool Update(const std::vector<int>* pids, ErrorCounts& errors);
  // Whether the Sampler should read the process list for this tracker: it
  // has seen no process yet.
  bool wanted() const { return list_.empty(); }
  // The last result, sharing not classified (ClassifyNamespaceSharing does).
  const ContainerNamespaces& current() const { return current_; }

 private:
  Source source_;
  std::vector<int> list_;  // the list at the last read
  ContainerNamespaces current_;
  bool warned_ = false;
};

// Fills sharing and members of every container's namespaces: a known
// inode equal to the host's is kHost; else one that other containers have
// too is kContainers (all their names, one list per namespace); else kPrivate when the host's link of
// that kind is known, kUnknown when not. Names must be final (after the
// metadata providers). Cost: one hash map per kind over the containers.
void ClassifyNamespaceSharing(std::vector<ContainerStats>& containers, const HostNamespaces& host);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_NAMESPACES_H_
