// DockerMetadata: a MetadataProvider that names Docker containers from the
// Docker Engine API on a unix socket.
//
// Per Annotate() (outside a backoff pause):
//   - negotiates the API version once: min(server version,
//     options.max_api_version), the server's version from the Api-Version
//     header of GET /_ping (cheap; the docker CLI's way), else from GET
//     /version (refused when its MinAPIVersion is above what berth knows);
//     an HTTP 400 "client version … is too old" (the daemon was upgraded, or
//     its minimum is above what /_ping made berth choose) renegotiates once;
//   - one GET /containers/json?all=1 (name, image, labels, state), cached by
//     id — skipped while the event stream (below) is in sync and every Docker
//     identity asked about is known, or was unknown to the last list (a
//     Docker-looking cgroup of another engine or a leftover: remembered in
//     UnknownIds until an event names it, the stream reconnects, or
//     options.unknown_retry passes), so steady state lists nothing;
//   - GET /containers/<id>/json (start time, restart count, health) only for
//     requested ids not inspected before (or running again after a stop, or
//     inspected before the event stream last (re)connected), at most
//     options.max_inspects_per_annotate per call.
// All requests of one Annotate() share one deadline of options.total_timeout,
// so a slow or hung socket delays a sample by at most that much.
//
// Events (options.follow_events): after the first successful refresh a
// background thread follows GET /events (create, start, die, destroy, rename,
// health_status). The event thread sends no request: a create, start,
// rename or health event marks its id pending (a set), and the next
// Annotate() inspects each pending id once, within its budget and deadline
// (max_inspects_per_annotate, total_timeout; the rest wait for the next
// sample), so a new or renamed container is named at the next sample and a
// flood of events costs one inspect per id per sample; destroy forgets it. The stream reconnects with
// backoff when the daemon restarts; until a list has been taken after a
// (re)connect, Annotate() lists as above, and each (re)connect marks every
// cached inspect stale, so the running containers asked about are inspected
// again (within max_inspects_per_annotate per call) and a restart during the
// gap shows its new start time.
//
// Podman: only Docker containers (Runtime::kDocker) are asked for; Podman's
// containers have their own provider (PodmanMetadata), so on a host with both
// engines they neither trigger Docker lists nor count as Docker errors. A
// Docker socket that is Podman's compatible one (podman-docker) still names
// the containers it lists, whatever their runtime, and the stopped ones it
// reports are marked Runtime::kPodman (/_ping has a Libpod-Api-Version
// header, or GET /version names a "Podman Engine"). Podman's /version takes
// about a second (it asks conmon and the OCI runtime): /_ping avoids it.
//
// Errors: a missing, dead, hung or confused socket is not an error for the
// figures. When no identity is a Docker container, a missing socket is not
// reported at all. Otherwise the identities keep what the cache last knew
// (nothing at first: the Sampler then shows the short id), so a daemon
// restart does not rename series; a warning says once on stderr (spdlog) why
// names are missing, and again only when the reason changes; recovery is
// logged at info. Failed refreshes are retried with exponential backoff
// (options.min_backoff doubling to options.max_backoff; after a timeout,
// starting at 5 × options.total_timeout, since each attempt costs a sample
// the whole budget); calls in between use the cache without touching the
// socket. Annotate() returns 1 when the
// refresh failed, else the number of failed inspect lookups.
//
// Thread-safety: Annotate() from one thread at a time (MetadataProvider's
// contract); the cache is shared with the event thread under a mutex;
// last_error()/api_version() may be called from any thread. The destructor
// stops the event thread promptly.
#ifndef BERTH_COLLECTOR_DOCKER_METADATA_H_
#define BERTH_COLLECTOR_DOCKER_METADATA_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collector/runtimes/unix_http_client.h"
#include "collector/runtimes/docker_events.h"
#include "collector/runtimes/docker_parsers.h"
#include "collector/runtimes/unknown_ids.h"
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
  // How long an id the last list did not hold is left unasked (no event and
  // no reconnect meanwhile): the slow timer of the negative cache.
  std::chrono::milliseconds unknown_retry{std::chrono::minutes(5)};
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  // Follow GET /events on a background thread (see above).
  bool follow_events = true;
  // --path.rootfs: where the layer store's files are read (a vfs or btrfs
  // container's mount-id, once per inspect; DockerWritableLayer).
  std::string rootfs = "/";
};

