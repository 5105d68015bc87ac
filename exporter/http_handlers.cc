#include "exporter/http_handlers.h"

#include <nlohmann/json.hpp>

#include "exporter/api_json.h"
#include "exporter/metrics_page.h"

namespace berth::exporter {
namespace {

constexpr std::string_view kContainersPath = "/api/v1/containers";
constexpr char kJsonType[] = "application/json";

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

HttpReply Json(int status, const nlohmann::json& body) {
  return HttpReply{status, kJsonType,
                   body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"};
}

}  // namespace

HttpHandlers::HttpHandlers(SharedCollection& collection, FamilyOptions families,
                           std::string telemetry_path)
    : collection_(collection),
      families_(std::move(families)),
      telemetry_path_(std::move(telemetry_path)) {}

HttpReply HttpHandlers::Route(std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") {
    return HttpReply{405, "text/plain; charset=utf-8", "method not allowed\n"};
  }
  if (path == telemetry_path_) return Metrics();
  if (path == "/") return Landing();
  if (path == "/healthz") return Health();
  if (path == kContainersPath || path == std::string(kContainersPath) + "/") return Containers();
  if (path.size() > kContainersPath.size() + 1 && path.substr(0, kContainersPath.size()) == kContainersPath &&
      path[kContainersPath.size()] == '/') {
    return Container(path.substr(kContainersPath.size() + 1));
  }
  return HttpReply{404, "text/plain; charset=utf-8", "404 page not found\n"};
}

HttpReply HttpHandlers::Metrics() {
  const SharedCollection::Result result = collection_.Get();
  HttpReply reply{200, kMetricsContentType, ""};
  reply.page = std::make_shared<const MetricsPage>(result.current, result.error_totals, families_,
                                                   page_buffers_);
  dropped_log_.Note(*result.current, reply.page->dropped());
  return reply;
}

HttpReply HttpHandlers::Landing() const {
  const std::string metrics = HtmlEscape(telemetry_path_);
  std::string body =
      "<!DOCTYPE html>\n<html>\n<head><title>berth</title></head>\n<body>\n"
      "<h1>berth</h1>\n<p>Container resource monitor and Prometheus exporter.</p>\n<ul>\n"
      "<li><a href=\"" +
      metrics + "\">" + metrics +
      "</a> &mdash; Prometheus metrics (cAdvisor-compatible names)</li>\n"
      "<li><a href=\"/api/v1/containers\">/api/v1/containers</a> &mdash; containers as JSON "
      "(schema berth.containers.v1)</li>\n"
      "<li><a href=\"/healthz\">/healthz</a> &mdash; health check</li>\n"
      "</ul>\n</body>\n</html>\n";
  return HttpReply{200, "text/html; charset=utf-8", std::move(body)};
}

HttpReply HttpHandlers::Health() const {
  return HttpReply{200, "text/plain; charset=utf-8", "ok\n"};
}

HttpReply HttpHandlers::Containers() {
  const SharedCollection::Result result = collection_.Get();
  return Json(200, ContainersJson(*result.current, result.previous.get()));
}

HttpReply HttpHandlers::Container(std::string_view id_or_name) {
  const SharedCollection::Result result = collection_.Get();
  const collector::ContainerStats* container = result.current->Find(id_or_name);
  if (container == nullptr) {
    return Json(404, {{"error", "no container matches \"" + std::string(id_or_name) + "\""}});
  }
  const std::vector<collector::ContainerRates> rates =
      collector::Rates(result.previous.get(), *result.current);
  const size_t index = static_cast<size_t>(container - result.current->containers.data());
  return Json(200, ContainerJson(*container, index < rates.size() ? &rates[index] : nullptr));
}

}  // namespace berth::exporter
