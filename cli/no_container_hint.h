// The line `berth top` and `berth stats` show when they find no container:
// which runtime sockets were tried with what result, how many cgroups the
// walk saw, and the flag that shows every cgroup. A host whose containers
// berth cannot see (no runtime, an unknown one, a socket it may not open)
// then says why instead of an empty list.
//
// NoContainerLine() is pure. ProbeUnixSocket() and DescribeNoContainers() do
// I/O (one connect() per socket, one cgroup walk) and are meant for the rare
// empty view, not every sample. None of them throws.
#ifndef BERTH_CLI_NO_CONTAINER_HINT_H_
#define BERTH_CLI_NO_CONTAINER_HINT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "cli/common_options.h"
#include "collector/root_fs.h"

namespace berth::cli {

struct SocketProbe {
  std::string runtime;  // "docker", "podman", "crio"
  std::string path;     // the socket as configured
  std::string result;   // ProbeUnixSocket()'s answer
};

// "no containers found; docker: /var/run/docker.sock: no such file; podman:
// /run/podman/podman.sock: permission denied; 12 cgroups seen
// (--all-cgroups shows every cgroup)".
std::string NoContainerLine(const std::vector<SocketProbe>& probes, size_t cgroups_seen);

// What a connect() to the unix socket at `path` gives: "accepts
// connections", "no such file", "permission denied", "connection refused",
// "not a socket", or strerror's text in lower case.
std::string ProbeUnixSocket(const std::string& path);

// Probes the sockets of `options` (an empty path is a runtime turned off: not
// tried) and counts the cgroups under `rootfs` (what --all-cgroups lists).
std::string DescribeNoContainers(const CommonOptions& options, const collector::RootFs& rootfs);

}  // namespace berth::cli

#endif  // BERTH_CLI_NO_CONTAINER_HINT_H_
