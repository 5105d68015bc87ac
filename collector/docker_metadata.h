// DockerMetadata: a MetadataProvider that names Docker containers from the
// Docker Engine API on a unix socket.
//
// Per Annotate() (outside a backoff pause):
//   - negotiates the API version once with GET /version: min(server
//     ApiVersion, options.max_api_version), refused when the server's
//     MinAPIVersion is above what berth knows; an HTTP 400 "client version …
//     is too old" later (the daemon was upgraded) renegotiates once;
//   - one GET /containers/json?all=1 (name, image, labels, state), cached by id;
//   - GET /containers/<id>/json for State.StartedAt only for requested ids not
//     seen before (or seen again running after being stopped), at most
//     options.max_inspects_per_annotate per call.
// All requests of one Annotate() share one deadline of options.total_timeout,
// so a slow or hung socket delays a sample by at most that much.
//
// Errors: a missing, dead, hung or confused socket is not an error for the
// figures. When no identity is a Docker or Podman container (Podman's
// docker-compatible socket answers the same calls), a missing socket is not
// reported at all. Otherwise the identities keep what the cache last knew (nothing at first:
// the Sampler then shows the short id); a warning says once on stderr
// (spdlog) why names are missing, and again only when the reason changes;
// recovery is logged at info. Failed attempts are retried with exponential
// backoff (options.min_backoff doubling to options.max_backoff); calls in
// between use the cache without touching the socket. Annotate() returns 1
// when the refresh failed, else the number of failed inspect lookups.
//
// Thread-safety: Annotate() from one thread at a time (MetadataProvider's
// contract); last_error()/api_version() may be called from any thread.
#ifndef BERTH_COLLECTOR_DOCKER_METADATA_H_
#define BERTH_COLLECTOR_DOCKER_METADATA_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collector/docker_client.h"
#include "collector/docker_parsers.h"
#include "collector/metadata.h"

namespace berth::collector {

struct DockerOptions {
  // Used as given (not under --path.rootfs): a containerised berth mounts the
  // host's socket wherever it likes.
  std::string socket_path = "/var/run/docker.sock";
  std::chrono::milliseconds connect_timeout{300};
  // Budget for all requests of one Annotate().
  std::chrono::milliseconds total_timeout{1000};
  // Highest Engine API version berth asks for (Docker 29 refuses < 1.44,
  // Debian 12's dockerd speaks 1.41).
  ApiVersion max_api_version{1, 47};
  size_t max_inspects_per_annotate = 16;
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
};

class DockerMetadata : public MetadataProvider {
 public:
  explicit DockerMetadata(DockerOptions options);
  ~DockerMetadata() override;

  const char* source() const override { return "docker"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;
  // Listed containers (any state) whose id is not in `seen_ids`, from the
  // last successful list: no request. Sorted by id.
  std::vector<ContainerIdentity> KnownWithoutCgroup(
      const std::vector<std::string>& seen_ids) override;

  // Why the last refresh failed; empty after a success (or before any).
  std::string last_error() const;
  // The negotiated API version; nullopt before negotiation or after a failure.
  std::optional<ApiVersion> api_version() const;

 private:
  enum class State { kUnknown, kOk, kNoSocket, kUnreachable, kTimeout, kHttp, kBadResponse, kVersion };
  struct Failure {
    State state;
    std::string message;
  };
  struct Inspected {
    std::optional<DockerContainerDetails> details;
    std::string state_when_inspected;  // list "State" at inspect time
  };
  using Clock = std::chrono::steady_clock;

  std::optional<Failure> Refresh(const std::vector<ContainerIdentity*>& identities,
                                 Clock::time_point deadline, int* inspect_errors);
  std::optional<Failure> Negotiate(Clock::time_point deadline,
                                   std::optional<ApiVersion> at_least);
  std::optional<Failure> FailureFrom(const DockerResponse& response, const char* what) const;
  void InspectNew(const std::vector<ContainerIdentity*>& identities,
                  Clock::time_point deadline, int* inspect_errors);
  void Apply(std::vector<ContainerIdentity*>& identities) const;
  void Report(State state, const std::string& message);
  static std::chrono::milliseconds Remaining(Clock::time_point deadline);

  DockerOptions options_;
  DockerClient client_;
  // "/v1.41" once negotiated; "" when the server has no /version (unversioned
  // paths then); nullopt when negotiation is due.
  std::optional<std::string> prefix_;
  std::string engine_version_;
  std::map<std::string, DockerContainerSummary> containers_;  // by id, last list
  std::map<std::string, Inspected> inspected_;                // by id
  State state_ = State::kUnknown;
  int consecutive_failures_ = 0;
  Clock::time_point retry_at_{};

  mutable std::mutex status_mutex_;  // guards the two below
  std::string last_error_;
  std::optional<ApiVersion> api_version_;
};

// The provider `berth` uses for --docker.socket.
std::unique_ptr<MetadataProvider> MakeDockerMetadata(const DockerOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DOCKER_METADATA_H_
