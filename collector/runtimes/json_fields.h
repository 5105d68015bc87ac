// Tolerant field access on runtime API responses (nlohmann::json), shared by
// the Docker, Podman and CRI-O parsers: a missing or mistyped member reads as
// empty, never throws. Pure, thread-safe.
#ifndef BERTH_COLLECTOR_JSON_FIELDS_H_
#define BERTH_COLLECTOR_JSON_FIELDS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace berth::collector {

// Parses without exceptions; a discarded value means "not JSON".
inline nlohmann::json ParseJsonBody(std::string_view body) {
  return nlohmann::json::parse(body.begin(), body.end(), /*cb=*/nullptr,
                               /*allow_exceptions=*/false);
}

// The member `key` when it is a string, else "".
inline std::string JsonStringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_JSON_FIELDS_H_
