#include "cli/top_detail.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "cli/format_units.h"
#include "collector/derived.h"
#include "cli/view_widgets.h"

namespace berth::cli {

namespace {

using collector::ContainerStats;
using collector::kUnlimited;

constexpr char kAbsent[] = "--";

std::string Bytes(std::optional<uint64_t> v) {
  if (!v) return kAbsent;
  if (*v == kUnlimited) return "max";
  return BytesSize(static_cast<double>(*v));
}

std::string Count(std::optional<uint64_t> v) {
  if (!v) return kAbsent;
  if (*v == kUnlimited) return "max";
  return std::to_string(*v);
}

std::string Rate(std::optional<double> v) { return v ? HumanSize(*v) + "/s" : kAbsent; }

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string CpuMax(const collector::CpuLimits& l) {
  if (!l.quota_us) return kAbsent;
  if (*l.quota_us == kUnlimited) return "max";
  const std::optional<double> cores = collector::CpuLimitCores(l);
  if (!cores) return std::to_string(*l.quota_us) + "us";
  return Fixed(*cores, 2) + " cores (" +
         std::to_string(*l.quota_us) + "/" + std::to_string(*l.period_us) + ")";
}

std::string PsiTriple(const std::optional<collector::PressureLine>& p) {
  if (!p) return std::string(kAbsent);
  return Fixed(p->avg10, 2) + " " + Fixed(p->avg60, 2) + " " + Fixed(p->avg300, 2);
}

class Lines {
 public:
  explicit Lines(size_t width) : width_(width) {}
  void Add(const std::string& text, Style style = Style::kNormal) {
    out_.push_back({PadRight(text, width_), style});
  }
  void Section(const std::string& title) { Add(title, Style::kHeader); }
  std::vector<ScreenLine> Take() { return std::move(out_); }

