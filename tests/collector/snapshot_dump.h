// Test helper: a Snapshot as canonical text, one figure per line, absent
// figures as "-", so a golden file asserts every figure (and every absence).
#ifndef BERTH_TESTS_COLLECTOR_SNAPSHOT_DUMP_H_
#define BERTH_TESTS_COLLECTOR_SNAPSHOT_DUMP_H_

#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "collector/snapshot.h"

namespace berth::collector::testing {

inline std::string DumpValue(const std::optional<uint64_t>& v) {
  if (!v) return "-";
  if (*v == kUnlimited) return "max";
  return std::to_string(*v);
}

inline std::string DumpDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

inline void DumpPressure(std::ostringstream& o, const char* name, const Pressure& p) {
  auto line = [&](const char* kind, const std::optional<PressureLine>& l) {
    o << "  " << name << "." << kind << "=";
    if (!l) {
      o << "-\n";
      return;
    }
    o << DumpDouble(l->avg10) << "/" << DumpDouble(l->avg60) << "/" << DumpDouble(l->avg300)
      << " total=" << l->total_usec << "\n";
  };
  line("some", p.some);
  line("full", p.full);
}

inline const char* NetworkModeName(NetworkMode m) {
  switch (m) {
    case NetworkMode::kOwn: return "own";
    case NetworkMode::kHost: return "host";
    case NetworkMode::kUnknown: break;
  }
  return "unknown";
}

inline std::string DumpIdMap(const std::optional<std::vector<IdMapRange>>& map) {
  if (!map) return "-";
  std::string out;
  for (const IdMapRange& r : *map) {
    if (!out.empty()) out += ",";
    out += std::to_string(r.inside) + " " + std::to_string(r.outside) + " " +
           std::to_string(r.count);
  }
  return out.empty() ? "(none)" : out;
}

// "  ns.process=4123", then per kind "  ns.net=4026532301 private" (or
// "container:a,b" naming every member), then the maps.
inline void DumpNamespaces(std::ostringstream& o, const ContainerNamespaces& ns) {
  // kContainers: every member's name (this one's too) and their count.
  o << "  ns.process=" << ns.pid << "\n";
  for (size_t k = 0; k < kNamespaceKindCount; ++k) {
    const NamespaceInfo& info = ns.kinds[k];
    o << "  ns." << NamespaceKindName(static_cast<NamespaceKind>(k)) << "="
      << DumpValue(info.inode) << " " << NamespaceSharingName(info.sharing);
    if (info.sharing == NamespaceSharing::kContainers) {
      o << ":";
      for (size_t i = 0; info.members && i < info.members->size(); ++i) {
        o << (i ? "," : "") << (*info.members)[i];
      }
    }
    o << "\n";
  }
  o << "  ns.uid_map=" << DumpIdMap(ns.uid_map) << " gid_map=" << DumpIdMap(ns.gid_map) << "\n";
}

// Host facts that depend on the test machine (USER_HZ) are printed as read.
// `processes`: a container's process list (Sampler::Processes), dumped as
// its "pids=" line; without it the line is left out.
inline std::string DumpSnapshot(
    const Snapshot& s,
    const std::function<std::vector<int>(const std::string& id)>& processes = nullptr) {
  std::ostringstream o;
  const HostFacts& h = s.host;
  o << "host.cgroup_mode=" << CgroupModeName(h.cgroup_mode) << "\n";
  o << "host.online_cpus=" << (h.online_cpus ? std::to_string(*h.online_cpus) : "-") << "\n";
  o << "host.cpu_total_ns=" << DumpValue(h.cpu_total_ns) << "\n";
  o << "host.cpu_idle_ns=" << DumpValue(h.cpu_idle_ns) << "\n";
  o << "host.mem_total_bytes=" << DumpValue(h.mem_total_bytes) << "\n";
  o << "host.mem_available_bytes=" << DumpValue(h.mem_available_bytes) << "\n";
  o << "host.boot_time_seconds="
    << (h.boot_time_seconds ? DumpDouble(*h.boot_time_seconds) : "-") << "\n";
  o << "host.kernel_release=" << h.kernel_release << "\n";
  o << "host.hostname=" << h.hostname << "\n";
  for (const auto& [source, n] : s.errors) o << "errors." << source << "=" << n << "\n";
  for (const ContainerStats& c : s.containers) {
    const ContainerIdentity& id = c.identity;
    o << "container " << id.id << "\n";
    o << "  name=" << id.name << "\n";
    o << "  runtime=" << RuntimeName(id.runtime) << "\n";
    o << "  cgroup_path=" << id.cgroup_path << "\n";
    o << "  pod_uid=" << id.pod_uid << " qos=" << id.qos_class << "\n";
    o << "  start_time_seconds="
      << (id.start_time_seconds ? DumpDouble(*id.start_time_seconds) : "-") << "\n";
    o << "  cpu.usage_ns=" << DumpValue(c.cpu.usage_ns) << "\n";
    o << "  cpu.user_ns=" << DumpValue(c.cpu.user_ns) << "\n";
    o << "  cpu.system_ns=" << DumpValue(c.cpu.system_ns) << "\n";
    o << "  cpu.nr_periods=" << DumpValue(c.cpu.nr_periods) << "\n";
    o << "  cpu.nr_throttled=" << DumpValue(c.cpu.nr_throttled) << "\n";
    o << "  cpu.throttled_ns=" << DumpValue(c.cpu.throttled_ns) << "\n";
    o << "  cpu_limits.quota_us=" << DumpValue(c.cpu_limits.quota_us) << "\n";
    o << "  cpu_limits.period_us=" << DumpValue(c.cpu_limits.period_us) << "\n";
    o << "  cpu_limits.shares=" << DumpValue(c.cpu_limits.shares) << "\n";
    o << "  cpu_limits.weight=" << DumpValue(c.cpu_limits.weight) << "\n";
    const MemoryStats& m = c.memory;
    o << "  memory.usage_bytes=" << DumpValue(m.usage_bytes) << "\n";
    o << "  memory.limit_bytes=" << DumpValue(m.limit_bytes) << "\n";
    o << "  memory.high_bytes=" << DumpValue(m.high_bytes) << "\n";
    o << "  memory.reservation_bytes=" << DumpValue(m.reservation_bytes) << "\n";
    o << "  memory.peak_bytes=" << DumpValue(m.peak_bytes) << "\n";
    o << "  memory.failcnt=" << DumpValue(m.failcnt) << "\n";
    o << "  memory.swap_bytes=" << DumpValue(m.swap_bytes) << "\n";
    o << "  memory.swap_limit_bytes=" << DumpValue(m.swap_limit_bytes) << "\n";
    o << "  memory.swap_high_bytes=" << DumpValue(m.swap_high_bytes) << "\n";
    const MemoryStat& st = m.stat;
    o << "  memory.stat anon=" << DumpValue(st.anon) << " file=" << DumpValue(st.file)
      << " active_anon=" << DumpValue(st.active_anon)
      << " inactive_anon=" << DumpValue(st.inactive_anon)
      << " active_file=" << DumpValue(st.active_file)
      << " inactive_file=" << DumpValue(st.inactive_file) << "\n";
    o << "  memory.stat shmem=" << DumpValue(st.shmem) << " slab=" << DumpValue(st.slab)
      << " sock=" << DumpValue(st.sock) << " file_mapped=" << DumpValue(st.file_mapped)
      << " file_dirty=" << DumpValue(st.file_dirty)
      << " file_writeback=" << DumpValue(st.file_writeback) << "\n";
    o << "  memory.stat pgfault=" << DumpValue(st.pgfault)
      << " pgmajfault=" << DumpValue(st.pgmajfault)
      << " workingset_refault_anon=" << DumpValue(st.workingset_refault_anon)
      << " workingset_refault_file=" << DumpValue(st.workingset_refault_file)
      << " swap=" << DumpValue(st.swap) << "\n";
    const MemoryEvents& e = m.events;
    o << "  memory.events low=" << DumpValue(e.low) << " high=" << DumpValue(e.high)
      << " max=" << DumpValue(e.max) << " oom=" << DumpValue(e.oom)
      << " oom_kill=" << DumpValue(e.oom_kill) << "\n";
    for (const BlockDeviceStats& d : c.block_devices) {
      o << "  block " << d.major << ":" << d.minor << " name=" << d.name
        << " read_bytes=" << DumpValue(d.read_bytes) << " write_bytes=" << DumpValue(d.write_bytes)
        << " read_ios=" << DumpValue(d.read_ios) << " write_ios=" << DumpValue(d.write_ios)
        << "\n";
    }
    o << "  network_mode=" << NetworkModeName(c.network_mode) << "\n";
    for (const NetInterfaceStats& n : c.net_interfaces) {
      o << "  net " << n.name << " rx=" << n.rx_bytes << "/" << n.rx_packets << "/" << n.rx_errors
        << "/" << n.rx_dropped << " tx=" << n.tx_bytes << "/" << n.tx_packets << "/"
        << n.tx_errors << "/" << n.tx_dropped << "\n";
    }
    o << "  pids_current=" << DumpValue(c.pids_current) << "\n";
    o << "  pids_max=" << DumpValue(c.pids_max) << "\n";
    o << "  threads=" << DumpValue(c.threads) << "\n";
    if (processes) {
      const std::vector<int> pids = processes(c.identity.id);
      o << "  pids=";
      for (size_t i = 0; i < pids.size(); ++i) o << (i ? "," : "") << pids[i];
      o << "\n";
    }
    DumpPressure(o, "cpu_pressure", c.cpu_pressure);
    DumpPressure(o, "memory_pressure", c.memory_pressure);
    DumpPressure(o, "io_pressure", c.io_pressure);
    DumpNamespaces(o, c.namespaces);
  }
  return o.str();
}

}  // namespace berth::collector::testing

#endif  // BERTH_TESTS_COLLECTOR_SNAPSHOT_DUMP_H_
