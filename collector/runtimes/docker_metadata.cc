#include "collector/runtimes/docker_metadata.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "collector/root_fs.h"

namespace berth::collector {
namespace {

// The identities whose names this provider answers for: Docker's. Podman's
// containers have their own provider (a Docker socket that is Podman's
// compatible one still names them, by id, but their absence from a Docker
// list is no reason to list again, and a missing Docker socket is no error
// for them).
bool WantsDocker(const ContainerIdentity& identity) {
  return identity.runtime == Runtime::kDocker;
}

// Engine error 400 for a client version below the daemon's minimum:
// "client version 1.41 is too old. Minimum supported API version is 1.44, …".
bool IsVersionTooOld(const UnixHttpResponse& response, std::string* message) {
  if (response.error != UnixHttpResponse::Error::kNone || response.status != 400) return false;
  auto parsed = ParseDockerErrorMessage(response.body);
  *message = parsed ? *parsed : response.body;
  return message->find("too old") != std::string::npos;
}

// The list's view of an inspected container (for a container first heard of
// through an event).
DockerContainerSummary SummaryFrom(const DockerContainerDetails& details) {
  DockerContainerSummary summary;
  summary.id = details.id;
  summary.name = details.name;
  summary.image = details.image;
  summary.labels = details.labels;
  summary.state = details.state;
  return summary;
}

}  // namespace

DockerMetadata::DockerMetadata(DockerOptions options)
    : options_(std::move(options)),
      client_(UnixHttpClientOptions{.socket_path = options_.socket_path,
                                  .connect_timeout = options_.connect_timeout,
                                  .total_timeout = options_.total_timeout}),
      unknown_(options_.unknown_retry) {}

DockerMetadata::~DockerMetadata() {
  events_.reset();  // joins the event thread before the cache goes away
}

std::string DockerMetadata::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

std::optional<ApiVersion> DockerMetadata::api_version() const {
  std::lock_guard lock(mutex_);
  return api_version_;
}

bool DockerMetadata::events_in_sync() const {
  std::lock_guard lock(mutex_);
  return events_in_sync_;
}

std::chrono::milliseconds DockerMetadata::Remaining(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
}

bool DockerMetadata::NeedsList(const std::vector<ContainerIdentity*>& identities) const {
  std::lock_guard lock(mutex_);
  if (!events_in_sync_) return true;
  const Clock::time_point now = Clock::now();
  for (const ContainerIdentity* identity : identities) {
    if (WantsDocker(*identity) && !entries_.contains(identity->id) &&
        !unknown_.Contains(identity->id, now)) {
      return true;
    }
  }
  return false;
}

int DockerMetadata::Annotate(std::vector<ContainerIdentity*>& identities) {
  // With no Docker container in sight the list is still fetched (stopped
  // containers for `stats --all`), but a missing socket is then no news.
  bool wanted = std::any_of(identities.begin(), identities.end(),
                            [](const ContainerIdentity* id) { return WantsDocker(*id); });
  const Clock::time_point now = Clock::now();
  if (state_ != State::kOk && state_ != State::kUnknown && now < retry_at_) {
    Apply(identities);  // backing off: what the cache knows, no socket traffic
    return 0;
  }
  int inspect_errors = 0;
  std::optional<Failure> failure =
      Refresh(identities, NeedsList(identities), now + options_.total_timeout, &inspect_errors);
  if (failure && failure->state == State::kNoSocket && !wanted) {
    prefix_.reset();
    std::lock_guard lock(mutex_);
    entries_.clear();
    return 0;
  }
  if (failure) {
    prefix_.reset();  // the daemon may come back as another version
    ++consecutive_failures_;
    // A timeout costs a sample the whole budget: wait at least five budgets
    // before paying it again.
    std::chrono::milliseconds first = options_.min_backoff;
    if (failure->state == State::kTimeout) first = std::max(first, 5 * options_.total_timeout);
    auto backoff = first * (1LL << std::min(consecutive_failures_ - 1, 20));
    retry_at_ = Clock::now() + std::min<std::chrono::milliseconds>(
                                   std::chrono::duration_cast<std::chrono::milliseconds>(backoff),
                                   std::max(options_.max_backoff, first));
    Report(failure->state, failure->message);
    Apply(identities);
    return 1;
  }
  consecutive_failures_ = 0;
  {
    // Only the ids still in sight stay remembered.
    std::set<std::string_view> present;
    for (const ContainerIdentity* identity : identities) {
      if (WantsDocker(*identity)) present.insert(identity->id);
    }
    std::lock_guard lock(mutex_);
    unknown_.Retain([&](const std::string& id) { return present.contains(id); });
  }
  Report(State::kOk, "");
  if (options_.follow_events && !events_) StartEvents();
  Apply(identities);
  return inspect_errors;
}

std::optional<DockerMetadata::Failure> DockerMetadata::FailureFrom(
    const UnixHttpResponse& response, const char* what) const {
  using Error = UnixHttpResponse::Error;
  switch (response.error) {
    case Error::kNone:
      break;
    case Error::kNoSocket:
      return Failure{State::kNoSocket, "no Docker socket at " + response.detail};
    case Error::kConnect:
      return Failure{State::kUnreachable, "cannot connect to " + response.detail};
    case Error::kTimeout:
      return Failure{State::kTimeout,
                     std::string(what) + " timed out (" +
                         std::to_string(options_.total_timeout.count()) +
                         " ms budget): " + response.detail};
    case Error::kTransport:
      return Failure{State::kUnreachable, std::string(what) + " failed: " + response.detail};
  }
  if (response.ok()) return std::nullopt;
  auto message = ParseDockerErrorMessage(response.body);
  return Failure{State::kHttp, std::string(what) + " answered HTTP " +
                                   std::to_string(response.status) +
                                   (message ? ": " + *message : std::string())};
}

std::optional<DockerMetadata::Failure> DockerMetadata::Negotiate(
    Clock::time_point deadline, std::optional<ApiVersion> at_least) {
  std::optional<ApiVersion> chosen;
  std::string prefix;
  // GET /_ping first, as the docker CLI does: its Api-Version header is the
  // server's version, and it is cheap everywhere (Podman's /version asks
  // conmon and the OCI runtime for theirs: about a second). Without that
  // header (an old or odd server), GET /version.
  UnixHttpResponse ping = client_.Get("/_ping", Remaining(deadline));
  if (ping.error != UnixHttpResponse::Error::kNone) return FailureFrom(ping, "GET /_ping");
  std::optional<ApiVersion> pinged =
      ping.ok() ? ParseApiVersion(ping.header("api-version")) : std::nullopt;
  UnixHttpResponse response;
  if (pinged) {
    engine_version_ = ping.header("server");
    chosen = std::min(*pinged, options_.max_api_version);
    std::lock_guard lock(mutex_);
    engine_is_podman_ = !ping.header("libpod-api-version").empty();
  } else {
    response = client_.Get("/version", Remaining(deadline));
    if (response.error != UnixHttpResponse::Error::kNone) {
      return FailureFrom(response, "GET /version");
    }
  }
  if (pinged) {
    // The server's minimum shows as a "too old" answer to the list (below).
  } else if (response.status == 404) {
    // Something answers HTTP but has no /version (a filtering proxy): use
    // unversioned paths, which the Engine serves at its own version.
  } else if (!response.ok()) {
    return FailureFrom(response, "GET /version");
  } else {
    auto info = ParseDockerVersion(response.body);
    if (!info) return Failure{State::kBadResponse, "GET /version: not an Engine API answer"};
    engine_version_ = info->engine_version;
    {
      std::lock_guard lock(mutex_);
      engine_is_podman_ = info->podman;
    }
    chosen = std::min(info->api_version, options_.max_api_version);
    if (info->min_api_version && *info->min_api_version > *chosen) {
      return Failure{State::kVersion, "the Docker Engine " + info->engine_version +
                                          " requires API " + info->min_api_version->ToString() +
                                          ", berth speaks at most " +
                                          options_.max_api_version.ToString()};
    }
  }
  if (at_least && (!chosen || *chosen < *at_least)) {
    if (*at_least > options_.max_api_version) {
      return Failure{State::kVersion, "the Docker Engine requires API " + at_least->ToString() +
                                          ", berth speaks at most " +
                                          options_.max_api_version.ToString()};
    }
    chosen = at_least;
  }
  if (chosen) prefix = "/v" + chosen->ToString();
  prefix_ = prefix;
  std::lock_guard lock(mutex_);
  api_version_ = chosen;
  events_prefix_ = prefix;
  return std::nullopt;
}

std::optional<DockerMetadata::Failure> DockerMetadata::Refresh(
    const std::vector<ContainerIdentity*>& identities, bool list, Clock::time_point deadline,
    int* inspect_errors) {
  if (!prefix_) {
    if (auto failure = Negotiate(deadline, std::nullopt)) return failure;
    list = true;
  }
  if (list) {
    uint64_t generation;
    bool connected;
    {
      std::lock_guard lock(mutex_);
      generation = events_generation_;
      connected = events_connected_;
    }
    UnixHttpResponse response =
        client_.Get(*prefix_ + "/containers/json?all=1", Remaining(deadline));
    std::string too_old;
    if (IsVersionTooOld(response, &too_old)) {
      spdlog::info("docker: {} ({}); renegotiating the API version", too_old,
                   options_.socket_path);
      prefix_.reset();
      if (auto failure = Negotiate(deadline, MinimumVersionFromError(too_old))) return failure;
      response = client_.Get(*prefix_ + "/containers/json?all=1", Remaining(deadline));
    }
    if (auto failure = FailureFrom(response, "GET /containers/json")) return failure;
    auto listed = ParseDockerContainerList(response.body);
    if (!listed) {
      return Failure{State::kBadResponse, "GET /containers/json: not a JSON list of containers"};
    }
    std::lock_guard lock(mutex_);
    std::map<std::string, Entry> next;
    for (DockerContainerSummary& summary : *listed) {
      Entry entry;
      if (auto old = entries_.find(summary.id); old != entries_.end()) {
        entry = std::move(old->second);
      }
      entry.summary = std::move(summary);
      std::string id = entry.summary.id;
      next.emplace(std::move(id), std::move(entry));
    }
    entries_ = std::move(next);
    // In sync when the stream was up before this list began and still is.
    events_in_sync_ = connected && events_connected_ && generation == events_generation_;
    // The Docker ids this list did not hold are not asked about again until
    // an event names them, the stream reconnects or unknown_retry passes.
    // (An id an event named meanwhile is inspected instead.)
    const Clock::time_point now = Clock::now();
    for (const ContainerIdentity* identity : identities) {
      if (WantsDocker(*identity) && !entries_.contains(identity->id) &&
          !pending_inspects_.contains(identity->id)) {
        unknown_.Remember(identity->id, now);
      }
    }
  }
  InspectNew(identities, deadline, inspect_errors);
  return std::nullopt;
}

void DockerMetadata::InspectNew(const std::vector<ContainerIdentity*>& identities,
                                Clock::time_point deadline, int* inspect_errors) {
  // What to inspect, each id once: the identities asked about whose details
  // are missing, outdated or named by an event, then the other ids events
  // named (a created container has no cgroup yet).
  std::vector<std::string> ids;
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = events_generation_;
    std::set<std::string_view> chosen;
    for (const ContainerIdentity* identity : identities) {
      auto entry = entries_.find(identity->id);
      if (entry == entries_.end() || chosen.contains(identity->id)) continue;
      bool restarted = entry->second.details && entry->second.summary.state == "running" &&
                       entry->second.state_when_inspected != "running";
      bool stale = entry->second.details_generation != events_generation_;
      if (entry->second.details && !restarted && !stale &&
          !pending_inspects_.contains(identity->id)) {
        continue;
      }
      chosen.insert(identity->id);
      ids.push_back(identity->id);
    }
    for (const std::string& id : pending_inspects_) {
      if (!chosen.contains(id)) ids.push_back(id);
    }
  }
  size_t budget = options_.max_inspects_per_annotate;
  for (const std::string& id : ids) {
    if (budget == 0 || Remaining(deadline).count() <= 0) return;
    --budget;
    bool named_by_event;
    {
      // An event from now on asks again (at the next sample).
      std::lock_guard lock(mutex_);
      named_by_event = pending_inspects_.erase(id) > 0;
    }
    UnixHttpResponse response =
        client_.Get(*prefix_ + "/containers/" + id + "/json", Remaining(deadline));
    auto details = response.ok() ? ParseDockerContainerInspect(response.body) : std::nullopt;
    if (details) {
      const RootFs rootfs(options_.rootfs);
      details->writable_layer_dir = DockerWritableLayer(
          *details,
          [](const std::string& path, const void* context) {
            return static_cast<const RootFs*>(context)->ReadFile(path);
          },
          &rootfs);
    }
    std::lock_guard lock(mutex_);
    if (!details) {
      const bool gone = response.error == UnixHttpResponse::Error::kNone && response.status == 404;
      if (gone && named_by_event) continue;  // removed since the event: no error
      ++*inspect_errors;
      if (gone) continue;
      if (named_by_event) {
        pending_inspects_.insert(id);  // again next sample; a list catches up meanwhile
        events_in_sync_ = false;
      }
      if (response.error == UnixHttpResponse::Error::kTimeout) return;
      continue;
    }
    auto entry = entries_.find(id);
    if (entry == entries_.end()) {
      if (!named_by_event) continue;  // destroyed meanwhile
      entry = entries_.emplace(id, Entry{}).first;
    }
    // An event (create, rename, …) makes the inspect newer than the list.
    if (named_by_event) entry->second.summary = SummaryFrom(*details);
    entry->second.state_when_inspected = details->state.empty() ? entry->second.summary.state
                                                                : details->state;
    entry->second.details = std::move(details);
    entry->second.details_generation = generation;
  }
}

