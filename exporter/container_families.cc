#include "exporter/container_families.h"

#include <array>
#include <chrono>
#include <optional>
#include <set>

#include "collector/derived.h"
#include "collector/utf8_text.h"
#include "exporter/prom_text.h"

namespace berth::exporter {
namespace {

using collector::ContainerStats;
using collector::kUnlimited;
using collector::Snapshot;
using prometheus::MetricType;

constexpr MetricType kCounter = MetricType::Counter;
constexpr MetricType kGauge = MetricType::Gauge;

void Emit(SampleSink& sink, const std::optional<uint64_t>& value) {
  if (value) sink.Add({}, *value);
}

void EmitSeconds(SampleSink& sink, const std::optional<uint64_t>& ns) {
  if (ns) sink.Add({}, static_cast<double>(*ns) / 1e9);
}

// A limit where "unlimited" reads 0 (cAdvisor's convention).
void EmitLimit(SampleSink& sink, const std::optional<uint64_t>& limit) {
  if (limit) sink.Add({}, *limit == kUnlimited ? uint64_t{0} : *limit);
}

std::string DeviceName(const collector::BlockDeviceStats& device) {
  if (!device.name.empty()) return "/dev/" + device.name;
  return "/dev/block/" + std::to_string(device.major) + ":" + std::to_string(device.minor);
}

template <typename Field>
void EmitPerDevice(const ContainerStats& c, SampleSink& sink, Field field) {
  for (const auto& device : c.block_devices) {
    const std::optional<uint64_t>& value = device.*field;
    if (!value) continue;
    const std::string name = DeviceName(device);
    sink.Add({{"device", name}}, *value);
  }
}

template <typename Field>
void EmitPerInterface(const ContainerStats& c, SampleSink& sink, Field field) {
  if (!collector::ReportsNetwork(c)) return;  // a pod's network: on its sandbox only
  for (const auto& interface : c.net_interfaces) {
    if (interface.name == "lo") continue;
    sink.Add({{"interface", interface.name}}, interface.*field);
  }
}

void EmitPressure(SampleSink& sink, const std::optional<collector::PressureLine>& line) {
  if (line) sink.Add({}, static_cast<double>(line->total_usec) / 1e6);
}

using collector::BlockDeviceStats;
using collector::NetInterfaceStats;

constexpr std::array kFamilies = {
    // --- CPU ---------------------------------------------------------------
    ContainerFamily{"container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.",
                    kCounter, Group::kCpu,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.cpu.usage_ns) {
                        s.Add({{"cpu", "total"}}, static_cast<double>(*c.cpu.usage_ns) / 1e9);
                      }
                    }},
    ContainerFamily{"container_cpu_user_seconds_total",
                    "Cumulative user cpu time consumed in seconds.", kCounter, Group::kCpu,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitSeconds(s, c.cpu.user_ns);
                    }},
    ContainerFamily{"container_cpu_system_seconds_total",
                    "Cumulative system cpu time consumed in seconds.", kCounter, Group::kCpu,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitSeconds(s, c.cpu.system_ns);
                    }},
    ContainerFamily{"container_cpu_cfs_periods_total",
                    "Number of elapsed enforcement period intervals.", kCounter, Group::kCpu,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.cpu.nr_periods);
                    }},
    ContainerFamily{"container_cpu_cfs_throttled_periods_total",
                    "Number of throttled period intervals.", kCounter, Group::kCpu,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.cpu.nr_throttled);
                    }},
    ContainerFamily{"container_cpu_cfs_throttled_seconds_total",
                    "Total time duration the container has been throttled.", kCounter,
                    Group::kCpu,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitSeconds(s, c.cpu.throttled_ns);
                    }},
    // --- Limits ------------------------------------------------------------
    ContainerFamily{"container_spec_cpu_quota",
                    "CPU quota of the container (microseconds per period; absent when "
                    "unlimited).",
                    kGauge, Group::kSpec,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.cpu_limits.quota_us && *c.cpu_limits.quota_us != kUnlimited) {
                        s.Add({}, *c.cpu_limits.quota_us);
                      }
                    }},
    ContainerFamily{"container_spec_cpu_period", "CPU period of the container (microseconds).",
                    kGauge, Group::kSpec,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.cpu_limits.period_us);
                    }},
    ContainerFamily{"container_spec_cpu_shares", "CPU share of the container.", kGauge,
                    Group::kSpec,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.cpu_limits.shares);
                    }},
    ContainerFamily{"container_spec_memory_limit_bytes",
                    "Memory limit for the container (0 = unlimited).", kGauge, Group::kSpec,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitLimit(s, c.memory.limit_bytes);
                    }},
    ContainerFamily{"container_spec_memory_swap_limit_bytes",
                    "Memory swap limit for the container (0 = unlimited).", kGauge, Group::kSpec,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitLimit(s, c.memory.swap_limit_bytes);
                    }},
    ContainerFamily{"container_spec_memory_reservation_limit_bytes",
                    "Memory reservation limit for the container (0 = none).", kGauge,
                    Group::kSpec,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitLimit(s, c.memory.reservation_bytes);
                    }},
    // --- Memory ------------------------------------------------------------
    ContainerFamily{"container_memory_usage_bytes",
                    "Current memory usage in bytes, including all memory regardless of when it "
                    "was accessed",
                    kGauge, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.usage_bytes);
                    }},
    ContainerFamily{"container_memory_working_set_bytes",
                    "Current working set in bytes (usage - inactive_file).", kGauge,
                    Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, collector::WorkingSetBytes(c.memory));
                    }},
    ContainerFamily{"container_memory_rss", "Size of RSS in bytes.", kGauge, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.stat.anon);
                    }},
    ContainerFamily{"container_memory_cache", "Number of bytes of page cache memory.", kGauge,
                    Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.stat.file);
                    }},
    ContainerFamily{"container_memory_swap", "Container swap usage in bytes.", kGauge,
                    Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, collector::SwapBytes(c.memory));
                    }},
    ContainerFamily{"container_memory_mapped_file", "Size of memory mapped files in bytes.",
                    kGauge, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.stat.file_mapped);
                    }},
    ContainerFamily{"container_memory_max_usage_bytes", "Maximum memory usage recorded in bytes",
                    kGauge, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.peak_bytes);
                    }},
    ContainerFamily{"container_memory_failcnt", "Number of memory usage hits limits", kCounter,
                    Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.failcnt);
                    }},
    ContainerFamily{"container_memory_failures_total",
                    "Cumulative count of memory allocation failures.", kCounter, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      // memory.stat counts are hierarchical; cAdvisor reports them under
                      // both scopes.
                      for (const char* scope : {"container", "hierarchy"}) {
                        if (c.memory.stat.pgfault) {
                          s.Add({{"failure_type", "pgfault"}, {"scope", scope}},
                                *c.memory.stat.pgfault);
                        }
                        if (c.memory.stat.pgmajfault) {
                          s.Add({{"failure_type", "pgmajfault"}, {"scope", scope}},
                                *c.memory.stat.pgmajfault);
                        }
                      }
                    }},
    ContainerFamily{"container_memory_events_high_total",
                    "Number of times usage went over memory.high (memory.events high).",
                    kCounter, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.events.high);
                    }},
    ContainerFamily{"container_memory_events_max_total",
                    "Number of times usage was about to go over the limit (memory.events max).",
                    kCounter, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.events.max);
                    }},
    ContainerFamily{"container_oom_events_total",
                    "Count of out of memory events observed for the container (OOM kills).",
                    kCounter, Group::kMemory,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.memory.events.oom_kill);
                    }},
    // --- Block IO ----------------------------------------------------------
    ContainerFamily{"container_fs_reads_bytes_total", "Cumulative count of bytes read", kCounter,
                    Group::kIo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerDevice(c, s, &BlockDeviceStats::read_bytes);
                    }},
    ContainerFamily{"container_fs_writes_bytes_total", "Cumulative count of bytes written",
                    kCounter, Group::kIo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerDevice(c, s, &BlockDeviceStats::write_bytes);
                    }},
    ContainerFamily{"container_fs_reads_total", "Cumulative count of reads completed", kCounter,
                    Group::kIo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerDevice(c, s, &BlockDeviceStats::read_ios);
                    }},
    ContainerFamily{"container_fs_writes_total", "Cumulative count of writes completed",
                    kCounter, Group::kIo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerDevice(c, s, &BlockDeviceStats::write_ios);
                    }},
    // --- Disk usage (the writable layer, walked in the background) ---------
    ContainerFamily{"container_fs_usage_bytes",
                    "Number of bytes that are consumed by the container on this filesystem.",
                    kGauge, Group::kDisk,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.writable_layer) {
                        s.Add({{"device", c.writable_layer->device}},
                              c.writable_layer->usage_bytes);
                      }
                    }},
    ContainerFamily{"container_fs_limit_bytes",
                    "Number of bytes that can be consumed by the container on this filesystem.",
                    kGauge, Group::kDisk,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.writable_layer && c.writable_layer->fs_size_bytes) {
                        s.Add({{"device", c.writable_layer->device}},
                              *c.writable_layer->fs_size_bytes);
                      }
                    }},
    ContainerFamily{"container_fs_inodes_free", "Number of available Inodes", kGauge,
                    Group::kDisk,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.writable_layer && c.writable_layer->fs_inodes_free) {
                        s.Add({{"device", c.writable_layer->device}},
                              *c.writable_layer->fs_inodes_free);
                      }
                    }},
    ContainerFamily{"container_fs_inodes_total", "Number of Inodes", kGauge, Group::kDisk,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.writable_layer) {
                        s.Add({{"device", c.writable_layer->device}}, c.writable_layer->inodes);
                      }
                    }},
    ContainerFamily{"berth_container_fs_usage_age_seconds",
                    "Seconds since the walk behind container_fs_usage_bytes ended.", kGauge,
                    Group::kDisk,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.writable_layer) {
                        s.Add({{"device", c.writable_layer->device}},
                              c.writable_layer->age_seconds);
                      }
                    }},
    ContainerFamily{"container_blkio_device_usage_total", "Blkio Device bytes usage", kCounter,
                    Group::kBlkio,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      for (const auto& device : c.block_devices) {
                        const std::string name = DeviceName(device);
                        const std::string major = std::to_string(device.major);
                        const std::string minor = std::to_string(device.minor);
                        if (device.read_bytes) {
                          s.Add({{"device", name},
                                 {"major", major},
                                 {"minor", minor},
                                 {"operation", "Read"}},
                                *device.read_bytes);
                        }
                        if (device.write_bytes) {
                          s.Add({{"device", name},
                                 {"major", major},
                                 {"minor", minor},
                                 {"operation", "Write"}},
                                *device.write_bytes);
                        }
                      }
                    }},
    // --- Network -----------------------------------------------------------
    ContainerFamily{"container_network_receive_bytes_total", "Cumulative count of bytes received",
                    kCounter, Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::rx_bytes);
                    }},
    ContainerFamily{"container_network_receive_packets_total",
                    "Cumulative count of packets received", kCounter, Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::rx_packets);
                    }},
    ContainerFamily{"container_network_receive_errors_total",
                    "Cumulative count of errors encountered while receiving", kCounter,
                    Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::rx_errors);
                    }},
    ContainerFamily{"container_network_receive_packets_dropped_total",
                    "Cumulative count of packets dropped while receiving", kCounter,
                    Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::rx_dropped);
                    }},
    ContainerFamily{"container_network_transmit_bytes_total",
                    "Cumulative count of bytes transmitted", kCounter, Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::tx_bytes);
                    }},
    ContainerFamily{"container_network_transmit_packets_total",
                    "Cumulative count of packets transmitted", kCounter, Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::tx_packets);
                    }},
    ContainerFamily{"container_network_transmit_errors_total",
                    "Cumulative count of errors encountered while transmitting", kCounter,
                    Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::tx_errors);
                    }},
    ContainerFamily{"container_network_transmit_packets_dropped_total",
                    "Cumulative count of packets dropped while transmitting", kCounter,
                    Group::kNetwork,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPerInterface(c, s, &NetInterfaceStats::tx_dropped);
                    }},
    // --- Pressure (PSI) ----------------------------------------------------
    ContainerFamily{"container_pressure_cpu_waiting_seconds_total",
                    "Total time duration tasks in the container have waited due to CPU "
                    "congestion.",
                    kCounter, Group::kPressure,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPressure(s, c.cpu_pressure.some);
                    }},
    ContainerFamily{"container_pressure_cpu_stalled_seconds_total",
                    "Total time duration no tasks in the container could make progress due to "
                    "CPU congestion.",
                    kCounter, Group::kPressure,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPressure(s, c.cpu_pressure.full);
                    }},
    ContainerFamily{"container_pressure_memory_waiting_seconds_total",
                    "Total time duration tasks in the container have waited due to memory "
                    "congestion.",
                    kCounter, Group::kPressure,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPressure(s, c.memory_pressure.some);
                    }},
    ContainerFamily{"container_pressure_memory_stalled_seconds_total",
                    "Total time duration no tasks in the container could make progress due to "
                    "memory congestion.",
                    kCounter, Group::kPressure,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPressure(s, c.memory_pressure.full);
                    }},
    ContainerFamily{"container_pressure_io_waiting_seconds_total",
                    "Total time duration tasks in the container have waited due to IO "
                    "congestion.",
                    kCounter, Group::kPressure,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPressure(s, c.io_pressure.some);
                    }},
    ContainerFamily{"container_pressure_io_stalled_seconds_total",
                    "Total time duration no tasks in the container could make progress due to "
                    "IO congestion.",
                    kCounter, Group::kPressure,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitPressure(s, c.io_pressure.full);
                    }},
    // --- Processes ---------------------------------------------------------
    ContainerFamily{"container_processes", "Number of processes running inside the container.",
                    kGauge, Group::kProcesses,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.pids_current);
                    }},
    ContainerFamily{"container_threads", "Number of threads running inside the container",
                    kGauge, Group::kProcesses,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      Emit(s, c.threads);
                    }},
    ContainerFamily{"container_threads_max",
                    "Maximum number of threads allowed inside the container, infinity if value "
                    "is zero",
                    kGauge, Group::kProcesses,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      EmitLimit(s, c.pids_max);
                    }},
    // --- Lifecycle ---------------------------------------------------------
    ContainerFamily{"container_start_time_seconds",
                    "Start time of the container since unix epoch in seconds.", kGauge,
                    Group::kAlways,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.identity.start_time_seconds) {
                        s.Add({}, *c.identity.start_time_seconds);
                      }
                    }},
    ContainerFamily{"container_last_seen", "Last time a container was seen by the exporter",
                    kGauge, Group::kAlways,
                    [](const ContainerStats&, const Snapshot& snapshot, SampleSink& s) {
                      const auto since_epoch = snapshot.wall_time.time_since_epoch();
                      s.Add({}, static_cast<double>(
                                    std::chrono::duration_cast<std::chrono::seconds>(since_epoch)
                                        .count()));
                    }},
    ContainerFamily{"berth_container_info",
                    "Identity of a container seen by berth (value 1), for joins.", kGauge,
                    Group::kInfo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      s.Add({{"runtime", collector::RuntimeName(c.identity.runtime)}},
                            uint64_t{1});
                    }},
    ContainerFamily{"berth_container_restarts",
                    "Restarts of the container by its restart policy (the runtime's restart "
                    "count; Docker, Podman).",
                    kGauge, Group::kInfo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (c.identity.restart_count && *c.identity.restart_count >= 0) {
                        s.Add({}, static_cast<uint64_t>(*c.identity.restart_count));
                      }
                    }},
    ContainerFamily{"berth_container_health_status",
                    "Healthcheck status of the container (value 1): starting, healthy or "
                    "unhealthy; absent without a healthcheck.",
                    kGauge, Group::kInfo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      if (!c.identity.health_status.empty()) {
                        s.Add({{"status", c.identity.health_status}}, uint64_t{1});
                      }
                    }},
    ContainerFamily{"berth_container_namespace_info",
                    "A namespace of the container (value 1): ns is its kind (net, pid, ipc, "
                    "uts, mnt, user, cgroup, time); sharing is host (the host's init is in it), "
                    "container (other containers are) or private.",
                    kGauge, Group::kInfo,
                    [](const ContainerStats& c, const Snapshot&, SampleSink& s) {
                      for (size_t k = 0; k < collector::kNamespaceKindCount; ++k) {
                        const collector::NamespaceInfo& info = c.namespaces.kinds[k];
                        if (!info.inode || info.sharing == collector::NamespaceSharing::kUnknown) {
                          continue;
                        }
                        s.Add({{"ns", collector::NamespaceKindName(
                                          static_cast<collector::NamespaceKind>(k))},
                               {"sharing", collector::NamespaceSharingName(info.sharing)}},
                              uint64_t{1});
                      }
                    }},
};

