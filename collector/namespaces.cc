#include "collector/namespaces.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <string>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "collector/parse_util.h"

namespace berth::collector {
namespace {

constexpr int kMaxAttempts = 3;

constexpr std::array<const char*, kNamespaceKindCount> kKindNames = {
    "net", "pid", "ipc", "uts", "mnt", "user", "cgroup", "time"};

bool ToU32(std::string_view s, uint32_t* out) {
  uint64_t v = 0;
  if (!parse::ToU64(s, &v) || v > std::numeric_limits<uint32_t>::max()) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

enum class LinkStatus { kOk, kMissing, kUnreadable, kMalformed };

LinkStatus ReadLink(const std::string& path, NamespaceKind kind, std::optional<uint64_t>& out) {
  char buf[64];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return errno == ENOENT ? LinkStatus::kMissing : LinkStatus::kUnreadable;
  if (static_cast<size_t>(n) >= sizeof buf) return LinkStatus::kMalformed;  // longer than any
  out = ParseNamespaceLink(kind, std::string_view(buf, static_cast<size_t>(n)));
  return out ? LinkStatus::kOk : LinkStatus::kMalformed;
}

// A map file: absent when unreadable; `malformed` counts text that did not parse.
std::optional<std::vector<IdMapRange>> ReadMap(const std::string& path, int& malformed) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return std::nullopt;
  auto map = ParseIdMap(*text);
  if (!map) ++malformed;
  return map;
}

}  // namespace

const char* NamespaceKindName(NamespaceKind kind) {
  const size_t i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "unknown";
}

const char* NamespaceSharingName(NamespaceSharing sharing) {
  switch (sharing) {
    case NamespaceSharing::kPrivate: return "private";
    case NamespaceSharing::kHost: return "host";
    case NamespaceSharing::kContainers: return "container";
    case NamespaceSharing::kUnknown: break;
  }
  return "unknown";
}

std::optional<uint64_t> ParseNamespaceLink(NamespaceKind kind, std::string_view text) {
  const std::string_view name = NamespaceKindName(kind);
  if (text.size() < name.size() + 3 || text.substr(0, name.size()) != name) return std::nullopt;
  text.remove_prefix(name.size());
  if (text.substr(0, 2) != ":[" || text.back() != ']') return std::nullopt;
  text = text.substr(2, text.size() - 3);
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // the kernel writes no leading zero
  uint64_t inode = 0;
  if (!parse::ToU64(text, &inode) || inode == 0) return std::nullopt;
  return inode;
}

std::optional<std::vector<IdMapRange>> ParseIdMap(std::string_view text) {
  std::vector<IdMapRange> out;
  std::string_view line;
  // Ids 0..2^32-2: 2^32-1 is (uid_t)-1, never mapped ("0 0 4294967295" is
  // the whole space).
  constexpr uint64_t kIdSpace = (uint64_t{1} << 32) - 1;
  while (parse::NextLine(&text, &line)) {
    if (parse::IsBlank(line)) {
      if (text.empty()) break;  // the kernel ends with one '\n'; nothing blank in between
      return std::nullopt;
    }
    if (out.size() == kMaxIdMapLines) return std::nullopt;
    std::string_view fields[3], extra;
    for (std::string_view& f : fields) {
      if (!parse::NextToken(&line, &f)) return std::nullopt;
    }
    if (parse::NextToken(&line, &extra)) return std::nullopt;
    IdMapRange r;
    if (!ToU32(fields[0], &r.inside) || !ToU32(fields[1], &r.outside) ||
        !ToU32(fields[2], &r.count) || r.count == 0 || r.inside + uint64_t{r.count} > kIdSpace ||
        r.outside + uint64_t{r.count} > kIdSpace) {
      return std::nullopt;
    }
    out.push_back(r);
  }
  return out;
}

ProcessNamespaces ReadProcessNamespaces(const RootFs& rootfs, std::string_view pid) {
  ProcessNamespaces out;
  std::string dir = rootfs.Path("/proc/");
  dir += pid;
  const size_t base = dir.size();
  dir += "/ns/";
  const size_t ns_base = dir.size();
  int missing = 0;
  for (size_t i = 0; i < kNamespaceKindCount; ++i) {
    dir.resize(ns_base);
    dir += kKindNames[i];
    switch (ReadLink(dir, static_cast<NamespaceKind>(i), out.inodes[i])) {
      case LinkStatus::kMissing: ++missing; break;
      case LinkStatus::kMalformed: ++out.malformed; break;
      case LinkStatus::kOk:
      case LinkStatus::kUnreadable: break;
    }
  }
  if (missing == static_cast<int>(kNamespaceKindCount)) {
    out.gone = true;
    return out;
  }
  dir.resize(base);
  out.uid_map = ReadMap(dir + "/uid_map", out.malformed);
  out.gid_map = ReadMap(dir + "/gid_map", out.malformed);
  return out;
}

HostNamespaces ReadHostNamespaces(const RootFs& rootfs) {
  HostNamespaces host;
  const std::string init = rootfs.Path("/proc/1/ns/");
  const std::string self = rootfs.Path("/proc/self/ns/");
  for (size_t i = 0; i < kNamespaceKindCount; ++i) {
    const auto kind = static_cast<NamespaceKind>(i);
    if (ReadLink(init + kKindNames[i], kind, host[i]) == LinkStatus::kUnreadable) {
      ReadLink(self + kKindNames[i], kind, host[i]);  // as NetworkReader's host netns
    }
  }
  return host;
}

bool NamespaceTracker::Update(const std::vector<int>* pids, ErrorCounts& errors) {
  if (pids == nullptr || pids->empty() || *pids == list_) return false;
  list_ = *pids;
  ContainerNamespaces next;
  int attempts = 0;
  for (int pid : *pids) {
    if (attempts++ == kMaxAttempts) break;
    ProcessNamespaces read = source_(pid);
    if (read.gone) continue;
    next.pid = pid;
    for (size_t i = 0; i < kNamespaceKindCount; ++i) next.kinds[i].inode = read.inodes[i];
    next.uid_map = std::move(read.uid_map);
    next.gid_map = std::move(read.gid_map);
    if (read.malformed > 0) {
      errors["proc"] += static_cast<uint64_t>(read.malformed);
      if (!warned_) {
        spdlog::warn("/proc/{}/ns or its uid_map/gid_map: {} unparsable (left out)", pid,
                     read.malformed);
      }
      warned_ = true;
    } else {
      warned_ = false;
    }
    break;
  }
  current_ = std::move(next);
  return true;
}

void ClassifyNamespaceSharing(std::vector<ContainerStats>& containers, const HostNamespaces& host) {
  std::unordered_map<uint64_t, std::vector<size_t>> groups;
  for (size_t k = 0; k < kNamespaceKindCount; ++k) {
    groups.clear();
    for (size_t i = 0; i < containers.size(); ++i) {
      NamespaceInfo& info = containers[i].namespaces.kinds[k];
      info.members.reset();
      if (!info.inode) {
        info.sharing = NamespaceSharing::kUnknown;
      } else if (host[k] && *info.inode == *host[k]) {
        info.sharing = NamespaceSharing::kHost;
      } else {
        groups[*info.inode].push_back(i);
      }
    }
    for (const auto& [inode, members] : groups) {
      if (members.size() == 1) {
        containers[members[0]].namespaces.kinds[k].sharing =
            host[k] ? NamespaceSharing::kPrivate : NamespaceSharing::kUnknown;
        continue;
      }
      auto names = std::make_shared<std::vector<std::string>>();
      names->reserve(members.size());
      for (size_t i : members) names->push_back(containers[i].identity.name);
      std::sort(names->begin(), names->end());
      std::shared_ptr<const std::vector<std::string>> shared = std::move(names);
      for (size_t i : members) {
        NamespaceInfo& info = containers[i].namespaces.kinds[k];
        info.sharing = NamespaceSharing::kContainers;
        info.members = shared;
      }
    }
  }
}

}  // namespace berth::collector