void DockerMetadata::Apply(std::vector<ContainerIdentity*>& identities) const {
  std::lock_guard lock(mutex_);
  for (ContainerIdentity* identity : identities) {
    auto found = entries_.find(identity->id);
    if (found == entries_.end()) continue;
    const Entry& entry = found->second;
    if (!entry.summary.name.empty()) identity->name = entry.summary.name;
    if (!entry.summary.image.empty()) identity->image = entry.summary.image;
    for (const auto& [key, value] : entry.summary.labels) identity->labels[key] = value;
    if (entry.details) {
      if (entry.details->started_at_seconds) {
        identity->start_time_seconds = entry.details->started_at_seconds;
      }
      if (entry.details->restart_count) identity->restart_count = entry.details->restart_count;
      if (!entry.details->health_status.empty()) {
        identity->health_status = entry.details->health_status;
      }
      identity->writable_layer_dir = entry.details->writable_layer_dir;
    }
  }
}

void DockerMetadata::Report(State state, const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    last_error_ = message;
    if (state != State::kOk) api_version_.reset();
  }
  if (state == state_) return;
  const State previous = state_;
  state_ = state;
  if (state != State::kOk) {
    spdlog::warn("docker: container names unavailable: {}; containers are shown by short id "
                 "(retrying with backoff)",
                 message);
    return;
  }
  const std::string api = prefix_->empty() ? "unversioned" : prefix_->substr(2);
  if (previous != State::kUnknown) {
    spdlog::info("docker: container names available again from {} (Engine {}, API {})",
                 options_.socket_path, engine_version_, api);
  } else {
    spdlog::debug("docker: names from {} (Engine {}, API {})", options_.socket_path,
                  engine_version_, api);
  }
}

