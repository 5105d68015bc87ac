#include "collector/runtimes/containerd/containerd_metadata.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>

namespace berth::collector {
namespace {

// A cgroup named by the bare id (cgroupfs layouts): Docker's /docker/<id>
// and nerdctl's /<namespace>/<id> look alike; containerd's list decides.
bool IsBareIdCgroup(const ContainerIdentity& identity) {
  std::string_view path = identity.cgroup_path;
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return !identity.id.empty() && name == identity.id;
}

}  // namespace

ContainerdMetadata::ContainerdMetadata(ContainerdOptions options)
    : options_(std::move(options)),
      client_(ContainerdClientOptions{options_.socket_path, options_.max_reply_bytes}) {}

ContainerdMetadata::~ContainerdMetadata() {
  events_.reset();  // joins the event thread before the cache goes away
}

std::string ContainerdMetadata::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

bool ContainerdMetadata::events_in_sync() const {
  std::lock_guard lock(mutex_);
  return events_in_sync_;
}

int ContainerdMetadata::lists() const {
  std::lock_guard lock(mutex_);
  return lists_;
}

int ContainerdMetadata::gets() const {
  std::lock_guard lock(mutex_);
  return gets_;
}

int ContainerdMetadata::Annotate(std::vector<ContainerIdentity*>& identities) {
  std::vector<ContainerIdentity*> candidates, own;
  for (ContainerIdentity* identity : identities) {
    if (identity->runtime == Runtime::kContainerd) {
      candidates.push_back(identity);
      own.push_back(identity);
    } else if (identity->runtime == Runtime::kDocker && IsBareIdCgroup(*identity)) {
      candidates.push_back(identity);
    }
  }
  if (candidates.empty()) return 0;  // nothing containerd could name: socket untouched
  {
    // Unknown ids that are gone are forgotten (a new container with the id
    // would come with an event anyway).
    std::lock_guard lock(mutex_);
    std::set<std::string_view> present;
    for (const ContainerIdentity* identity : own) present.insert(identity->id);
    std::erase_if(unknown_, [&](const std::string& id) { return !present.contains(id); });
  }
  const Clock::time_point now = Clock::now();
  if (now < retry_at_) {
    Apply(candidates);  // backing off: what the cache knows, no socket traffic
    return 0;
  }
  const bool wanted = !own.empty();
  std::optional<ContainerdResult> failure = Refresh(own, now + options_.total_timeout);
  if (failure) {
    client_.Reset();  // nothing dials containerd until the next try
    ++consecutive_failures_;
    std::chrono::milliseconds first = options_.min_backoff;
    if (failure->error == ContainerdResult::Error::kTimeout) {
      first = std::max(first, 5 * options_.total_timeout);  // each try costs a whole budget
    }
    const auto pause = first * (int64_t{1} << std::min(consecutive_failures_ - 1, 16));
    retry_at_ = Clock::now() + std::min<std::chrono::milliseconds>(
                                   pause, std::max(options_.max_backoff, first));
    const std::string why =
        DescribeContainerdFailure(*failure, options_.socket_path, options_.total_timeout);
    {
      std::lock_guard lock(mutex_);
      last_error_ = why;
    }
    if (wanted && why != reported_) {
      spdlog::warn("containerd: container names unavailable: {}; containers are shown by id "
                   "until it answers (retrying with backoff)",
                   why);
      reported_ = why;
    } else if (!wanted) {
      spdlog::debug("containerd: {} (no containerd container asked about)", why);
    }
    Apply(candidates);
    return wanted ? 1 : 0;
  }
  consecutive_failures_ = 0;
  retry_at_ = {};
  if (!reported_.empty()) {
    spdlog::info("containerd: container names available again from {}", options_.socket_path);
    reported_.clear();
  }
  {
    std::lock_guard lock(mutex_);
    last_error_.clear();
  }
  if (options_.follow_events && !events_) StartEvents();
  Apply(candidates);
  return 0;
}

bool ContainerdMetadata::NeedsList(Clock::time_point now) const {
  if (!listed_) return true;
  std::lock_guard lock(mutex_);
  if (overflow_) return true;
  if (events_connected_) return listed_generation_ != events_generation_ || !events_in_sync_;
  // The stream is down (or not started): events may be missed; catch up now and then.
  return now - listed_at_ >= options_.relist_without_events;
}

std::optional<ContainerdResult> ContainerdMetadata::List(Clock::time_point deadline) {
  uint64_t generation;
  bool connected;
  {
    std::lock_guard lock(mutex_);
    generation = events_generation_;
    connected = events_connected_;
    listing_ = true;
    overflow_ = false;
    pending_.clear();  // the list covers every id named so far
    ++lists_;
  }
  auto done = [&](std::optional<ContainerdResult> failure) {
    std::lock_guard lock(mutex_);
    listing_ = false;
    if (failure) overflow_ = true;  // list again at the next try
    return failure;
  };
  std::vector<std::string> namespaces;
  ContainerdResult result = client_.ListNamespaces(deadline, &namespaces);
  if (!result.ok()) return done(result);
  std::erase(namespaces, std::string(kDockerContainerdNamespace));
  std::map<std::string, ContainerdContainer> next;
  for (const std::string& ns : namespaces) {
    std::vector<ContainerdContainer> containers;
    result = client_.ListContainers(ns, deadline, &containers);
    if (!result.ok()) return done(result);
    for (ContainerdContainer& c : containers) {
      std::string id = c.id;
      next.emplace(std::move(id), std::move(c));  // the first namespace keeps a shared id
    }
  }
  std::lock_guard lock(mutex_);
  entries_ = std::move(next);
  namespaces_ = std::move(namespaces);
  unknown_.clear();
  listing_ = false;
  listed_ = true;
  listed_at_ = Clock::now();
  listed_generation_ = generation;
  // In sync when the stream was up before this list began and still is.
  events_in_sync_ = connected && events_connected_ && generation == events_generation_;
  return std::nullopt;
}

std::optional<ContainerdResult> ContainerdMetadata::Refresh(
    const std::vector<ContainerIdentity*>& own, Clock::time_point deadline) {
  if (NeedsList(Clock::now())) {
    if (auto failure = List(deadline)) return failure;
  }
  // What to look up, each id once: ids events named, then kContainerd ids
  // nobody knows (once: they are remembered as unknown).
  std::vector<std::pair<std::string, std::string>> gets;  // (namespace, id)
  std::vector<std::string> unknown;
  std::vector<std::string> namespaces;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, pending] : pending_) gets.emplace_back(pending.namespace_name, id);
    for (const ContainerIdentity* identity : own) {
      if (!entries_.contains(identity->id) && !pending_.contains(identity->id) &&
          !unknown_.contains(identity->id)) {
        unknown.push_back(identity->id);
      }
    }
    namespaces = namespaces_;
  }
  size_t budget = options_.max_lookups_per_annotate;
  for (const auto& [ns, id] : gets) {
    if (budget == 0) return std::nullopt;
    --budget;
    {
      std::lock_guard lock(mutex_);
      if (!pending_.contains(id)) continue;  // deleted meanwhile
      pending_.erase(id);  // an event from now on asks again
      ++gets_;
    }
    std::optional<ContainerdContainer> container;
    ContainerdResult result = client_.GetContainer(ns, id, deadline, &container);
    std::lock_guard lock(mutex_);
    if (!result.ok()) {
      pending_.emplace(id, Pending{ns});  // again at the next try
      return result;
    }
    if (container) {
      entries_.insert_or_assign(id, std::move(*container));
    } else {
      entries_.erase(id);  // deleted since the event
    }
  }
  for (const std::string& id : unknown) {
    bool found = false;
    for (const std::string& ns : namespaces) {
      if (budget == 0) return std::nullopt;
      --budget;
      {
        std::lock_guard lock(mutex_);
        ++gets_;
      }
      std::optional<ContainerdContainer> container;
      ContainerdResult result = client_.GetContainer(ns, id, deadline, &container);
      if (!result.ok()) return result;
      if (container) {
        std::lock_guard lock(mutex_);
        entries_.insert_or_assign(id, std::move(*container));
        found = true;
        break;
      }
    }
    if (!found) {
      std::lock_guard lock(mutex_);
      unknown_.insert(id);
    }
  }
  return std::nullopt;
}