// Writes samples straight into the exposition buffer.
class TextSink : public SampleSink {
 public:
  explicit TextSink(std::string& out) : out_(out) {}
  void Begin(std::string_view family, std::string_view base_labels) {
    family_ = family;
    base_ = base_labels;
  }
  void Add(std::initializer_list<ExtraLabel> labels, double value) override {
    Head(labels);
    AppendSampleValue(out_, value);
    out_.push_back('\n');
  }
  void Add(std::initializer_list<ExtraLabel> labels, uint64_t value) override {
    Head(labels);
    AppendSampleValue(out_, value);
    out_.push_back('\n');
  }

 private:
  void Head(std::initializer_list<ExtraLabel> labels) {
    out_.append(family_);
    if (base_.empty() && labels.size() == 0) {
      out_.push_back(' ');
      return;
    }
    out_.push_back('{');
    out_.append(base_);
    bool first = base_.empty();
    for (const ExtraLabel& label : labels) {
      if (!first) out_.push_back(',');
      first = false;
      AppendLabel(out_, label.name, label.value);
    }
    out_.append("} ");
  }

  std::string& out_;
  std::string_view family_;
  std::string_view base_;
};

// Builds prometheus::ClientMetric objects (the reference model).
class FamilySink : public SampleSink {
 public:
  FamilySink(prometheus::MetricFamily& family, const LabelPairs& base)
      : family_(family), base_(base) {}
  void Add(std::initializer_list<ExtraLabel> labels, double value) override {
    prometheus::ClientMetric& metric = New(labels);
    if (family_.type == MetricType::Counter) {
      metric.counter.value = value;
    } else {
      metric.gauge.value = value;
    }
  }
  void Add(std::initializer_list<ExtraLabel> labels, uint64_t value) override {
    Add(labels, static_cast<double>(value));
  }

