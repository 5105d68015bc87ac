// PodmanMetadata: a MetadataProvider that names Podman containers from the
// libpod REST API on Podman's socket (`podman system service`, or the
// podman.socket systemd unit): one GET /v4.0.0/libpod/containers/json?all=true
// per Annotate() at most, bounded by options.total_timeout, taken only when a
// Podman container (Runtime::kPodman) is new since the last list, an event
// (or a (re)connect of the event stream) said the list is out of date, or —
// only while no event stream is connected — that list is older than
// options.refresh_interval. A container the last list did not hold (another
// Podman's: a rootless user's under the rootful socket) is remembered
// (UnknownIds) until an event or a reconnect, or options.unknown_retry
// passes: with the stream up, steady state lists nothing.
//
// Events (options.follow_events): after the first successful list a
// background thread (DockerEventStream, the Docker follower) follows GET
// /v4.0.0/libpod/events (type container: create, start, died, remove,
// rename; Podman 4.3 names them so there, and its Docker-compatible /events
// knows no "destroy" and filters "die" out). A rename sets the new name in
// the cache at once, remove forgets the container, and every event (and each
// (re)connect of the stream, when events may have been missed) has the next
// Annotate() list again: a rename shows at the next sample, and a sample
// lists at most once however many events came.
//
// Rootful Podman listens on /run/podman/podman.sock (the default). Rootless
// Podman has one socket per user, /run/user/<uid>/podman/podman.sock (start it
// with `systemctl --user start podman.socket`); --podman.socket takes one
// path, so a berth naming one user's rootless containers is pointed there.
//
// Labels stay as first seen (image and labels never change for an id); the
// name follows a real rename (`podman rename`). A pod's infra container is
// marked is_sandbox. Identities the provider does not know are left alone.
//
// Errors: when no identity is a Podman container the socket is never
// touched. Otherwise a missing, dead, hung or confused socket leaves the
// containers named by what the cache last knew (by id at first); the failure
// is logged once and retried with backoff (SourceHealth). Annotate() returns
// 1 when the list failed, else 0.
//
// Thread-safety: Annotate()/KnownWithoutCgroup() from one thread at a time
// (MetadataProvider's contract); the cache is shared with the event thread
// under a mutex. The destructor stops the event thread promptly.
#ifndef BERTH_COLLECTOR_PODMAN_METADATA_H_
#define BERTH_COLLECTOR_PODMAN_METADATA_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "collector/runtimes/unix_http_client.h"
#include "collector/runtimes/docker_events.h"
#include "collector/runtimes/docker_parsers.h"
#include "collector/metadata.h"
#include "collector/runtimes/podman_parsers.h"
#include "collector/runtimes/unknown_ids.h"
#include "collector/source_health.h"

namespace berth::collector {

struct PodmanOptions {
  // Used as given (not under --path.rootfs).
  std::string socket_path = "/run/podman/podman.sock";
  std::chrono::milliseconds connect_timeout{300};
  std::chrono::milliseconds total_timeout{1000};
  // Lists at least this often while no event stream is connected.
  std::chrono::milliseconds refresh_interval{10000};
  // How long an id the last list did not hold is left unasked.
  std::chrono::milliseconds unknown_retry{std::chrono::minutes(5)};
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  // Follow the libpod event stream on a background thread (see above).
  bool follow_events = true;
};

class PodmanMetadata : public MetadataProvider {
 public:
  explicit PodmanMetadata(PodmanOptions options);
  ~PodmanMetadata() override;

  const char* source() const override { return "podman"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;
  // Listed Podman containers without a cgroup (created, exited), from the
  // cache; sorted by id.
  std::vector<ContainerIdentity> KnownWithoutCgroup(
      const std::vector<std::string>& seen_ids) override;

  const std::string& last_error() const { return health_.last_error(); }
  // True while the event stream is connected.
  bool events_connected() const;

  // The event stream berth follows (exposed for tests).
  static std::string EventsPath();

 private:
  using Clock = std::chrono::steady_clock;
  bool List(Clock::time_point now);
  static void Apply(const PodmanContainer& c, ContainerIdentity& identity);
  void StartEvents();
  void OnEvent(const DockerEvent& event);

  PodmanOptions options_;
  UnixHttpClient client_;
  SourceHealth health_;
  // Podman ids asked about that the last list did not hold (another Podman's).
  UnknownIds missed_;
  Clock::time_point listed_at_{};
  bool listed_ = false;

  mutable std::mutex mutex_;  // guards the three below
  std::unordered_map<std::string, PodmanContainer> cache_;  // by id
  bool list_due_ = false;  // an event (or a stream (re)connect) came since the last list began
  bool events_connected_ = false;

  std::unique_ptr<DockerEventStream> events_;  // last: stopped first
};

std::unique_ptr<MetadataProvider> MakePodmanMetadata(const PodmanOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_PODMAN_METADATA_H_
