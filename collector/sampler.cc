#include "collector/sampler.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "collector/block_device_names.h"
#include "collector/cgroup_layout.h"
#include "collector/cgroup_parsers.h"
#include "collector/cgroup_v1_reader.h"
#include "collector/cgroup_v2_reader.h"
#include "collector/discovery.h"
#include "collector/disk_usage/layer_usage.h"
#include "collector/host_reader.h"
#include "collector/kept_file.h"
#include "collector/namespaces.h"
#include "collector/network_reader.h"
#include "collector/proc_parsers.h"
#include "collector/read_context.h"
#include "collector/root_fs.h"

namespace berth::collector {
namespace {

// Processes looked at for a container's start time (once per container).
constexpr size_t kMaxStartTimePids = 256;

size_t NoFileBudget() {
  static std::once_flag once;
  static size_t budget = 0;
  std::call_once(once, [] { budget = FdBudget::RaiseNoFileLimit(); });
  return budget;
}

std::string JoinDir(const RootFs& rootfs, const std::string& mount, const std::string& rel) {
  std::string dir = rootfs.Path(mount);
  if (rel != "/") dir += rel;
  return dir;
}

bool SamePaths(const DiscoveredContainer& a, const DiscoveredContainer& b) {
  return a.v2_path == b.v2_path && a.v1_paths == b.v1_paths;
}

}  // namespace

struct ContainerState {
  ContainerState(const RootFs& rootfs, const CgroupLayout& layout, DiscoveredContainer f,
                 unsigned recheck_slot)
      : found(std::move(f)),
        net(rootfs),
        namespaces([&rootfs](int pid) {
          return ReadProcessNamespaces(rootfs, std::to_string(pid));
        }),
        clock(recheck_slot) {
    if (layout.mode == CgroupMode::kUnified) {
      v2 = std::make_unique<CgroupV2Reader>(JoinDir(rootfs, layout.v2_mount, found.v2_path));
      return;
    }
    std::array<std::string, kNumV1Controllers> dirs;
    for (size_t i = 0; i < kNumV1Controllers; ++i) {
      if (!found.v1_paths[i].empty() && !layout.v1_mounts[i].empty()) {
        dirs[i] = JoinDir(rootfs, layout.v1_mounts[i], found.v1_paths[i]);
      }
    }
    std::string psi_dir;
    if (!found.v2_path.empty() && !layout.v2_mount.empty()) {
      psi_dir = JoinDir(rootfs, layout.v2_mount, found.v2_path);
    }
    v1 = std::make_unique<CgroupV1Reader>(std::move(dirs), std::move(psi_dir));
  }

  // Empties `pids`, which holds the process list afterwards when this
  // collection read it.
  bool Read(ReadContext& ctx, ContainerStats& out) {
    pids.clear();
    return v2 ? v2->Read(ctx, out, pids) : v1->Read(ctx, out, pids);
  }

  // The process list now (into `into`), after a Read() that skipped it.
  bool ReadProcesses(ReadContext& ctx, ContainerStats& out, std::vector<int>& into) {
    return v2 ? v2->ReadProcesses(ctx, out, into) : v1->ReadProcesses(ctx, out, into);
  }

  DiscoveredContainer found;
  std::unique_ptr<CgroupV2Reader> v2;
  std::unique_ptr<CgroupV1Reader> v1;
  NetworkReader net;
  NamespaceTracker namespaces;
  // The processes (sorted) when this collection read the list, else empty:
  // working data for net/dev and the start-time probe, not in the Snapshot.
  std::vector<int> pids;
  uint64_t generation = 0;
  FreshnessClock clock;  // after `net`: the constructor's order
  bool start_time_probed = false;
  // No runtime gave a start time and the last collection had no process
  // list to probe: read it next time.
  bool start_time_wanted = false;
  std::optional<double> start_time_seconds;
};

struct Sampler::Impl {
  explicit Impl(SamplerOptions opts)
      : options(std::move(opts)),
        rootfs(options.rootfs),
        budget(options.keep_fds ? NoFileBudget() : 0),
        reader(&budget, options.keep_fds),
        devices(rootfs),
        host(rootfs),
        user_hz(UserHz()) {
    // The per-container watches (limit files, memory.events) take at most
    // half of the user's inotify watches, so the tree walk's directory
    // watches still fit; beyond it those files are re-read on the timer.
    if (auto text = ReadWholeFile("/proc/sys/fs/inotify/max_user_watches")) {
      if (auto max = ParseUint(*text)) watch.set_max_watches(*max / 2);
    }
  }

