#include "cli/stats_json.h"

#include <algorithm>
#include <numeric>

#include "cli/stats_rows.h"
#include "collector/rates.h"
#include "exporter/api_json.h"

namespace berth::cli {

std::string RawStatsJsonLines(const collector::Snapshot* prev, const collector::Snapshot& cur,
                              bool all, const std::vector<std::string>& containers) {
  const auto rates = collector::Rates(prev, cur);
  std::vector<nlohmann::json> objects;
  for (size_t i = 0; i < cur.containers.size(); ++i) {
    const auto& c = cur.containers[i];
    if (!NameOrIdSelected(c.identity.name, c.identity.id, containers)) continue;
    objects.push_back(exporter::ContainerJson(c, &rates[i]));
    objects.back()["running"] = true;
  }
  if (all) {
    for (const auto& identity : cur.stopped) {
      if (!NameOrIdSelected(identity.name, identity.id, containers)) continue;
      collector::ContainerStats stopped;
      stopped.identity = identity;
      objects.push_back(exporter::ContainerJson(stopped, nullptr));
      objects.back()["running"] = false;
    }
  }
  std::stable_sort(objects.begin(), objects.end(),
                   [](const nlohmann::json& a, const nlohmann::json& b) {
                     return a["name"].get_ref<const std::string&>() <
                            b["name"].get_ref<const std::string&>();
                   });
  std::string out;
  for (const auto& o : objects) {
    out += o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return out;
}

}  // namespace berth::cli