 private:
  size_t width_;
  std::vector<ScreenLine> out_;
};

// "0 100000 65536, 65536 1000 1" (the kernel's triples), at most four.
std::string IdMapText(const std::optional<std::vector<collector::IdMapRange>>& map) {
  if (!map) return kAbsent;
  if (map->empty()) return "(none)";
  std::string out;
  for (size_t i = 0; i < map->size() && i < 4; ++i) {
    const collector::IdMapRange& r = (*map)[i];
    if (i > 0) out += ", ";
    out += std::to_string(r.inside) + " " + std::to_string(r.outside) + " " +
           std::to_string(r.count);
  }
  if (map->size() > 4) out += " (+" + std::to_string(map->size() - 4) + ")";
  return out;
}

// One line per kind: inode, whom it is shared with; user adds the root uid
// and the maps.
void AddNamespaces(Lines& out, const collector::ContainerNamespaces& ns,
                   std::string_view own_name) {
  using collector::NamespaceSharing;
  out.Section(ns.pid > 0 ? "NAMESPACES (of pid " + std::to_string(ns.pid) + ")" : "NAMESPACES");
  if (!ns.known()) {
    out.Add(kAbsent);
    return;
  }
  for (size_t k = 0; k < collector::kNamespaceKindCount; ++k) {
    const auto kind = static_cast<collector::NamespaceKind>(k);
    const collector::NamespaceInfo& info = ns.kinds[k];
    std::string line = PadRight(collector::NamespaceKindName(kind), 8) +
                       PadRight(info.inode ? std::to_string(*info.inode) : kAbsent, 12);
    switch (info.sharing) {
      case NamespaceSharing::kHost: line += "host"; break;
      case NamespaceSharing::kPrivate: line += "private"; break;
      case NamespaceSharing::kUnknown: line += kAbsent; break;
      case NamespaceSharing::kContainers: {
        line += "shared with ";
        const std::vector<std::string_view> names = collector::SharedWith(info, own_name);
        for (size_t i = 0; i < names.size(); ++i) {
          if (i > 0) line += ", ";
          line += names[i];
        }
        const uint32_t count = collector::SharedWithCount(info);
        if (count > names.size()) line += " (+" + std::to_string(count - names.size()) + " more)";
        break;
      }
    }
    if (kind == collector::NamespaceKind::kUser) {
      const std::optional<uint32_t> root = collector::ContainerRootUid(ns);
      line += "   root = host uid " + (root ? std::to_string(*root) : std::string(kAbsent));
    }
    out.Add(line);
  }
  out.Add("uid_map " + IdMapText(ns.uid_map) + "   gid_map " + IdMapText(ns.gid_map));
}

}  // namespace

std::vector<ScreenLine> DetailLines(const DetailInput& in, size_t width) {
  Lines out(width);
  const ContainerStats& c = *in.container;
  const collector::ContainerIdentity& id = c.identity;
  out.Add(id.name + "  (" + collector::ShortId(id.id) + ")  " + collector::RuntimeName(id.runtime) +
              "   Esc back  ? help",
          Style::kTitle);
  out.Add("id      " + id.id);
  out.Add("image   " + (id.image.empty() ? std::string(kAbsent) : id.image));
  out.Add("cgroup  " + id.cgroup_path);
  if (!id.k8s_pod.empty()) {
    out.Add("pod     " + id.k8s_namespace + "/" + id.k8s_pod + "  container " +
            id.k8s_container + "  qos " + id.qos_class);
  }
  if (id.labels.empty()) {
    out.Add("labels  --");
  } else {
    bool first = true;
    for (const auto& [k, v] : id.labels) {
      out.Add((first ? "labels  " : "        ") + k + "=" + v);
      first = false;
    }
  }
  out.Add("limits  cpu.max " + CpuMax(c.cpu_limits) + "   memory.max " +
          Bytes(c.memory.limit_bytes) + "   pids.max " + Count(c.pids_max) + "   swap " +
          Bytes(collector::SwapBytes(c.memory)) + " / " + Bytes(c.memory.swap_limit_bytes));

  // Sparklines: label (4) + spark + figure (24).
  const size_t spark_width = width > 40 ? width - 34 : 6;
  auto spark = [&](const char* label, const std::vector<std::optional<double>>* values,
                   double max, const std::string& figure) {
    std::string line = std::string(label) + " " +
                       Sparkline(values ? *values : std::vector<std::optional<double>>{},
                                 spark_width, max, in.unicode);
    out.Add(line + "  " + figure);
  };
  const TopRow* row = in.row;
  const Series* h = in.history;
  std::string cpu_figure = row ? (row->cpu_percent ? Percent(*row->cpu_percent) : kAbsent)
                               : kAbsent;
  const double cpu_max = row && row->cpu_capacity_percent ? *row->cpu_capacity_percent : 0;
  spark("CPU ", h ? &h->cpu_percent : nullptr, cpu_max, cpu_figure);
  double mem_max = 0;
  if (c.memory.limit_bytes && *c.memory.limit_bytes != kUnlimited) {
    mem_max = static_cast<double>(*c.memory.limit_bytes);
  }
  std::string mem_figure = row ? Bytes(row->mem_bytes) + " / " + Bytes(row->mem_limit_bytes)
                               : kAbsent;
  spark("MEM ", h ? &h->mem_bytes : nullptr, mem_max, mem_figure);
  std::string net_figure =
      row ? "rx " + Rate(row->net_rx_bytes_per_second) + " tx " +
                Rate(row->net_tx_bytes_per_second)
          : kAbsent;
  spark("NET ", h ? &h->net_bytes_per_second : nullptr, 0, net_figure);
  if (row) {
    out.Add("IO   read " + Rate(row->block_read_bytes_per_second) + "  write " +
            Rate(row->block_write_bytes_per_second) + "   pids " + Count(c.pids_current) +
            "   threads " + Count(c.threads));
  }

  // Processes, busiest first.
  std::vector<size_t> order(in.processes.size());
  std::iota(order.begin(), order.end(), 0);
  auto cpu_of = [&](size_t i) {
    return i < in.process_cpu_percent.size() ? in.process_cpu_percent[i] : std::nullopt;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    std::optional<double> ca = cpu_of(a), cb = cpu_of(b);
    if (ca.value_or(-1) != cb.value_or(-1)) return ca.value_or(-1) > cb.value_or(-1);
    return in.processes[a].pid < in.processes[b].pid;
  });
  out.Section("PROCESSES (" + std::to_string(in.processes.size()) + ")");
  out.Add("    PID USER     S   CPU %       RSS COMMAND", Style::kDim);
  for (size_t i : order) {
    const collector::ProcessSample& p = in.processes[i];
    std::optional<double> cpu = cpu_of(i);
    char head[80];
    std::snprintf(head, sizeof head, "%7d %-8s %c %7s %9s ", p.pid,
                  Truncate(p.user, 8).c_str(), p.state,
                  cpu ? Fixed(*cpu, 1).c_str() : kAbsent,
                  BytesSize(static_cast<double>(p.rss_bytes)).c_str());
    out.Add(std::string(head) + p.command);
  }

