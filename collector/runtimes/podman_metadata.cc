#include "collector/runtimes/podman_metadata.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "collector/runtimes/socket_failure.h"

namespace berth::collector {
namespace {

// Podman's own names (libpod events): "died", not "die"; "remove", not
// "destroy".
constexpr char kEventFilters[] =
    R"({"type":["container"],"event":["create","start","died","remove","rename"]})";

}  // namespace

std::string PodmanMetadata::EventsPath() {
  return DockerEventStream::FilteredPath("/v4.0.0/libpod/events", kEventFilters);
}

PodmanMetadata::PodmanMetadata(PodmanOptions options)
    : options_(std::move(options)),
      client_(UnixHttpClientOptions{options_.socket_path, options_.connect_timeout,
                                  options_.total_timeout}),
      health_("podman", options_.min_backoff, options_.max_backoff),
      missed_(options_.unknown_retry) {}

PodmanMetadata::~PodmanMetadata() {
  events_.reset();  // joins the event thread before the cache goes away
}

bool PodmanMetadata::events_connected() const {
  std::lock_guard lock(mutex_);
  return events_connected_;
}

bool PodmanMetadata::List(Clock::time_point now) {
  {
    // An event from now on may be newer than this list: it asks for another.
    std::lock_guard lock(mutex_);
    list_due_ = false;
  }
  UnixHttpResponse response = client_.Get("/v4.0.0/libpod/containers/json?all=true");
  auto list = response.ok() ? ParsePodmanContainerList(response.body) : std::nullopt;
  if (!list) {
    health_.Failed(response.ok() ? "not a libpod container list from " + options_.socket_path
                                 : DescribeSocketFailure(response, options_.socket_path),
                   now);
    std::lock_guard lock(mutex_);
    list_due_ = true;
    return false;
  }
  health_.Succeeded();
  std::lock_guard lock(mutex_);
  std::unordered_map<std::string, PodmanContainer> fresh;
  for (PodmanContainer& c : *list) {
    auto old = cache_.find(c.id);
    if (old != cache_.end()) {
      // Fixed once reported: image and labels; a rename is real.
      c.image = old->second.image;
      c.labels = old->second.labels;
    }
    std::string id = c.id;
    fresh.emplace(std::move(id), std::move(c));
  }
  cache_ = std::move(fresh);
  listed_at_ = now;
  listed_ = true;
  return true;
}

void PodmanMetadata::Apply(const PodmanContainer& c, ContainerIdentity& identity) {
  if (!c.name.empty()) identity.name = c.name;
  if (identity.image.empty()) identity.image = c.image;
  if (identity.labels.empty()) identity.labels = c.labels;
  if (!identity.start_time_seconds && c.started_at_seconds) {
    identity.start_time_seconds = c.started_at_seconds;
  }
  if (!identity.restart_count) identity.restart_count = c.restart_count;
  identity.is_sandbox = identity.is_sandbox || c.is_infra;
}

int PodmanMetadata::Annotate(std::vector<ContainerIdentity*>& identities) {
  std::vector<ContainerIdentity*> podman;
  for (ContainerIdentity* identity : identities) {
    if (identity->runtime == Runtime::kPodman) podman.push_back(identity);
  }
  if (podman.empty()) return 0;
  const auto now = Clock::now();
  // Unknown: neither listed nor missing from the last list (a container of
  // another Podman, e.g. a rootless user's under a rootful socket, would
  // otherwise cost a list every sample).
  bool unknown, due, following;
  {
    std::lock_guard lock(mutex_);
    unknown = std::any_of(podman.begin(), podman.end(), [&](ContainerIdentity* i) {
      return !cache_.contains(i->id) && !missed_.Contains(i->id, now);
    });
    due = list_due_;
    following = events_connected_;
  }
  // The timer only stands in for a missing event stream.
  const bool stale = due || !listed_ ||
                     (!following && now - listed_at_ >= options_.refresh_interval);
  int errors = 0;
  if ((unknown || stale) && health_.ShouldTry(now)) {
    if (List(now)) {
      std::lock_guard lock(mutex_);
      // An id is remembered from the first list that missed it (the retry
      // timer runs from there); the ones this list holds are forgotten.
      missed_.Retain([&](const std::string& id) { return !cache_.contains(id); });
      for (ContainerIdentity* identity : podman) {
        if (!cache_.contains(identity->id)) missed_.Remember(identity->id, now);
      }
    } else {
      errors = 1;
    }
  }
  if (listed_ && options_.follow_events && !events_) StartEvents();
  std::lock_guard lock(mutex_);
  {
    std::unordered_set<std::string_view> present;
    for (ContainerIdentity* identity : podman) present.insert(identity->id);
    missed_.Retain([&](const std::string& id) { return present.contains(id); });
  }
  for (ContainerIdentity* identity : podman) {
    if (auto it = cache_.find(identity->id); it != cache_.end()) Apply(it->second, *identity);
  }
  return errors;
}

std::vector<ContainerIdentity> PodmanMetadata::KnownWithoutCgroup(
    const std::vector<std::string>& seen_ids) {
  std::unordered_set<std::string> seen(seen_ids.begin(), seen_ids.end());
  std::vector<ContainerIdentity> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, c] : cache_) {
    if (seen.contains(id) || c.state == "running" || c.state == "paused") continue;
    ContainerIdentity identity;
    identity.id = id;
    identity.runtime = Runtime::kPodman;
    identity.name = c.name.empty() ? ShortId(id) : c.name;
    identity.image = c.image;
    identity.labels = c.labels;
    identity.start_time_seconds = c.started_at_seconds;
    identity.restart_count = c.restart_count;
    identity.is_sandbox = c.is_infra;
    out.push_back(std::move(identity));
  }
  std::sort(out.begin(), out.end(),
            [](const ContainerIdentity& a, const ContainerIdentity& b) { return a.id < b.id; });
  return out;
}

void PodmanMetadata::StartEvents() {
  DockerEventStreamOptions stream;
  stream.socket_path = options_.socket_path;
  stream.connect_timeout = options_.connect_timeout;
  stream.path = EventsPath();
  stream.log_name = "podman";
  stream.min_backoff = std::max(options_.min_backoff, std::chrono::milliseconds(100));
  stream.max_backoff = options_.max_backoff;
  DockerEventCallbacks callbacks;
  callbacks.on_connected = [this] {
    std::lock_guard lock(mutex_);
    events_connected_ = true;
    list_due_ = true;  // events may have been missed meanwhile
    missed_.Clear();
  };
  callbacks.on_disconnected = [this](const std::string&) {
    std::lock_guard lock(mutex_);
    events_connected_ = false;
  };
  callbacks.on_event = [this](const DockerEvent& event) { OnEvent(event); };
  events_ = std::make_unique<DockerEventStream>(std::move(stream), std::move(callbacks));
}

void PodmanMetadata::OnEvent(const DockerEvent& event) {
  if (event.type != "container") return;
  std::lock_guard lock(mutex_);
  // Any of them: the next sample lists (a list running now may predate it).
  list_due_ = true;
  missed_.Forget(event.id);
  auto it = cache_.find(event.id);
  if (it == cache_.end()) return;
  if (event.action == "remove" || event.action == "destroy") {
    cache_.erase(it);
  } else if (event.action == "rename" && !event.name.empty()) {
    it->second.name = event.name;
  } else if (event.action == "died" || event.action == "die") {
    it->second.state = "exited";
  }
}

std::unique_ptr<MetadataProvider> MakePodmanMetadata(const PodmanOptions& options) {
  return std::make_unique<PodmanMetadata>(options);
}

}  // namespace berth::collector
