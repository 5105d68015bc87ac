// Flags shared by `berth top`, `berth stats` and `berth serve`, and the one
// place that turns them into a Sampler with its metadata providers, so all
// three commands see the same containers under the same names.
#ifndef BERTH_CLI_COMMON_OPTIONS_H_
#define BERTH_CLI_COMMON_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "collector/sampler.h"

namespace berth::cli {

struct CommonOptions {
  std::string rootfs = "/";
  std::string docker_socket = "/var/run/docker.sock";
  std::string podman_socket = "/run/podman/podman.sock";
  std::string crio_socket = "/var/run/crio/crio.sock";
  std::string containerd_socket = "/run/containerd/containerd.sock";
  // Bound on the runtime API calls of one sample (--docker.timeout …), in ms.
  double docker_timeout_ms = 1000;
  double podman_timeout_ms = 1000;
  double crio_timeout_ms = 1000;
  double containerd_timeout_ms = 1000;
  bool all_cgroups = false;
};

// Registers --path.rootfs, --docker.socket, --podman.socket, --crio.socket,
// --containerd.socket, --docker.timeout, --podman.timeout, --crio.timeout,
// --containerd.timeout and --all-cgroups on `cmd`. Timeouts take a unit: "1s", "500ms" (10 ms to 60 s).
void AddCommonOptions(CLI::App* cmd, CommonOptions* options);

// A duration flag with a unit ("1s", "250ms", "1m"), stored in
// milliseconds, refused outside [min_ms, max_ms].
void AddDurationOption(CLI::App* cmd, const std::string& name, double* ms,
                       const std::string& help, double min_ms, double max_ms);

// A number in [min, max]. Unlike CLI::Range it refuses NaN (which passes
// every comparison) with one clear line; infinities fall outside the range.
CLI::Validator FiniteRange(double min, double max);

// A Sampler over options.rootfs with the metadata providers attached, in this
// order (an earlier provider's name wins): containerd (first: it claims the
// bare-id cgroups containerd knows outside Docker's namespace before Docker's
// provider looks), Docker, Podman, CRI-O, the kubelet's log layout, nerdctl's
// name store (names from files when containerd's socket does not answer). An empty socket path turns that
// provider off.
// Fails (returns nullptr and sets `error`) when the rootfs has no readable
// cgroup hierarchy.
// `read_pressure` false: the PSI files are not read (views without them).
// `disk_usage` true: writable layers are measured by the background walker.
std::unique_ptr<collector::Sampler> MakeSampler(const CommonOptions& options,
                                                std::string* error, bool read_pressure = true,
                                                bool disk_usage = false);

}  // namespace berth::cli

#endif  // BERTH_CLI_COMMON_OPTIONS_H_
