#include "exporter/self_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>

#include "collector/build_info.h"
#include "collector/host_reader.h"
#include "collector/proc_parsers.h"
#include "collector/root_fs.h"


namespace berth::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(const char* name, const char* help, MetricType type) {
  MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  return family;
}

void AddGauge(MetricFamily& family, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric& metric = family.metric.emplace_back();
  metric.label = std::move(labels);
  metric.gauge.value = value;
}

void AddCounter(MetricFamily& family, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric& metric = family.metric.emplace_back();
  metric.label = std::move(labels);
  metric.counter.value = value;
}

std::optional<double> CountOpenFds() {
  // Linux >= 6.2 reports the count as the directory's size: one stat instead
  // of listing (and building a dentry for) each of the collector's many
  // kept descriptors.
  struct stat st;
  if (stat("/proc/self/fd", &st) == 0 && st.st_size > 0) return static_cast<double>(st.st_size);
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return static_cast<double>(count > 0 ? count - 1 : 0);  // minus the DIR's own fd
}

}  // namespace

std::vector<MetricFamily> BerthFamilies(const collector::Snapshot& snapshot,
                                        const collector::ErrorCounts& error_totals,
                                        std::span<const DroppedSeries> dropped) {
  std::vector<MetricFamily> families;
  MetricFamily build = Family("berth_build_info",
                              "A metric with a constant '1' value labeled by version and "
                              "revision from which berth was built.",
                              MetricType::Gauge);
  AddGauge(build, 1, {{"revision", BuildRevision()}, {"version", BuildVersion()}});
  families.push_back(std::move(build));

  MetricFamily duration = Family("berth_collector_duration_seconds",
                                 "Duration of the last collection of container statistics.",
                                 MetricType::Gauge);
  AddGauge(duration, std::chrono::duration<double>(snapshot.collect_duration).count());
  families.push_back(std::move(duration));

  MetricFamily errors = Family("berth_collector_errors_total",
                               "Errors met while collecting (unreadable or malformed files, "
                               "failed metadata lookups), by source.",
                               MetricType::Counter);
  for (const auto& [source, count] : error_totals) {
    AddCounter(errors, static_cast<double>(count), {{"source", source}});
  }
  families.push_back(std::move(errors));

  MetricFamily containers =
      Family("berth_containers", "Containers seen in the last collection.", MetricType::Gauge);
  AddGauge(containers, static_cast<double>(snapshot.containers.size()));
  families.push_back(std::move(containers));

  std::map<std::string_view, uint64_t> dropped_by_family;
  for (const DroppedSeries& d : dropped) dropped_by_family[d.family] += d.dropped;
  if (!dropped_by_family.empty()) {
    static_assert(kMaxSeriesPerContainerFamily == 1024, "the help text names the cap");
    MetricFamily capped = Family("berth_series_dropped",
                                 "Series of a container family left out of this page because a "
                                 "container had more than 1024 of them, summed over containers.",
                                 MetricType::Gauge);
    for (const auto& [family, count] : dropped_by_family) {
      AddGauge(capped, static_cast<double>(count), {{"family", std::string(family)}});
    }
    families.push_back(std::move(capped));
  }
  return families;
}

std::vector<MetricFamily> MachineFamilies(const collector::HostFacts& host) {
  std::vector<MetricFamily> families;
  if (host.online_cpus) {
    MetricFamily cores =
        Family("machine_cpu_cores", "Number of logical CPU cores.", MetricType::Gauge);
    AddGauge(cores, *host.online_cpus);
    families.push_back(std::move(cores));
  }
  if (host.mem_total_bytes) {
    MetricFamily memory = Family("machine_memory_bytes",
                                 "Amount of memory installed on the machine.", MetricType::Gauge);
    AddGauge(memory, static_cast<double>(*host.mem_total_bytes));
    families.push_back(std::move(memory));
  }
  return families;
}

std::vector<MetricFamily> ProcessCollector::Collect() const {
  std::vector<MetricFamily> families;
  const auto stat_text = collector::ReadWholeFile("/proc/self/stat");
  const std::optional<collector::ProcPidStat> stat =
      stat_text ? collector::ParseProcPidStat(*stat_text) : std::nullopt;
  const uint64_t user_hz = collector::UserHz();
  const double ticks = static_cast<double>(user_hz);
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (stat) {
    MetricFamily cpu = Family("process_cpu_seconds_total",
                              "Total user and system CPU time spent in seconds.",
                              MetricType::Counter);
    AddCounter(cpu, static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks);
    families.push_back(std::move(cpu));
  }
  if (auto fds = CountOpenFds()) {
    MetricFamily open =
        Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge);
    AddGauge(open, *fds);
    families.push_back(std::move(open));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    MetricFamily max =
        Family("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge);
    AddGauge(max, limit.rlim_cur == RLIM_INFINITY ? 0.0 : static_cast<double>(limit.rlim_cur));
    families.push_back(std::move(max));
  }
  if (stat) {
    MetricFamily virt = Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                               MetricType::Gauge);
    AddGauge(virt, static_cast<double>(stat->vsize_bytes));
    families.push_back(std::move(virt));
    MetricFamily rss = Family("process_resident_memory_bytes",
                              "Resident memory size in bytes.", MetricType::Gauge);
    AddGauge(rss, static_cast<double>(stat->rss_pages) * page_size);
    families.push_back(std::move(rss));
    const auto proc_stat = collector::ReadWholeFile("/proc/stat");
    const auto host_stat =
        proc_stat ? collector::ParseProcStat(*proc_stat, user_hz) : std::nullopt;
    if (const auto boot = host_stat ? host_stat->boot_time_seconds : std::nullopt) {
      MetricFamily start = Family("process_start_time_seconds",
                                  "Start time of the process since unix epoch in seconds.",
                                  MetricType::Gauge);
      AddGauge(start, *boot +
                          static_cast<double>(stat->start_time_ticks) / ticks);
      families.push_back(std::move(start));
    }
  }
  return families;
}

}  // namespace berth::exporter
