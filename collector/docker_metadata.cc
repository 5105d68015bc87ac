#include "collector/docker_metadata.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace berth::collector {
namespace {

bool WantsDocker(const ContainerIdentity& identity) {
  return identity.runtime == Runtime::kDocker || identity.runtime == Runtime::kPodman;
}

// Engine error 400 for a client version below the daemon's minimum:
// "client version 1.41 is too old. Minimum supported API version is 1.44, …".
bool IsVersionTooOld(const DockerResponse& response, std::string* message) {
  if (response.error != DockerResponse::Error::kNone || response.status != 400) return false;
  auto parsed = ParseDockerErrorMessage(response.body);
  *message = parsed ? *parsed : response.body;
  return message->find("too old") != std::string::npos;
}

}  // namespace

DockerMetadata::DockerMetadata(DockerOptions options)
    : options_(std::move(options)),
      client_(DockerClientOptions{.socket_path = options_.socket_path,
                                  .connect_timeout = options_.connect_timeout,
                                  .total_timeout = options_.total_timeout}) {}

DockerMetadata::~DockerMetadata() = default;

std::string DockerMetadata::last_error() const {
  std::lock_guard lock(status_mutex_);
  return last_error_;
}

std::optional<ApiVersion> DockerMetadata::api_version() const {
  std::lock_guard lock(status_mutex_);
  return api_version_;
}

std::chrono::milliseconds DockerMetadata::Remaining(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
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
  std::optional<Failure> failure = Refresh(identities, now + options_.total_timeout,
                                           &inspect_errors);
  if (failure && failure->state == State::kNoSocket && !wanted) {
    prefix_.reset();
    containers_.clear();
    inspected_.clear();
    return 0;
  }
  if (failure) {
    prefix_.reset();  // the daemon may come back as another version
    ++consecutive_failures_;
    auto backoff = options_.min_backoff * (1LL << std::min(consecutive_failures_ - 1, 20));
    retry_at_ = Clock::now() + std::min<std::chrono::milliseconds>(
                                   std::chrono::duration_cast<std::chrono::milliseconds>(backoff),
                                   options_.max_backoff);
    Report(failure->state, failure->message);
    Apply(identities);
    return 1;
  }
  consecutive_failures_ = 0;
  Report(State::kOk, "");
  Apply(identities);
  return inspect_errors;
}