 private:
  prometheus::ClientMetric& New(std::initializer_list<ExtraLabel> labels) {
    prometheus::ClientMetric& metric = family_.metric.emplace_back();
    // TextSerializer writes values as given: made valid here, as
    // AppendEscapedLabelValue does for the text writer.
    for (const auto& [name, value] : base_) {
      metric.label.push_back({name, collector::ValidUtf8(value)});
    }
    for (const ExtraLabel& label : labels) {
      metric.label.push_back({std::string(label.name), collector::ValidUtf8(label.value)});
    }
    return metric;
  }

  prometheus::MetricFamily& family_;
  const LabelPairs& base_;
};

// Passes the first kMaxSeriesPerContainerFamily samples on to `inner` and
// counts the rest; Start() before each container and family.
class CappedSink : public SampleSink {
 public:
  explicit CappedSink(SampleSink& inner) : inner_(inner) {}
  void Start() { emitted_ = 0; }
  void Add(std::initializer_list<ExtraLabel> labels, double value) override {
    if (++emitted_ <= kMaxSeriesPerContainerFamily) inner_.Add(labels, value);
  }
  void Add(std::initializer_list<ExtraLabel> labels, uint64_t value) override {
    if (++emitted_ <= kMaxSeriesPerContainerFamily) inner_.Add(labels, value);
  }
  // Appends to `out` (when given) what this container and family lost.
  void Finish(size_t container, std::string_view family, std::vector<DroppedSeries>* out) const {
    if (out == nullptr || emitted_ <= kMaxSeriesPerContainerFamily) return;
    out->push_back({container, family, emitted_, emitted_ - kMaxSeriesPerContainerFamily});
  }

