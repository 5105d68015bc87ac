#include "collector/network_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "collector/proc_parsers.h"

namespace berth::collector {
namespace {
constexpr int kMaxAttempts = 3;
}  // namespace

std::optional<std::string> ReadNetNsLink(const RootFs& rootfs, std::string_view pid) {
  std::string path = rootfs.Path("/proc/");
  path += pid;
  path += "/ns/net";
  char buf[128];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

void NetworkReader::Close() {
  net_dev_ = KeptFile("dev");  // also forgets a cached 'missing'
  pid_ = 0;
  mode_ = NetworkMode::kUnknown;
}

bool NetworkReader::Resolve(int pid, const std::string& host_netns) {
  net_dev_ = KeptFile("dev");
  const std::string pid_text = std::to_string(pid);
  auto link = ReadNetNsLink(rootfs_, pid_text);
  if (!link && errno == ENOENT) return false;  // exited
  pid_ = pid;
  mode_ = (link && !host_netns.empty() && *link == host_netns) ? NetworkMode::kHost
                                                                : NetworkMode::kOwn;
  net_dir_ = rootfs_.Path("/proc/" + pid_text + "/net");
  return true;
}

bool NetworkReader::Read(const std::vector<int>* pids, const std::string& host_netns,
                         ReadContext& ctx, ContainerStats& out) {
  out.network_mode = NetworkMode::kUnknown;
  out.net_interfaces.clear();
  if (pids != nullptr && pid_ != 0 && !std::binary_search(pids->begin(), pids->end(), pid_)) {
    Close();
  }
  size_t next = 0;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (pid_ == 0) {
      if (pids == nullptr) return false;
      while (next < pids->size() && !Resolve((*pids)[next], host_netns)) ++next;
      if (next >= pids->size()) {
        Close();
        return true;
      }
      ++next;
    }
    if (mode_ == NetworkMode::kHost) {
      out.network_mode = NetworkMode::kHost;
      return true;
    }
    std::string_view text;
    switch (net_dev_.Read(net_dir_, ctx.reader, text)) {
      case ReadStatus::kOk: {
        auto parsed = ParseNetDev(text);
        net_dev_.NoteParsed(parsed.has_value(), net_dir_, "proc", ctx.errors);
        if (parsed) {
          out.net_interfaces = std::move(*parsed);
          out.network_mode = NetworkMode::kOwn;
        }
        return true;
      }
      case ReadStatus::kError:
        net_dev_.NoteIoError(net_dir_, "proc", ctx.errors);
        Close();
        return true;
      case ReadStatus::kMissing:
      case ReadStatus::kGone:
        Close();  // the process exited: try the next one
        break;
    }
  }
  return true;
}

}  // namespace berth::collector