std::optional<DockerMetadata::Failure> DockerMetadata::FailureFrom(
    const DockerResponse& response, const char* what) const {
  using Error = DockerResponse::Error;
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
  DockerResponse response = client_.Get("/version", Remaining(deadline));
  if (response.error != DockerResponse::Error::kNone) return FailureFrom(response, "GET /version");
  std::optional<ApiVersion> chosen;
  if (response.status == 404) {
    // Something answers HTTP but has no /version (a filtering proxy): use
    // unversioned paths, which the Engine serves at its own version.
    prefix_ = "";
  } else if (!response.ok()) {
    return FailureFrom(response, "GET /version");
  } else {
    auto info = ParseDockerVersion(response.body);
    if (!info) return Failure{State::kBadResponse, "GET /version: not an Engine API answer"};
    engine_version_ = info->engine_version;
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
  if (chosen) prefix_ = "/v" + chosen->ToString();
  std::lock_guard lock(status_mutex_);
  api_version_ = chosen;
  return std::nullopt;
}

std::optional<DockerMetadata::Failure> DockerMetadata::Refresh(
    const std::vector<ContainerIdentity*>& identities, Clock::time_point deadline,
    int* inspect_errors) {
  if (!prefix_) {
    if (auto failure = Negotiate(deadline, std::nullopt)) return failure;
  }
  DockerResponse response = client_.Get(*prefix_ + "/containers/json?all=1", Remaining(deadline));
  std::string too_old;
  if (IsVersionTooOld(response, &too_old)) {
    spdlog::info("docker: {} ({}); renegotiating the API version", too_old,
                 options_.socket_path);
    prefix_.reset();
    if (auto failure = Negotiate(deadline, MinimumVersionFromError(too_old))) return failure;
    response = client_.Get(*prefix_ + "/containers/json?all=1", Remaining(deadline));
  }
  if (auto failure = FailureFrom(response, "GET /containers/json")) return failure;
  auto list = ParseDockerContainerList(response.body);
  if (!list) {
    return Failure{State::kBadResponse, "GET /containers/json: not a JSON list of containers"};
  }
  containers_.clear();
  for (DockerContainerSummary& summary : *list) {
    std::string id = summary.id;
    containers_.emplace(std::move(id), std::move(summary));
  }
  std::erase_if(inspected_, [&](const auto& entry) { return !containers_.contains(entry.first); });
  InspectNew(identities, deadline, inspect_errors);
  return std::nullopt;
}

void DockerMetadata::InspectNew(const std::vector<ContainerIdentity*>& identities,
                                Clock::time_point deadline, int* inspect_errors) {
  size_t budget = options_.max_inspects_per_annotate;
  for (const ContainerIdentity* identity : identities) {
    if (budget == 0) return;
    auto listed = containers_.find(identity->id);
    if (listed == containers_.end()) continue;
    auto seen = inspected_.find(identity->id);
    bool restarted = seen != inspected_.end() && listed->second.state == "running" &&
                     seen->second.state_when_inspected != "running";
    if (seen != inspected_.end() && !restarted) continue;
    if (Remaining(deadline).count() <= 0) return;
    --budget;
    DockerResponse response =
        client_.Get(*prefix_ + "/containers/" + identity->id + "/json", Remaining(deadline));
    auto details = response.ok() ? ParseDockerContainerInspect(response.body) : std::nullopt;
    if (!details) {
      ++*inspect_errors;
      if (response.error == DockerResponse::Error::kTimeout) return;
      continue;
    }
    inspected_[identity->id] = Inspected{std::move(details), listed->second.state};
  }
}

void DockerMetadata::Apply(std::vector<ContainerIdentity*>& identities) const {
  for (ContainerIdentity* identity : identities) {
    auto listed = containers_.find(identity->id);
    if (listed == containers_.end()) continue;
    const DockerContainerSummary& summary = listed->second;
    if (!summary.name.empty()) identity->name = summary.name;
    if (!summary.image.empty()) identity->image = summary.image;
    for (const auto& [key, value] : summary.labels) identity->labels[key] = value;
    auto seen = inspected_.find(identity->id);
    if (seen != inspected_.end() && seen->second.details &&
        seen->second.details->started_at_seconds) {
      identity->start_time_seconds = seen->second.details->started_at_seconds;
    }
  }
}

void DockerMetadata::Report(State state, const std::string& message) {
  {
    std::lock_guard lock(status_mutex_);
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
  } else if (previous != State::kUnknown) {
    spdlog::info("docker: container names available again from {} (Engine {}, API {})",
                 options_.socket_path, engine_version_, prefix_->empty() ? "unversioned" : prefix_->substr(2));
  } else {
    spdlog::debug("docker: names from {} (Engine {}, API {})", options_.socket_path,
                  engine_version_, prefix_->empty() ? "unversioned" : prefix_->substr(2));
  }
}

std::vector<ContainerIdentity> DockerMetadata::KnownWithoutCgroup(
    const std::vector<std::string>& seen_ids) {
  std::set<std::string_view> seen(seen_ids.begin(), seen_ids.end());
  std::vector<ContainerIdentity> out;
  for (const auto& [id, summary] : containers_) {  // std::map: sorted by id
    if (seen.contains(id)) continue;
    ContainerIdentity identity;
    identity.id = id;
    identity.name = summary.name.empty() ? ShortId(id) : summary.name;
    identity.image = summary.image;
    identity.runtime = Runtime::kDocker;
    identity.labels = summary.labels;
    auto inspected = inspected_.find(id);
    if (inspected != inspected_.end() && inspected->second.details) {
      identity.start_time_seconds = inspected->second.details->started_at_seconds;
    }
    out.push_back(std::move(identity));
  }
  return out;
}

std::unique_ptr<MetadataProvider> MakeDockerMetadata(const DockerOptions& options) {
  return std::make_unique<DockerMetadata>(options);
}

}  // namespace berth::collector