 private:
  SampleSink& inner_;
  uint64_t emitted_ = 0;
};

// Hands each sample to a SeriesVisitor; Begin() before each container and family.
class VisitorSink : public SampleSink {
 public:
  explicit VisitorSink(SeriesVisitor& visitor) : visitor_(visitor) {}
  void Begin(const ContainerFamily& family, size_t container) {
    family_ = &family;
    container_ = container;
  }
  void Add(std::initializer_list<ExtraLabel> labels, double value) override {
    visitor_.Sample(*family_, container_, labels, value);
  }
  void Add(std::initializer_list<ExtraLabel> labels, uint64_t value) override {
    visitor_.Sample(*family_, container_, labels, static_cast<double>(value));
  }

 private:
  SeriesVisitor& visitor_;
  const ContainerFamily* family_ = nullptr;
  size_t container_ = 0;
};

bool Enabled(const ContainerFamily& family, const FamilyOptions& options) {
  return family.group == Group::kAlways || !Contains(options.disabled, family.group);
}

}  // namespace

std::span<const ContainerFamily> ContainerFamilies() { return kFamilies; }

LabelPairs ContainerLabels(const ContainerStats& container, const FamilyOptions& options) {
  const collector::ContainerIdentity& identity = container.identity;
  LabelPairs labels;
  labels.reserve(6 + options.label_allowlist.size());
  labels.emplace_back("id", identity.cgroup_path);
  labels.emplace_back("name", identity.name);
  labels.emplace_back("image", identity.image);
  if (!identity.k8s_pod.empty() || !identity.k8s_namespace.empty()) {
    labels.emplace_back("namespace", identity.k8s_namespace);
    labels.emplace_back("pod", identity.k8s_pod);
    labels.emplace_back("container", identity.k8s_container);
  }
  std::set<std::string> seen;
  for (const std::string& key : options.label_allowlist) {
    auto it = identity.labels.find(key);
    if (it == identity.labels.end() || it->second.empty()) continue;
    std::string name = ContainerLabelName(key);
    if (!seen.insert(name).second) continue;  // two keys sanitise alike: first wins
    labels.emplace_back(std::move(name), it->second);
  }
  return labels;
}