void ContainerdMetadata::Apply(std::vector<ContainerIdentity*>& identities) const {
  std::lock_guard lock(mutex_);
  for (ContainerIdentity* identity : identities) {
    auto found = entries_.find(identity->id);
    if (found != entries_.end()) ApplyContainerdContainer(found->second, *identity);
  }
}

void ContainerdMetadata::StartEvents() {
  ContainerdEventStreamOptions stream;
  stream.socket_path = options_.socket_path;
  stream.connect_timeout = std::max(options_.total_timeout, std::chrono::milliseconds(100));
  stream.min_backoff = std::max(options_.min_backoff, std::chrono::milliseconds(100));
  stream.max_backoff = options_.max_backoff;
  ContainerdEventCallbacks callbacks;
  callbacks.on_connected = [this] {
    std::lock_guard lock(mutex_);
    events_connected_ = true;
    ++events_generation_;
    events_in_sync_ = false;  // events may have been missed: list once more
  };
  callbacks.on_disconnected = [this](const std::string&) {
    std::lock_guard lock(mutex_);
    events_connected_ = false;
    events_in_sync_ = false;
  };
  callbacks.on_event = [this](const ContainerdEvent& event) { OnEvent(event); };
  events_ = std::make_unique<ContainerdEventStream>(std::move(stream), std::move(callbacks));
}

void ContainerdMetadata::OnEvent(const ContainerdEvent& event) {
  if (event.kind == ContainerdEvent::Kind::kOther || event.id.empty() ||
      event.namespace_name == kDockerContainerdNamespace) {
    return;
  }
  std::lock_guard lock(mutex_);
  unknown_.erase(event.id);
  if (event.kind == ContainerdEvent::Kind::kDelete) {
    entries_.erase(event.id);
    pending_.erase(event.id);
    return;
  }
  if (event.kind == ContainerdEvent::Kind::kUpdate && !listing_) {
    // The update carries the container's image and labels as they are now.
    auto entry = entries_.find(event.id);
    if (entry != entries_.end() && entry->second.namespace_name == event.namespace_name) {
      entry->second.image = event.image;
      entry->second.labels = event.labels;
      return;
    }
  }
  // A create (labels are not in the event), or an update the cache cannot
  // take now: one Get at the next sample, however many events named it.
  if (pending_.size() < kMaxPending || pending_.contains(event.id)) {
    pending_.insert_or_assign(event.id, Pending{event.namespace_name});
  } else {
    overflow_ = true;  // too many to follow one by one: a list catches up
  }
}

std::unique_ptr<MetadataProvider> MakeContainerdMetadata(const ContainerdOptions& options) {
  return std::make_unique<ContainerdMetadata>(options);
}

}  // namespace berth::collector
