#include "cli/common_options.h"

#include <chrono>
#include <cmath>
#include <map>
#include <sstream>

#include "collector/runtimes/containerd/containerd_metadata.h"
#include "collector/runtimes/crio_metadata.h"
#include "collector/runtimes/docker_metadata.h"
#include "collector/runtimes/kubelet_metadata.h"
#include "collector/runtimes/nerdctl_metadata.h"
#include "collector/runtimes/podman_metadata.h"

namespace berth::cli {
namespace {

// A runtime API timeout: a duration of 10 ms to 60 s.
void AddTimeoutOption(CLI::App* cmd, const std::string& name, double* ms,
                      const std::string& help) {
  AddDurationOption(cmd, name, ms, help, 10, 60000);
}

std::chrono::milliseconds Millis(double ms) {
  return std::chrono::milliseconds(static_cast<long>(ms + 0.5));
}

}  // namespace

void AddDurationOption(CLI::App* cmd, const std::string& name, double* ms,
                       const std::string& help, double min_ms, double max_ms) {
  CLI::Validator units = CLI::AsNumberWithUnit(
      std::map<std::string, double>{{"ms", 1}, {"s", 1000}, {"m", 60000}},
      static_cast<CLI::AsNumberWithUnit::Options>(CLI::AsNumberWithUnit::CASE_SENSITIVE |
                                                  CLI::AsNumberWithUnit::UNIT_REQUIRED));
  auto text = [](double value) {
    return value >= 1000 && std::fmod(value, 1000) == 0
               ? std::to_string(static_cast<long>(value / 1000)) + "s"
               : std::to_string(static_cast<long>(value)) + "ms";
  };
  cmd->add_option(name, *ms, help + " (" + text(min_ms) + " to " + text(max_ms) + ", e.g. 1s, 500ms)")
      ->transform(units.description(""))
      ->check(FiniteRange(min_ms, max_ms).description(""))
      ->type_name("DURATION")
      ->default_str(text(*ms));
}

CLI::Validator FiniteRange(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value) || std::isnan(value) || value < min ||
            value > max) {
          std::ostringstream range;
          range << min << " to " << max;
          return "value " + text + " is not a number from " + range.str();
        }
        return std::string();
      },
      "");
}

void AddCommonOptions(CLI::App* cmd, CommonOptions* options) {
  cmd->add_option("--path.rootfs", options->rootfs,
                  "Prefix for every kernel read (/proc, /sys); '/host' when berth runs in a "
                  "container with the host's / mounted there")
      ->capture_default_str();
  cmd->add_option("--docker.socket", options->docker_socket,
                  "Docker Engine API socket for names and images (used as given, not under "
                  "--path.rootfs); containers are still shown by id when it is unreachable")
      ->capture_default_str();
  cmd->add_option("--podman.socket", options->podman_socket,
                  "Podman libpod API socket for names (rootless: /run/user/<uid>/podman/"
                  "podman.sock); asked only when Podman containers exist")
      ->capture_default_str();
  cmd->add_option("--crio.socket", options->crio_socket,
                  "CRI-O socket for names and Kubernetes labels; asked only when CRI-O "
                  "containers exist")
      ->capture_default_str();
  cmd->add_option("--containerd.socket", options->containerd_socket,
                  "containerd gRPC socket for names, images, labels and Kubernetes identity "
                  "(every namespace but Docker's moby); asked only when containerd's "
                  "containers exist")
      ->capture_default_str();
  AddTimeoutOption(cmd, "--docker.timeout", &options->docker_timeout_ms,
                   "Docker Engine API: bound on the requests of one sample (the list and "
                   "inspects, those events asked for included, share it); past it the "
                   "containers keep their last names (by id at first) and the socket is "
                   "retried with backoff");
  AddTimeoutOption(cmd, "--podman.timeout", &options->podman_timeout_ms,
                   "Podman libpod API: bound on the container list of one sample");
  AddTimeoutOption(cmd, "--crio.timeout", &options->crio_timeout_ms,
                   "CRI-O API: bound on the lookups of one sample");
  AddTimeoutOption(cmd, "--containerd.timeout", &options->containerd_timeout_ms,
                   "containerd gRPC API: bound on the requests of one sample (lists after "
                   "start or a reconnect of its event stream, lookups events asked for); past "
                   "it the containers keep their last names and the socket is retried with "
                   "backoff");
  cmd->add_flag("--all-cgroups", options->all_cgroups,
                "Report every cgroup (like systemd-cgtop), not only containers");
}

std::unique_ptr<collector::Sampler> MakeSampler(const CommonOptions& options,
                                                std::string* error, bool read_pressure,
                                                bool disk_usage) {
  collector::RootFs rootfs(options.rootfs);
  if (!rootfs.Exists("/proc/self/mountinfo") && !rootfs.Exists("/proc/1/mountinfo") &&
      !rootfs.Exists("/sys/fs/cgroup")) {
    *error = "cannot read cgroups under --path.rootfs=" + options.rootfs +
             ": neither proc/self/mountinfo nor sys/fs/cgroup exists there";
    return nullptr;
  }
  collector::SamplerOptions sampler_options;
  sampler_options.rootfs = options.rootfs;
  sampler_options.all_cgroups = options.all_cgroups;
  sampler_options.pressure = read_pressure;
  sampler_options.disk_usage = disk_usage;
  auto sampler = std::make_unique<collector::Sampler>(sampler_options);
  if (!options.containerd_socket.empty()) {
    collector::ContainerdOptions containerd;
    containerd.socket_path = options.containerd_socket;
    containerd.total_timeout = Millis(options.containerd_timeout_ms);
    sampler->AddMetadataProvider(collector::MakeContainerdMetadata(containerd));
  }
  if (!options.docker_socket.empty()) {
    collector::DockerOptions docker;
    docker.socket_path = options.docker_socket;
    docker.total_timeout = Millis(options.docker_timeout_ms);
    docker.rootfs = options.rootfs;
    sampler->AddMetadataProvider(collector::MakeDockerMetadata(docker));
  }
  if (!options.podman_socket.empty()) {
    collector::PodmanOptions podman;
    podman.socket_path = options.podman_socket;
    podman.total_timeout = Millis(options.podman_timeout_ms);
    sampler->AddMetadataProvider(collector::MakePodmanMetadata(podman));
  }
  if (!options.crio_socket.empty()) {
    collector::CrioOptions crio;
    crio.socket_path = options.crio_socket;
    crio.total_timeout = Millis(options.crio_timeout_ms);
    sampler->AddMetadataProvider(collector::MakeCrioMetadata(crio));
  }
  collector::KubeletOptions kubelet;
  kubelet.rootfs = options.rootfs;
  sampler->AddMetadataProvider(collector::MakeKubeletMetadata(kubelet));
  collector::NerdctlOptions nerdctl;
  nerdctl.rootfs = options.rootfs;
  sampler->AddMetadataProvider(collector::MakeNerdctlMetadata(nerdctl));
  return sampler;
}

}  // namespace berth::cli
