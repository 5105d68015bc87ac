// Pure parser for Podman's libpod REST API container list
// (GET /v4.0.0/libpod/containers/json?all=true). Shape as Podman 4.x returns
// it (recorded from podman 4.3.1 on Debian 12):
//   [{"Id":"<64hex>","Names":["web"],"Image":"docker.io/library/nginx:latest",
//     "Labels":{...}|null,"State":"running","StartedAt":1700000000,
//     "Created":"2023-…Z","IsInfra":false,"Pod":"","PodName":"", …}]
// Takes the body as std::string_view, never throws, holds no state. Malformed
// input (not a JSON array) yields std::nullopt; entries without a string "Id"
// are skipped; unknown fields are ignored.
#ifndef BERTH_COLLECTOR_PODMAN_PARSERS_H_
#define BERTH_COLLECTOR_PODMAN_PARSERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::collector {

struct PodmanContainer {
  std::string id;
  std::string name;   // first of "Names"; empty if none
  std::string image;  // "Image" as Podman resolved it ("localhost/busybox:latest")
  std::map<std::string, std::string> labels;  // "Labels" (null -> empty)
  std::string state;                          // "running", "exited", "created", …
  std::optional<double> started_at_seconds;   // "StartedAt" > 0 (unix seconds)
  bool is_infra = false;                      // a pod's infra (pause) container
  std::string pod_name;                       // "PodName"; empty outside a pod
  std::optional<int64_t> restart_count;       // "Restarts" (Podman ≥ 4.4)
  bool operator==(const PodmanContainer&) const = default;
};

std::optional<std::vector<PodmanContainer>> ParsePodmanContainerList(std::string_view body);

// A libpod error body {"cause":…,"message":…,"response":404} has Docker's
// "message": ParseDockerErrorMessage reads both.

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_PODMAN_PARSERS_H_