  const collector::MemoryStat& ms = c.memory.stat;
  out.Section("MEMORY");
  out.Add("anon " + Bytes(ms.anon) + "  file " + Bytes(ms.file) + "  shmem " + Bytes(ms.shmem) +
          "  slab " + Bytes(ms.slab) + "  swap " + Bytes(collector::SwapBytes(c.memory)) +
          "  peak " + Bytes(c.memory.peak_bytes));
  const collector::MemoryEvents& ev = c.memory.events;
  out.Add("events low " + Count(ev.low) + "  high " + Count(ev.high) + "  max " + Count(ev.max) +
          "  oom " + Count(ev.oom) + "  oom_kill " + Count(ev.oom_kill));
  std::string thr = "throttled " + Count(c.cpu.nr_throttled) + " of " +
                    Count(c.cpu.nr_periods) + " periods";
  if (c.cpu.throttled_ns) thr += ", " + Fixed(*c.cpu.throttled_ns / 1e9, 2) + "s";
  if (row && row->throttled_percent) thr += "  (" + Percent(*row->throttled_percent) + " now)";
  out.Add(thr);

  out.Section("PRESSURE     some avg10 avg60 avg300   full avg10 avg60 avg300");
  const std::pair<const char*, const collector::Pressure*> psi[] = {
      {"cpu", &c.cpu_pressure}, {"memory", &c.memory_pressure}, {"io", &c.io_pressure}};
  for (const auto& [name, p] : psi) {
    out.Add(PadRight(name, 13) + PadRight(PsiTriple(p->some), 25) + PsiTriple(p->full));
  }

  out.Section("NETWORK");
  const bool pod_member = c.network_mode == collector::NetworkMode::kOwn &&
                          !collector::ReportsNetwork(c);
  if (c.network_mode == collector::NetworkMode::kHost) {
    out.Add("shares the host's network namespace");
  } else if (pod_member) {
    out.Add("shares its pod's network namespace: counted on the pod's sandbox (POD)");
  } else if (c.net_interfaces.empty()) {
    out.Add(kAbsent);
  }
  if (c.network_mode != collector::NetworkMode::kHost && !pod_member) {
    for (const collector::NetInterfaceStats& n : c.net_interfaces) {
      out.Add(PadRight(n.name, 12) + "rx " + PadRight(HumanSize(n.rx_bytes), 9) + "tx " +
              PadRight(HumanSize(n.tx_bytes), 9) + "errors " + std::to_string(n.rx_errors) +
              "/" + std::to_string(n.tx_errors) + "  dropped " + std::to_string(n.rx_dropped) +
              "/" + std::to_string(n.tx_dropped));
    }
  }
  out.Section("BLOCK IO");
  if (c.block_devices.empty()) out.Add(kAbsent);
  for (const collector::BlockDeviceStats& d : c.block_devices) {
    std::string dev = std::to_string(d.major) + ":" + std::to_string(d.minor);
    if (!d.name.empty()) dev += " " + d.name;
    out.Add(PadRight(dev, 12) + "read " +
            PadRight(d.read_bytes ? HumanSize(static_cast<double>(*d.read_bytes)) : kAbsent, 9) +
            "write " +
            PadRight(d.write_bytes ? HumanSize(static_cast<double>(*d.write_bytes)) : kAbsent, 9) +
            "ios " + Count(d.read_ios) + "/" + Count(d.write_ios));
  }
  AddNamespaces(out, c.namespaces, id.name);
  return out.Take();
}

std::vector<ScreenLine> RenderDetailView(const DetailInput& input, const TopState& state,
                                         size_t width, size_t height) {
  std::vector<ScreenLine> all = DetailLines(input, width);
  std::vector<ScreenLine> out;
  out.reserve(height);
  out.push_back(all.front());
  const size_t body = height >= 2 ? height - 2 : 0;
  const size_t max_scroll = all.size() - 1 > body ? all.size() - 1 - body : 0;
  const size_t scroll = std::min(state.detail_scroll, max_scroll);
  for (size_t i = 0; i < body; ++i) {
    const size_t index = 1 + scroll + i;
    out.push_back(index < all.size() ? all[index] : ScreenLine{PadRight("", width), Style::kNormal});
  }
  std::string footer = "Esc back  Up/Down scroll  q quit  Space pause";
  if (state.paused) footer += "   [PAUSED]";
  out.push_back({PadRight(footer, width), Style::kHeader});
  return out;
}

}  // namespace berth::cli