  ~Impl() { states.clear(); }  // closes descriptors before the budget goes

  std::optional<double> ProbeStartTime(const std::vector<int>& pids, const HostFacts& host_facts);
  // Whether the cgroup tree must be walked again: no complete watch of the
  // last walk, a directory of it gained or lost an entry, or the periodic
  // re-walk (watched_refresh) is due.
  bool TreeChanged(std::chrono::steady_clock::time_point now);
  // Walks the hierarchies into `found` (sorted by id), watching every
  // directory listed.
  void Walk(std::chrono::steady_clock::time_point now);
  void AnnotateIdentities(Snapshot& snap);

  SamplerOptions options;
  RootFs rootfs;
  FdBudget budget;
  FileReader reader;
  FileChangeWatch watch;  // declared before `states`: outlives their watches
  BlockDeviceNames devices;
  HostReader host;
  uint64_t user_hz;
  CgroupLayout layout;
  bool layout_warned = false;
  std::optional<uint64_t> host_oom_kills;  // /proc/vmstat oom_kill, last collection
  bool host_oom_kills_moved = true;
  uint64_t generation = 0;
  unsigned next_recheck_slot = 0;
  std::unordered_map<std::string, std::unique_ptr<ContainerState>> states;
  // The last walk: its containers, and a watch on each directory it listed.
  std::vector<DiscoveredContainer> found;
  std::unique_ptr<FileChangeWatch> tree_watch;  // null: no complete watch
  std::optional<std::chrono::steady_clock::time_point> walked_at;
  std::vector<std::unique_ptr<MetadataProvider>> providers;
  // pid 1's namespaces: read at the first collection and with any
  // container's (init's cannot change, so this is a guard, not a refresh).
  HostNamespaces host_namespaces;
  bool host_namespaces_read = false;
  std::unique_ptr<LayerUsage> layer_usage;  // options.disk_usage only