class DockerMetadata : public MetadataProvider {
 public:
  explicit DockerMetadata(DockerOptions options);
  ~DockerMetadata() override;

  const char* source() const override { return "docker"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;
  // Known containers that are not running (created, exited, dead, removing)
  // and whose id is not in `seen_ids`, from the cache: no request. Sorted by id.
  std::vector<ContainerIdentity> KnownWithoutCgroup(
      const std::vector<std::string>& seen_ids) override;

  // Why the last refresh failed; empty after a success (or before any).
  std::string last_error() const;
  // The negotiated API version; nullopt before negotiation or after a failure.
  std::optional<ApiVersion> api_version() const;
  // True while the event stream is connected and a list has been taken since.
  bool events_in_sync() const;

 private:
  enum class State { kUnknown, kOk, kNoSocket, kUnreachable, kTimeout, kHttp, kBadResponse, kVersion };
  struct Failure {
    State state;
    std::string message;
  };
  // What berth knows about one container.
  struct Entry {
    DockerContainerSummary summary;
    std::optional<DockerContainerDetails> details;  // from an inspect
    std::string state_when_inspected;
    // events_generation_ when the inspect was sent. Older than the current
    // generation: the event stream (re)connected since, events may have been
    // missed (a `docker restart` keeps the state "running" but changes the
    // start time), so the details are looked up again (within the per-sample
    // budget); until then the old ones are shown.
    uint64_t details_generation = 0;
  };
  using Clock = std::chrono::steady_clock;

  bool NeedsList(const std::vector<ContainerIdentity*>& identities) const;
  std::optional<Failure> Refresh(const std::vector<ContainerIdentity*>& identities,
                                 bool list, Clock::time_point deadline, int* inspect_errors);
  std::optional<Failure> Negotiate(Clock::time_point deadline,
                                   std::optional<ApiVersion> at_least);
  std::optional<Failure> FailureFrom(const UnixHttpResponse& response, const char* what) const;
  void InspectNew(const std::vector<ContainerIdentity*>& identities,
                  Clock::time_point deadline, int* inspect_errors);
  void Apply(std::vector<ContainerIdentity*>& identities) const;
  void Report(State state, const std::string& message);
  void StartEvents();
  void OnEvent(const DockerEvent& event);
  static std::chrono::milliseconds Remaining(Clock::time_point deadline);

  DockerOptions options_;
  UnixHttpClient client_;  // Annotate()'s thread only
  // "/v1.41" once negotiated; "" when the server has no /version (unversioned
  // paths then); nullopt when negotiation is due. Annotate()'s thread only.
  std::optional<std::string> prefix_;
  std::string engine_version_;
  State state_ = State::kUnknown;
  int consecutive_failures_ = 0;
  Clock::time_point retry_at_{};

  mutable std::mutex mutex_;  // guards everything below
  std::map<std::string, Entry> entries_;  // by id
  std::string last_error_;
  std::optional<ApiVersion> api_version_;
  bool engine_is_podman_ = false;  // the socket is Podman's Docker-compatible API
  std::string events_prefix_;  // prefix_ for the event thread
  bool events_connected_ = false;
  uint64_t events_generation_ = 0;  // bumped at each (re)connect
  bool events_in_sync_ = false;

  // Ids an event named since their last inspect; more than
  // kMaxPendingInspects (a flood of distinct ids) are caught up by a list.
  static constexpr size_t kMaxPendingInspects = 4096;
  std::set<std::string> pending_inspects_;
  // Docker ids asked about that the last list did not hold.
  UnknownIds unknown_;

  std::unique_ptr<DockerEventStream> events_;  // last: stopped first
};

// The provider `berth` uses for --docker.socket.
std::unique_ptr<MetadataProvider> MakeDockerMetadata(const DockerOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_DOCKER_METADATA_H_
