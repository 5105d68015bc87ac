#include "collector/runtimes/docker_parsers.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "collector/runtimes/json_fields.h"

#include "collector/parse_util.h"

namespace berth::collector {
namespace {

using nlohmann::json;

const json* ObjectField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return nullptr;
  return &*it;
}

std::optional<int64_t> IntField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// The string-valued members of an object (others skipped).
std::map<std::string, std::string> StringMap(const json& object) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : object.items()) {
    if (value.is_string()) out.emplace(key, value.get<std::string>());
  }
  return out;
}

std::string PrimaryName(const json& summary) {
  auto it = summary.find("Names");
  if (it == summary.end() || !it->is_array()) return {};
  std::string first;
  for (const json& name : *it) {
    if (!name.is_string()) continue;
    std::string_view view = name.get_ref<const std::string&>();
    if (!view.empty() && view.front() == '/') view.remove_prefix(1);
    if (view.empty()) continue;
    if (view.find('/') == std::string_view::npos) return std::string(view);
    if (first.empty()) first = std::string(view);
  }
  return first;
}

// Consumes exactly `digits` decimal digits from the front of *s.
bool TakeDigits(std::string_view* s, size_t digits, int* out) {
  if (s->size() < digits) return false;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = (*s)[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  s->remove_prefix(digits);
  *out = value;
  return true;
}

bool TakeChar(std::string_view* s, char c) {
  if (s->empty() || s->front() != c) return false;
  s->remove_prefix(1);
  return true;
}

}  // namespace

std::string ApiVersion::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<ApiVersion> ParseApiVersion(std::string_view text) {
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  uint64_t major = 0, minor = 0;
  if (!parse::ToU64(text.substr(0, dot), &major) ||
      !parse::ToU64(text.substr(dot + 1), &minor) || major > 1000 || minor > 1000) {
    return std::nullopt;
  }
  return ApiVersion{static_cast<int>(major), static_cast<int>(minor)};
}

std::optional<DockerVersionInfo> ParseDockerVersion(std::string_view body) {
  json doc = ParseJsonBody(body);
  if (!doc.is_object()) return std::nullopt;
  auto api = ParseApiVersion(JsonStringField(doc, "ApiVersion"));
  if (!api) return std::nullopt;
  DockerVersionInfo info;
  info.api_version = *api;
  info.min_api_version = ParseApiVersion(JsonStringField(doc, "MinAPIVersion"));
  info.engine_version = JsonStringField(doc, "Version");
  if (auto components = doc.find("Components");
      components != doc.end() && components->is_array()) {
    for (const json& component : *components) {
      if (component.is_object() && JsonStringField(component, "Name") == "Podman Engine") {
        info.podman = true;
      }
    }
  }
  return info;
}

std::optional<std::vector<DockerContainerSummary>> ParseDockerContainerList(
    std::string_view body) {
  json doc = ParseJsonBody(body);
  if (!doc.is_array()) return std::nullopt;
  std::vector<DockerContainerSummary> out;
  out.reserve(doc.size());
  for (const json& entry : doc) {
    if (!entry.is_object()) continue;
    DockerContainerSummary summary;
    summary.id = JsonStringField(entry, "Id");
    if (summary.id.empty()) continue;
    summary.name = PrimaryName(entry);
    summary.image = JsonStringField(entry, "Image");
    summary.created_seconds = IntField(entry, "Created");
    summary.state = JsonStringField(entry, "State");
    if (const json* labels = ObjectField(entry, "Labels")) summary.labels = StringMap(*labels);
    out.push_back(std::move(summary));
  }
  return out;
}

std::optional<DockerContainerDetails> ParseDockerContainerInspect(std::string_view body) {
  json doc = ParseJsonBody(body);
  if (!doc.is_object()) return std::nullopt;
  DockerContainerDetails details;
  details.id = JsonStringField(doc, "Id");
  if (details.id.empty()) return std::nullopt;
  details.restart_count = IntField(doc, "RestartCount");
  details.name = JsonStringField(doc, "Name");
  if (!details.name.empty() && details.name.front() == '/') details.name.erase(0, 1);
  if (const json* config = ObjectField(doc, "Config")) {
    details.image = JsonStringField(*config, "Image");
    if (const json* labels = ObjectField(*config, "Labels")) details.labels = StringMap(*labels);
  }
  if (const json* state = ObjectField(doc, "State")) {
    details.state = JsonStringField(*state, "Status");
    details.started_at_seconds = ParseDockerTimestamp(JsonStringField(*state, "StartedAt"));
    if (const json* health = ObjectField(*state, "Health")) {
      details.health_status = JsonStringField(*health, "Status");
    }
  }
  if (const json* driver = ObjectField(doc, "GraphDriver")) {
    details.graph_driver = JsonStringField(*driver, "Name");
    if (const json* data = ObjectField(*driver, "Data")) {
      details.upper_dir = JsonStringField(*data, "UpperDir");
    }
  }
  details.resolv_conf_path = JsonStringField(doc, "ResolvConfPath");
  return details;
}