  mutable std::mutex totals_mu;
  ErrorCounts totals;
};

std::optional<double> Sampler::Impl::ProbeStartTime(const std::vector<int>& pids,
                                                    const HostFacts& host_facts) {
  if (!host_facts.boot_time_seconds || pids.empty()) return std::nullopt;
  std::optional<uint64_t> earliest;
  const size_t n = std::min(pids.size(), kMaxStartTimePids);
  for (size_t i = 0; i < n; ++i) {
    auto text = rootfs.ReadFile("/proc/" + std::to_string(pids[i]) + "/stat");
    if (!text) continue;
    auto stat = ParseProcPidStat(*text);
    if (!stat) continue;
    if (!earliest || stat->start_time_ticks < *earliest) earliest = stat->start_time_ticks;
  }
  if (!earliest) return std::nullopt;
  return *host_facts.boot_time_seconds +
         static_cast<double>(*earliest) / static_cast<double>(user_hz);
}

bool Sampler::Impl::TreeChanged(std::chrono::steady_clock::time_point now) {
  if (!tree_watch || !walked_at ||
      now - *walked_at >= options.watched_refresh) {
    return true;
  }
  tree_watch->Poll();
  return tree_watch->AnyChanged();
}

void Sampler::Impl::Walk(std::chrono::steady_clock::time_point now) {
  auto watch = std::make_unique<FileChangeWatch>();
  bool complete = true;
  DiscoveryOptions dopts;
  dopts.all_cgroups = options.all_cgroups;
  // Watched before it is listed: an entry added meanwhile still notifies.
  dopts.on_directory = [&](const std::string& dir) {
    if (complete && watch->Add(dir, FileChangeWatch::Kind::kDirectoryEntries) < 0) {
      complete = false;  // inotify limits: walk on every collection
    }
  };
  found = DiscoverContainers(rootfs, layout, dopts);
  // In id order, so the snapshot comes out sorted without moving its (large)
  // ContainerStats around.
  std::sort(found.begin(), found.end(),
            [](const DiscoveredContainer& a, const DiscoveredContainer& b) {
              return a.ref.id < b.ref.id;
            });
  tree_watch = complete ? std::move(watch) : nullptr;
  walked_at = now;
}

void Sampler::Impl::AnnotateIdentities(Snapshot& snap) {
  std::vector<ContainerIdentity*> identities;
  identities.reserve(snap.containers.size());
  for (auto& c : snap.containers) identities.push_back(&c.identity);
  for (auto& provider : providers) {
    const int n = provider->Annotate(identities);
    if (n > 0) snap.errors[provider->source()] += static_cast<uint64_t>(n);
  }
  if (!providers.empty()) {
    std::vector<std::string> seen_ids;
    seen_ids.reserve(snap.containers.size());
    for (const auto& c : snap.containers) seen_ids.push_back(c.identity.id);
    // Two providers may know the same container (a Docker socket that is
    // Podman's compatible API, and Podman's own): the earlier provider's
    // entry wins, as for names.
    std::unordered_set<std::string> stopped_ids;
    for (auto& provider : providers) {
      for (auto& stopped : provider->KnownWithoutCgroup(seen_ids)) {
        if (!stopped_ids.insert(stopped.id).second) continue;
        snap.stopped.push_back(std::move(stopped));
      }
    }
    std::sort(snap.stopped.begin(), snap.stopped.end(),
              [](const ContainerIdentity& a, const ContainerIdentity& b) { return a.id < b.id; });
  }
  for (auto& c : snap.containers) {
    ContainerIdentity& id = c.identity;
    auto it = states.find(id.id);
    ContainerState* st = it == states.end() ? nullptr : it->second.get();
    if (id.name.empty()) {
      if (st != nullptr && !st->found.ref.name.empty()) {
        id.name = st->found.ref.name;  // lxc / nspawn: the name in the path
      } else if (id.runtime == Runtime::kCgroup) {
        id.name = id.id;
      } else {
        id.name = ShortId(id.id);
      }
    }
    if (!id.start_time_seconds && st != nullptr) {
      st->start_time_wanted = false;
      if (!st->start_time_probed) {
        if (st->pids.empty()) {
          st->start_time_wanted = true;
        } else {
          st->start_time_probed = true;
          st->start_time_seconds = ProbeStartTime(st->pids, snap.host);
        }
      }
      id.start_time_seconds = st->start_time_seconds;
    }
  }
}

Sampler::Sampler(SamplerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Sampler::~Sampler() = default;

void Sampler::AddMetadataProvider(std::unique_ptr<MetadataProvider> provider) {
  impl_->providers.push_back(std::move(provider));
}

const RootFs& Sampler::rootfs() const { return impl_->rootfs; }

std::vector<int> Sampler::Processes(const std::string& id) {
  Impl& s = *impl_;
  auto it = s.states.find(id);
  if (it == s.states.end()) return {};
  ErrorCounts errors;
  ReadContext ctx{s.reader, errors, s.devices, s.user_hz};
  ContainerStats scratch;
  std::vector<int> pids;
  if (!it->second->ReadProcesses(ctx, scratch, pids)) return {};
  return pids;
}

ErrorCounts Sampler::error_totals() const {
  std::lock_guard<std::mutex> lock(impl_->totals_mu);
  return impl_->totals;
}

SnapshotPtr Sampler::Collect() {
  Impl& s = *impl_;
  auto snap = std::make_shared<Snapshot>();
  snap->wall_time = std::chrono::system_clock::now();
  snap->monotonic_time = std::chrono::steady_clock::now();
  ReadContext ctx{s.reader, snap->errors, s.devices, s.user_hz};
  ctx.plan.pressure = s.options.pressure;

  if (s.layout.mode == CgroupMode::kUnknown) {
    s.layout = DetectCgroupLayout(s.rootfs);
    if (s.layout.mode == CgroupMode::kUnknown) {
      ++snap->errors["cgroup"];
      if (!s.layout_warned) {
        spdlog::warn("no cgroup hierarchy found under {}", s.rootfs.Path("/sys/fs/cgroup"));
      }
      s.layout_warned = true;
    } else {
      s.layout_warned = false;
    }
  }
  snap->host.cgroup_mode = s.layout.mode;
  s.host.Read(ctx, snap->host);
  ctx.plan.host_without_swap = snap->host.swap_total_bytes == 0;
  ctx.online_cpus = snap->host.online_cpus.value_or(0);
  if (s.layout.mode == CgroupMode::kLegacy || s.layout.mode == CgroupMode::kHybrid) {
    // v1's memory.oom_control has no change notification. The kernel counts
    // every OOM kill in /proc/vmstat just before the victim's cgroup, so the
    // counts are re-read when that moved in this or the previous collection.
    const std::optional<uint64_t> kills = s.host.ReadOomKills(ctx);
    const bool moved = !kills || kills != s.host_oom_kills;
    ctx.plan.host_oom_kills_moved = moved || s.host_oom_kills_moved;
    s.host_oom_kills = kills;
    s.host_oom_kills_moved = moved;
  }
  s.watch.Poll();
  ctx.plan.watch = &s.watch;
  // The host's network namespace: init's, or (when init's link is not
  // readable, e.g. in a sandbox) berth's own, which is the host's for a
  // berth on the host or in a --network host container.
  std::optional<std::string> netns = ReadNetNsLink(s.rootfs, "1");
  if (!netns) netns = ReadNetNsLink(s.rootfs, "self");
  const std::string host_netns = netns.value_or("");

  if (s.layout.mode == CgroupMode::kUnknown) {
    s.found.clear();
  } else if (s.TreeChanged(snap->monotonic_time)) {
    s.Walk(snap->monotonic_time);
  }
  const uint64_t generation = ++s.generation;
  bool namespaces_read = false;
  snap->containers.reserve(s.found.size());
  for (const DiscoveredContainer& f : s.found) {
    std::unique_ptr<ContainerState>& st = s.states[f.ref.id];
    // Same paths, same ref (it is derived from the path).
    if (!st || !SamePaths(st->found, f)) {
      // Re-check slots dealt in turn: containers found together re-check
      // in different collections.
      st = std::make_unique<ContainerState>(s.rootfs, s.layout, f, s.next_recheck_slot++);
    }
    st->generation = generation;
    ContainerStats& c = snap->containers.emplace_back();
    const ContainerRef& ref = st->found.ref;
    c.identity.id = ref.id;
    c.identity.runtime = ref.runtime;
    c.identity.cgroup_path = st->found.primary_path();
    c.identity.pod_uid = ref.pod_uid;
    c.identity.qos_class = ref.qos_class;
    const auto now = snap->monotonic_time;
    st->clock.Tick(now, s.options.limits_refresh, s.options.watched_refresh, ctx.plan);
    // The process list is read when a process must be chosen for net/dev or
    // probed for the start time (and with the re-check: Freshness::kProcessList).
    ctx.plan.processes_wanted =
        st->net.pid() == 0 || st->start_time_wanted || st->namespaces.wanted();
    const bool read_pids = ctx.plan.recheck || ctx.plan.processes_wanted;
    bool present = st->Read(ctx, c);
    if (present && !st->net.Read(read_pids ? &st->pids : nullptr, host_netns, ctx, c)) {
      present = st->ReadProcesses(ctx, c, st->pids);
      if (present) st->net.Read(&st->pids, host_netns, ctx, c);
    }
    if (present) {
      // The list, when this collection read it (also unasked: no pids.current).
      const bool have_list = read_pids || !st->pids.empty();
      if (st->namespaces.Update(have_list ? &st->pids : nullptr, snap->errors)) {
        namespaces_read = true;
      }
      c.namespaces = st->namespaces.current();
    }
    if (!present) {
      // Vanished mid-read: drop it; its descriptors (net/dev too) close now.
      const std::string id = ref.id;
      snap->containers.pop_back();
      s.states.erase(id);
      continue;
    }
  }
  std::erase_if(s.states, [&](const auto& kv) { return kv.second->generation != generation; });
  s.AnnotateIdentities(*snap);
  if (namespaces_read || !s.host_namespaces_read) {
    s.host_namespaces = ReadHostNamespaces(s.rootfs);
    s.host_namespaces_read = true;
  }
  ClassifyNamespaceSharing(snap->containers, s.host_namespaces);
  if (s.options.disk_usage) {
    if (!s.layer_usage) {
      s.layer_usage = std::make_unique<LayerUsage>(s.rootfs, s.options.disk_usage_options);
    }
    s.layer_usage->Apply(*snap);
  }

  snap->collect_duration = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - snap->monotonic_time);
  {
    std::lock_guard<std::mutex> lock(s.totals_mu);
    for (const auto& [source, n] : snap->errors) s.totals[source] += n;
  }
  return snap;
}

}  // namespace berth::collector