void DockerMetadata::StartEvents() {
  DockerEventStreamOptions stream;
  stream.socket_path = options_.socket_path;
  stream.connect_timeout = options_.connect_timeout;
  stream.min_backoff = std::max(options_.min_backoff, std::chrono::milliseconds(100));
  stream.max_backoff = options_.max_backoff;
  stream.api_prefix = [this] {
    std::lock_guard lock(mutex_);
    return events_prefix_;
  };
  DockerEventCallbacks callbacks;
  callbacks.on_connected = [this] {
    std::lock_guard lock(mutex_);
    events_connected_ = true;
    ++events_generation_;
    // Events may have been missed: list once more, and inspect again (a
    // restart in the gap changed the start time but not the state); the
    // unknown ids are asked about again.
    events_in_sync_ = false;
    unknown_.Clear();
  };
  callbacks.on_disconnected = [this](const std::string&) {
    std::lock_guard lock(mutex_);
    events_connected_ = false;
    events_in_sync_ = false;
  };
  callbacks.on_event = [this](const DockerEvent& event) { OnEvent(event); };
  events_ = std::make_unique<DockerEventStream>(std::move(stream), std::move(callbacks));
}

void DockerMetadata::OnEvent(const DockerEvent& event) {
  if (event.type != "container" || event.id.empty()) return;
  std::lock_guard lock(mutex_);
  unknown_.Forget(event.id);  // this engine knows it now (or forgets it for good)
  if (event.action == "destroy") {
    entries_.erase(event.id);
    pending_inspects_.erase(event.id);
    return;
  }
  if (event.action == "die") {
    if (auto entry = entries_.find(event.id); entry != entries_.end()) {
      entry->second.summary.state = "exited";
    }
    return;
  }
  // create, start, rename, health_status: the next sample inspects the
  // container once, however many events named it meanwhile (a flood of
  // health_status or restarts costs one request per id per sample, not one
  // per event, and never more than the sample's budget).
  if (pending_inspects_.size() < kMaxPendingInspects) {
    pending_inspects_.insert(event.id);
  } else if (!pending_inspects_.contains(event.id)) {
    events_in_sync_ = false;  // too many to follow one by one: a list catches up the names
  }
}

