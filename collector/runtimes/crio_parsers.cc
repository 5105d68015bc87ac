#include "collector/runtimes/crio_parsers.h"

#include <nlohmann/json.hpp>

#include "collector/runtimes/json_fields.h"

#include "collector/runtimes/kubelet_log_names.h"

namespace berth::collector {
namespace {

using nlohmann::json;

std::map<std::string, std::string> StringMap(const json& object, const char* key) {
  std::map<std::string, std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) out.emplace(k, v.get<std::string>());
  }
  return out;
}

std::string Get(const std::map<std::string, std::string>& map, const char* key) {
  auto it = map.find(key);
  return it == map.end() ? std::string() : it->second;
}

}  // namespace

std::optional<CrioContainerInfo> ParseCrioContainerInfo(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  CrioContainerInfo info;
  info.name = JsonStringField(doc, "name");
  info.image = JsonStringField(doc, "image");
  info.labels = StringMap(doc, "labels");
  if (auto it = doc.find("created_time"); it != doc.end() && it->is_number_integer() &&
                                          it->get<int64_t>() > 0) {
    info.created_seconds = static_cast<double>(it->get<int64_t>()) / 1e9;
  }
  info.sandbox_id = JsonStringField(doc, "sandbox");
  info.k8s_namespace = Get(info.labels, "io.kubernetes.pod.namespace");
  info.k8s_pod = Get(info.labels, "io.kubernetes.pod.name");
  info.k8s_container = Get(info.labels, "io.kubernetes.container.name");
  info.pod_uid = Get(info.labels, "io.kubernetes.pod.uid");
  const auto annotations = StringMap(doc, "annotations");
  info.is_sandbox = info.k8s_container == kSandboxContainerName ||
                    Get(annotations, "io.kubernetes.cri-o.ContainerType") == "sandbox";
  if (info.is_sandbox && info.k8s_container.empty() && !info.k8s_pod.empty()) {
    info.k8s_container = std::string(kSandboxContainerName);
  }
  return info;
}

}  // namespace berth::collector
