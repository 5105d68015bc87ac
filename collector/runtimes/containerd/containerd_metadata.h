// ContainerdMetadata: a MetadataProvider that names containerd's containers
// (Kubernetes on containerd, nerdctl, ctr) from containerd's gRPC API on its
// socket (--containerd.socket, default /run/containerd/containerd.sock):
// image, labels, and the names and Kubernetes identity of
// containerd_identity.h. Every namespace but Docker's ("moby": Docker's
// containers are DockerMetadata's).
//
// Which identities: Runtime::kContainerd ones (cri-containerd-<id>.scope,
// nerdctl-<id>.scope, a bare id under kubepods), and bare-id cgroups that
// discovery took for Docker's cgroupfs layout but containerd knows in a
// namespace of its own (nerdctl's cgroupfs layout /<namespace>/<id> looks
// like Docker's /docker/<id>): those become kContainerd. So this provider
// runs before Docker's. With no such identity the socket is not touched.
//
// Cost, per Annotate() (outside a backoff pause):
//   - a list (Namespaces.List, then Containers.List per namespace) only at
//     the first call, after the event stream (re)connected, after a flood of
//     events (over 4,096 ids pending), or, while the stream is down, at most
//     every options.relist_without_events; never because an id is unknown;
//   - one Containers.Get per id an event named since (created, or updated
//     while a list ran), and one per namespace for a kContainerd id neither
//     the cache nor an event knows (after that it is remembered as unknown
//     until an event names it: no lookup per sample), at most
//     options.max_lookups_per_annotate per call.
//   All requests of one call share one deadline of options.total_timeout
//   (--containerd.timeout). In steady state (stream up, ids known): none.
//
// Events (options.follow_events): after the first successful list a
// background thread follows Events.Subscribe (ContainerdEventStream):
// /containers/create marks the id for a Get at the next sample (its labels
// are not in the event), /containers/update replaces image and labels (a
// nerdctl rename shows at the next sample), /containers/delete forgets it.
// The event thread sends no request.
//
// Errors: a missing, dead, hung or confused socket leaves the identities as
// the cache last knew them (the short id at first). A warning says once why
// (again only when the reason changes), recovery is logged at info; failed
// refreshes are retried with exponential backoff (min_backoff doubling to
// max_backoff; after a timeout at least 5 × total_timeout), and the calls in
// between use the cache without touching the socket. When only Docker-looking
// identities were asked about, a failure is silent and costs no error count.
// Annotate() returns 1 when the refresh failed and a kContainerd identity was
// asked about, else 0.
//
// Thread-safety: Annotate() from one thread at a time (MetadataProvider's
// contract); the cache is shared with the event thread under a mutex; the
// accessors may be called from any thread. The destructor stops the event
// thread promptly.
#ifndef BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_METADATA_H_
#define BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_METADATA_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collector/metadata.h"
#include "collector/runtimes/containerd/containerd_client.h"
#include "collector/runtimes/containerd/containerd_events.h"
#include "collector/runtimes/containerd_identity.h"

namespace berth::collector {

struct ContainerdOptions {
  // Used as given (not under --path.rootfs).
  std::string socket_path = "/run/containerd/containerd.sock";
  // Budget for all requests of one Annotate() (--containerd.timeout).
  std::chrono::milliseconds total_timeout{1000};
  size_t max_lookups_per_annotate = 32;
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds relist_without_events{10000};
  bool follow_events = true;
  size_t max_reply_bytes = kContainerdMaxReplyBytes;
};

class ContainerdMetadata : public MetadataProvider {
 public:
  explicit ContainerdMetadata(ContainerdOptions options);
  ~ContainerdMetadata() override;

  const char* source() const override { return "containerd"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;

  // Why the last refresh failed; empty after a success (or before any).
  std::string last_error() const;
  // True while the event stream is connected and a list has been taken since.
  bool events_in_sync() const;
  // Requests sent so far (lists count their Namespaces.List; for tests).
  int lists() const;
  int gets() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string namespace_name;
  };

  std::optional<ContainerdResult> Refresh(const std::vector<ContainerIdentity*>& own,
                                          Clock::time_point deadline);
  std::optional<ContainerdResult> List(Clock::time_point deadline);
  bool NeedsList(Clock::time_point now) const;
  void Apply(std::vector<ContainerIdentity*>& identities) const;
  void StartEvents();
  void OnEvent(const ContainerdEvent& event);

  ContainerdOptions options_;
  ContainerdClient client_;  // Annotate()'s thread only
  // Annotate()'s thread only:
  int consecutive_failures_ = 0;
  Clock::time_point retry_at_{};
  std::string reported_;  // the failure last warned about; empty: healthy
  bool listed_ = false;
  Clock::time_point listed_at_{};
  uint64_t listed_generation_ = 0;

  mutable std::mutex mutex_;  // guards everything below
  std::map<std::string, ContainerdContainer> entries_;  // by id, every namespace but moby
  std::vector<std::string> namespaces_;                 // from the last list, moby left out
  std::map<std::string, Pending> pending_;              // ids events named, for a Get
  std::set<std::string> unknown_;  // kContainerd ids no namespace had, until an event names one
  bool listing_ = false;           // a list is under way: updates go to pending_
  bool overflow_ = false;          // more ids pending than kept: list instead
  bool events_connected_ = false;
  uint64_t events_generation_ = 0;  // bumped at each (re)connect
  bool events_in_sync_ = false;
  std::string last_error_;
  int lists_ = 0, gets_ = 0;

  static constexpr size_t kMaxPending = 4096;

  std::unique_ptr<ContainerdEventStream> events_;  // last: stopped first
};

std::unique_ptr<MetadataProvider> MakeContainerdMetadata(const ContainerdOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_CONTAINERD_CONTAINERD_METADATA_H_