std::vector<ContainerIdentity> DockerMetadata::KnownWithoutCgroup(
    const std::vector<std::string>& seen_ids) {
  std::set<std::string_view> seen(seen_ids.begin(), seen_ids.end());
  std::vector<ContainerIdentity> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : entries_) {  // std::map: sorted by id
    if (seen.contains(id)) continue;
    // A running container without a cgroup in this sample started after the
    // walk (or lives where the walk does not look): not "stopped".
    const std::string& state = entry.summary.state;
    if (state == "running" || state == "paused" || state == "restarting") continue;
    ContainerIdentity identity;
    identity.id = id;
    identity.name = entry.summary.name.empty() ? ShortId(id) : entry.summary.name;
    identity.image = entry.summary.image;
    identity.runtime = engine_is_podman_ ? Runtime::kPodman : Runtime::kDocker;
    identity.labels = entry.summary.labels;
    if (entry.details) {
      identity.start_time_seconds = entry.details->started_at_seconds;
      identity.restart_count = entry.details->restart_count;
      identity.health_status = entry.details->health_status;
    }
    out.push_back(std::move(identity));
  }
  return out;
}

std::unique_ptr<MetadataProvider> MakeDockerMetadata(const DockerOptions& options) {
  return std::make_unique<DockerMetadata>(options);
}

}  // namespace berth::collector
