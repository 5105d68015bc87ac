#include "collector/runtimes/podman_parsers.h"

#include <nlohmann/json.hpp>

#include "collector/runtimes/json_fields.h"

namespace berth::collector {
using nlohmann::json;

std::optional<std::vector<PodmanContainer>> ParsePodmanContainerList(std::string_view body) {
  json doc = ParseJsonBody(body);
  if (!doc.is_array()) return std::nullopt;
  std::vector<PodmanContainer> out;
  for (const json& entry : doc) {
    if (!entry.is_object()) continue;
    PodmanContainer c;
    c.id = JsonStringField(entry, "Id");
    if (c.id.empty()) continue;
    if (auto names = entry.find("Names"); names != entry.end() && names->is_array()) {
      for (const json& n : *names) {
        if (n.is_string()) {
          c.name = n.get<std::string>();
          break;
        }
      }
    }
    c.image = JsonStringField(entry, "Image");
    if (auto labels = entry.find("Labels"); labels != entry.end() && labels->is_object()) {
      for (const auto& [key, value] : labels->items()) {
        if (value.is_string()) c.labels.emplace(key, value.get<std::string>());
      }
    }
    c.state = JsonStringField(entry, "State");
    if (auto started = entry.find("StartedAt");
        started != entry.end() && started->is_number_integer() && started->get<int64_t>() > 0) {
      c.started_at_seconds = static_cast<double>(started->get<int64_t>());
    }
    if (auto infra = entry.find("IsInfra"); infra != entry.end() && infra->is_boolean()) {
      c.is_infra = infra->get<bool>();
    }
    c.pod_name = JsonStringField(entry, "PodName");
    if (auto restarts = entry.find("Restarts");
        restarts != entry.end() && restarts->is_number_integer()) {
      c.restart_count = restarts->get<int64_t>();
    }
    out.push_back(std::move(c));
  }
  return out;
}


}  // namespace berth::collector
