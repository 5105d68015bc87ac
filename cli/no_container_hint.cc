#include "cli/no_container_hint.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "collector/cgroup_layout.h"
#include "collector/discovery.h"

namespace berth::cli {

std::string NoContainerLine(const std::vector<SocketProbe>& probes, size_t cgroups_seen) {
  std::string line = "no containers found; ";
  if (probes.empty()) line += "no runtime socket configured; ";
  for (const SocketProbe& probe : probes) {
    line += probe.runtime + ": " + probe.path + ": " + probe.result + "; ";
  }
  line += std::to_string(cgroups_seen) + (cgroups_seen == 1 ? " cgroup" : " cgroups") +
          " seen (--all-cgroups shows every cgroup)";
  return line;
}

std::string ProbeUnixSocket(const std::string& path) {
  auto reason = [](int error) -> std::string {
    switch (error) {
      case ENOENT: return "no such file";
      case EACCES: case EPERM: return "permission denied";
      case ECONNREFUSED: return "connection refused";
      case ENOTSOCK: return "not a socket";
      default: break;
    }
    std::string text = std::strerror(error);
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return reason(errno);
  if (!S_ISSOCK(st.st_mode)) return "not a socket";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return "path too long for a unix socket";
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reason(errno);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int error = errno;
  ::close(fd);
  return rc == 0 ? "accepts connections" : reason(error);
}

std::string DescribeNoContainers(const CommonOptions& options, const collector::RootFs& rootfs) {
  std::vector<SocketProbe> probes;
  const std::pair<const char*, const std::string*> sockets[] = {
      {"docker", &options.docker_socket},
      {"podman", &options.podman_socket},
      {"crio", &options.crio_socket},
      {"containerd", &options.containerd_socket},
  };
  for (const auto& [runtime, path] : sockets) {
    if (!path->empty()) probes.push_back({runtime, *path, ProbeUnixSocket(*path)});
  }
  collector::DiscoveryOptions every;
  every.all_cgroups = true;
  const size_t cgroups =
      collector::DiscoverContainers(rootfs, collector::DetectCgroupLayout(rootfs), every).size();
  return NoContainerLine(probes, cgroups);
}

}  // namespace berth::cli
