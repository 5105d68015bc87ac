#include "exporter/dropped_series_log.h"

#include <spdlog/spdlog.h>

namespace berth::exporter {

void DroppedSeriesLog::Note(const collector::Snapshot& snapshot,
                            std::span<const DroppedSeries> dropped) {
  std::set<std::pair<std::string, std::string_view>> now;
  std::lock_guard<std::mutex> lock(mu_);
  for (const DroppedSeries& d : dropped) {
    if (d.container >= snapshot.containers.size()) continue;
    const collector::ContainerIdentity& identity = snapshot.containers[d.container].identity;
    auto key = std::make_pair(identity.id, d.family);
    if (!logged_.count(key)) {
      spdlog::warn(
          "container {} ({}): {} has {} series, over the cap of {} per container; "
          "the last {} are left out (berth_series_dropped)",
          identity.name.empty() ? identity.id : identity.name, identity.cgroup_path, d.family,
          d.emitted, kMaxSeriesPerContainerFamily, d.dropped);
    }
    now.insert(std::move(key));
  }
  logged_ = std::move(now);
}

}  // namespace berth::exporter