std::vector<std::string> ContainerLabelTexts(const Snapshot& snapshot,
                                             const FamilyOptions& options) {
  std::vector<std::string> texts;
  texts.reserve(snapshot.containers.size());
  for (const ContainerStats& container : snapshot.containers) {
    std::string text;
    for (const auto& [name, value] : ContainerLabels(container, options)) {
      if (!text.empty()) text.push_back(',');
      AppendLabel(text, name, value);
    }
    texts.push_back(std::move(text));
  }
  return texts;
}

void AppendContainerFamilies(const Snapshot& snapshot, const FamilyOptions& options,
                             std::string& out, const PieceFlush& flush, size_t piece_bytes) {
  AppendContainerFamilies(snapshot, options, ContainerLabelTexts(snapshot, options), out, flush,
                          piece_bytes);
}

void AppendContainerFamilies(const Snapshot& snapshot, const FamilyOptions& options,
                             std::span<const std::string> base_labels, std::string& out,
                             const PieceFlush& flush, size_t piece_bytes,
                             std::vector<DroppedSeries>* dropped) {
  if (flush) {
    out.reserve(out.size() + piece_bytes + 16 * 1024);  // a piece + one container's samples
  } else {
    // About 55 samples per container, each its base labels plus ~70 bytes of
    // name and value.
    size_t estimate = 0;
    for (const std::string& labels : base_labels) estimate += (labels.size() + 70) * 55;
    out.reserve(out.size() + estimate);
  }
  TextSink text(out);
  CappedSink sink(text);
  for (const ContainerFamily& family : kFamilies) {
    if (!Enabled(family, options)) continue;
    size_t header_at = out.size();
    AppendFamilyHeader(out, family.name, family.help, family.type);
    size_t samples_at = out.size();
    bool handed_over = false;  // part of this family went to `flush`: it has samples
    for (size_t i = 0; i < snapshot.containers.size(); ++i) {
      text.Begin(family.name, base_labels[i]);
      sink.Start();
      family.emit(snapshot.containers[i], snapshot, sink);
      sink.Finish(i, family.name, dropped);
      if (flush && out.size() >= piece_bytes && (handed_over || out.size() > samples_at)) {
        flush(out);
        out.clear();
        handed_over = true;
        header_at = samples_at = 0;
      }
    }
    if (!handed_over && out.size() == samples_at) out.resize(header_at);  // no samples: no family
  }
}