namespace {

// An absolute path with no "." or ".." component and no NUL.
bool CleanAbsolutePath(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string_view::npos) {
    return false;
  }
  size_t at = 1;
  while (at <= path.size()) {
    size_t next = path.find('/', at);
    if (next == std::string_view::npos) next = path.size();
    std::string_view part = path.substr(at, next - at);
    if (part == "." || part == "..") return false;
    at = next + 1;
  }
  return true;
}

bool PlainName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace

std::string DockerWritableLayer(const DockerContainerDetails& details, ReadMountId read_mount_id,
                                const void* context) {
  const std::string& driver = details.graph_driver;
  if (driver == "overlay2" || driver == "overlay" || driver == "fuse-overlayfs") {
    return CleanAbsolutePath(details.upper_dir) ? details.upper_dir : std::string();
  }
  const char* layer_dir = driver == "vfs" ? "dir" : driver == "btrfs" ? "subvolumes" : nullptr;
  if (layer_dir == nullptr || !PlainName(details.id)) return {};
  const std::string suffix = "/containers/" + details.id + "/resolv.conf";
  const std::string& resolv = details.resolv_conf_path;
  if (resolv.size() <= suffix.size() || !resolv.ends_with(suffix)) return {};
  const std::string root = resolv.substr(0, resolv.size() - suffix.size());
  if (!CleanAbsolutePath(root) || read_mount_id == nullptr) return {};
  auto mount_id = read_mount_id(root + "/image/" + driver + "/layerdb/mounts/" + details.id +
                                    "/mount-id",
                                context);
  if (!mount_id) return {};
  std::string_view id = *mount_id;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.remove_suffix(1);
  if (!PlainName(id)) return {};
  return root + "/" + driver + "/" + layer_dir + "/" + std::string(id);
}

std::optional<DockerEvent> ParseDockerEvent(std::string_view line) {
  json doc = ParseJsonBody(line);
  if (!doc.is_object()) return std::nullopt;
  DockerEvent event;
  event.type = JsonStringField(doc, "Type");
  event.action = JsonStringField(doc, "Action");
  if (event.action.empty()) event.action = JsonStringField(doc, "status");  // before API 1.22
  if (event.type.empty() && doc.contains("status")) event.type = "container";
  if (const json* actor = ObjectField(doc, "Actor")) {
    event.id = JsonStringField(*actor, "ID");
    if (const json* attributes = ObjectField(*actor, "Attributes")) {
      event.name = JsonStringField(*attributes, "name");
    }
  }
  if (event.id.empty()) event.id = JsonStringField(doc, "id");
  if (event.type.empty() || event.action.empty() || event.id.empty()) return std::nullopt;
  event.time_nano = IntField(doc, "timeNano");
  return event;
}

std::optional<double> ParseDockerTimestamp(std::string_view text) {
  std::string_view s = text;
  int year, month, day, hour, minute, second;
  if (!TakeDigits(&s, 4, &year) || !TakeChar(&s, '-') || !TakeDigits(&s, 2, &month) ||
      !TakeChar(&s, '-') || !TakeDigits(&s, 2, &day) || !TakeChar(&s, 'T') ||
      !TakeDigits(&s, 2, &hour) || !TakeChar(&s, ':') || !TakeDigits(&s, 2, &minute) ||
      !TakeChar(&s, ':') || !TakeDigits(&s, 2, &second)) {
    return std::nullopt;
  }
  double fraction = 0;
  if (TakeChar(&s, '.')) {
    double scale = 0.1;
    size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
      fraction += (s[n] - '0') * scale;
      scale /= 10;
      ++n;
    }
    if (n == 0) return std::nullopt;
    s.remove_prefix(n);
  }
  int offset_seconds = 0;
  if (TakeChar(&s, 'Z')) {
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    int sign = s.front() == '+' ? 1 : -1;
    s.remove_prefix(1);
    int off_hour, off_minute;
    if (!TakeDigits(&s, 2, &off_hour) || !TakeChar(&s, ':') || !TakeDigits(&s, 2, &off_minute)) {
      return std::nullopt;
    }
    offset_seconds = sign * (off_hour * 3600 + off_minute * 60);
  } else {
    return std::nullopt;
  }
  if (!s.empty() || year <= 1 || month < 1 || month > 12 || day < 1 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                                   std::chrono::day{unsigned(day)}};
  if (!date.ok()) return std::nullopt;
  int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return static_cast<double>(seconds) + fraction;
}

std::optional<std::string> ParseDockerErrorMessage(std::string_view body) {
  json doc = ParseJsonBody(body);
  if (!doc.is_object()) return std::nullopt;
  auto it = doc.find("message");
  if (it == doc.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<ApiVersion> MinimumVersionFromError(std::string_view message) {
  static constexpr std::string_view kMarker = "Minimum supported API version is ";
  size_t at = message.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + kMarker.size());
  size_t end = 0;
  while (end < rest.size() && ((rest[end] >= '0' && rest[end] <= '9') || rest[end] == '.')) {
    ++end;
  }
  std::string_view version = rest.substr(0, end);
  if (!version.empty() && version.back() == '.') version.remove_suffix(1);
  return ParseApiVersion(version);
}

}  // namespace berth::collector
