// Pure parsers for Docker Engine API JSON responses (GET /version,
// GET /containers/json, GET /containers/<id>/json, error bodies). They take
// the response body as a std::string_view, never throw, allocate only their
// results and hold no state: safe from any thread. Malformed input (not JSON,
// wrong shape) yields std::nullopt; unknown fields are ignored; a missing or
// null optional field is left at its default.
#ifndef BERTH_COLLECTOR_DOCKER_PARSERS_H_
#define BERTH_COLLECTOR_DOCKER_PARSERS_H_

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::collector {

// An Engine API version "1.41" as {1, 41}; ordered numerically (1.9 < 1.41).
struct ApiVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ApiVersion&) const = default;
  std::string ToString() const;  // "1.41"
};

// "1.41" -> {1, 41}; nullopt unless exactly <digits>.<digits>.
std::optional<ApiVersion> ParseApiVersion(std::string_view text);

// What GET /version says about the API it speaks.
struct DockerVersionInfo {
  ApiVersion api_version;                     // "ApiVersion" (required)
  std::optional<ApiVersion> min_api_version;  // "MinAPIVersion" (absent before 1.25)
  std::string engine_version;                 // "Version", e.g. "20.10.24+dfsg1"
  // Podman's Docker-compatible API answers too: "Components" names a
  // "Podman Engine" (its containers are Podman's, not Docker's).
  bool podman = false;
};
std::optional<DockerVersionInfo> ParseDockerVersion(std::string_view body);

// One entry of GET /containers/json.
struct DockerContainerSummary {
  std::string id;     // "Id", 64 hex
  std::string name;   // primary name without the leading '/'; empty if none
  std::string image;  // "Image" as the user gave it ("busybox:latest", "sha256:…")
  std::map<std::string, std::string> labels;  // "Labels" (null -> empty)
  std::optional<int64_t> created_seconds;     // "Created", unix seconds
  std::string state;                          // "State": "running", "exited", …
};
// nullopt unless the body is a JSON array; entries without a string "Id" are
// skipped. The primary name is the first of "Names" without a further '/'
// (docker's legacy link aliases look like "/web/db"), else the first one.
std::optional<std::vector<DockerContainerSummary>> ParseDockerContainerList(
    std::string_view body);

// The parts of GET /containers/<id>/json berth uses.
struct DockerContainerDetails {
  std::string id;
  std::string name;   // "Name" without the leading '/'
  std::string image;  // Config.Image (as the user gave it)
  std::map<std::string, std::string> labels;  // Config.Labels
  std::string state;                          // State.Status: "running", "exited", …
  std::optional<double> started_at_seconds;   // State.StartedAt; absent if never started
  std::optional<int64_t> restart_count;       // "RestartCount"
  std::string health_status;                  // State.Health.Status; empty without healthcheck
  std::string graph_driver;                   // GraphDriver.Name: "overlay2", "vfs", …
  std::string upper_dir;                      // GraphDriver.Data.UpperDir (overlay drivers)
  std::string resolv_conf_path;               // "ResolvConfPath": <data root>/containers/<id>/…
  // Set by the provider, not the parser: the writable layer's host path
  // (DockerWritableLayer), empty when unknown.
  std::string writable_layer_dir;
};
std::optional<DockerContainerDetails> ParseDockerContainerInspect(std::string_view body);

// Where a container's writable layer lives, from its inspect:
//   overlay2, overlay, fuse-overlayfs: GraphDriver.Data.UpperDir;
//   vfs, btrfs: <data root>/<driver>/dir|subvolumes/<mount-id>, the data
//   root taken from ResolvConfPath (<root>/containers/<id>/resolv.conf) and
//   the mount-id from the layer store, which `read_mount_id` reads (given the
//   host path <root>/image/<driver>/layerdb/mounts/<id>/mount-id).
// Empty for other drivers (devicemapper, zfs, aufs, the containerd image
// store), a malformed path or mount-id (it must be a plain file name).
using ReadMountId = std::optional<std::string> (*)(const std::string& host_path,
                                                   const void* context);
std::string DockerWritableLayer(const DockerContainerDetails& details, ReadMountId read_mount_id,
                                const void* context);

// One line of GET /events (type=container), e.g.
// {"Type":"container","Action":"start","Actor":{"ID":"…","Attributes":{"name":"web",…}},
//  "time":1700000000,"timeNano":1700000000123456789}
struct DockerEvent {
  std::string type;    // "container", "network", …
  std::string action;  // "start", "die", "rename", "health_status: healthy", …
  std::string id;      // Actor.ID (older engines: "id")
  std::string name;    // Actor.Attributes.name (the new name for "rename")
  std::optional<int64_t> time_nano;
};
// nullopt unless the line is a JSON object with a type (or legacy "status")
// and an id.
std::optional<DockerEvent> ParseDockerEvent(std::string_view line);

// RFC 3339 timestamp as Docker writes it ("2024-05-01T10:11:12.123456789Z",
// or with a "+02:00" offset) -> unix seconds. nullopt when malformed or for
// Go's zero time "0001-01-01T00:00:00Z" (Docker's "never started").
std::optional<double> ParseDockerTimestamp(std::string_view text);

// The "message" of an Engine API error body {"message": "..."}; nullopt when
// the body is not such an object.
std::optional<std::string> ParseDockerErrorMessage(std::string_view body);

// From "client version 1.41 is too old. Minimum supported API version is
// 1.44, please upgrade your client to a newer version" -> 1.44. nullopt when
// the message does not name a minimum version.
std::optional<ApiVersion> MinimumVersionFromError(std::string_view message);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DOCKER_PARSERS_H_