void VisitContainerSeries(const Snapshot& snapshot, const FamilyOptions& options,
                          SeriesVisitor& visitor, std::vector<DroppedSeries>* dropped) {
  VisitorSink target(visitor);
  CappedSink sink(target);
  for (const ContainerFamily& family : kFamilies) {
    if (!Enabled(family, options)) continue;
    for (size_t i = 0; i < snapshot.containers.size(); ++i) {
      target.Begin(family, i);
      sink.Start();
      family.emit(snapshot.containers[i], snapshot, sink);
      sink.Finish(i, family.name, dropped);
    }
  }
}

std::vector<prometheus::MetricFamily> ContainerMetricFamilies(const Snapshot& snapshot,
                                                              const FamilyOptions& options) {
  std::vector<LabelPairs> labels;
  labels.reserve(snapshot.containers.size());
  for (const ContainerStats& container : snapshot.containers) {
    labels.push_back(ContainerLabels(container, options));
  }
  std::vector<prometheus::MetricFamily> families;
  for (const ContainerFamily& family : kFamilies) {
    if (!Enabled(family, options)) continue;
    prometheus::MetricFamily built;
    built.name = std::string(family.name);
    built.help = std::string(family.help);
    built.type = family.type;
    for (size_t i = 0; i < snapshot.containers.size(); ++i) {
      FamilySink model(built, labels[i]);
      CappedSink sink(model);
      family.emit(snapshot.containers[i], snapshot, sink);
    }
    if (!built.metric.empty()) families.push_back(std::move(built));
  }
  return families;
}

}  // namespace berth::exporter
