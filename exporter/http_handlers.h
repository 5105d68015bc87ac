// What each `berth serve` endpoint answers, independent of the HTTP library
// (so it is unit-tested without sockets):
//   GET <telemetry path> (default /metrics)  Prometheus text, collected now
//   GET /                                    a small HTML landing page
//   GET /healthz                             "ok"
//   GET /api/v1/containers                   JSON, see api_json.h
//   GET /api/v1/containers/{id-or-name}      JSON, or 404 JSON
// Anything else is 404 (text); methods other than GET/HEAD are 405.
// A collection that fails for one container never fails the scrape (the
// Sampler drops that container); the handlers themselves do not throw.
//
// Thread-safety: Route() may be called from any number of threads at once
// (collection is shared through SharedCollection).
#ifndef BERTH_EXPORTER_HTTP_HANDLERS_H_
#define BERTH_EXPORTER_HTTP_HANDLERS_H_

#include <memory>
#include <string>
#include <string_view>

#include "exporter/container_families.h"
#include "exporter/dropped_series_log.h"
#include "exporter/metrics_page.h"
#include "exporter/snapshot_source.h"

namespace berth::exporter {

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
  // /metrics: the page, written in pieces by the server (`body` stays empty).
  std::shared_ptr<const MetricsPage> page;

  size_t size() const { return page ? page->size() : body.size(); }
  // The whole body, page or not (tests).
  std::string Text() const { return page ? page->Text() : body; }
};

class HttpHandlers {
 public:
  // `collection` must outlive this object.
  HttpHandlers(SharedCollection& collection, FamilyOptions families, std::string telemetry_path);

  HttpReply Route(std::string_view method, std::string_view path);

  HttpReply Metrics();
  HttpReply Landing() const;
  HttpReply Health() const;
  HttpReply Containers();
  HttpReply Container(std::string_view id_or_name);

  const std::string& telemetry_path() const { return telemetry_path_; }

 private:
  SharedCollection& collection_;
  const FamilyOptions families_;
  const std::string telemetry_path_;
  // The /metrics pages' render buffers, kept between scrapes.
  const std::shared_ptr<PieceBufferPool> page_buffers_ = std::make_shared<PieceBufferPool>();
  // What the series cap left out, logged once per container and family.
  DroppedSeriesLog dropped_log_;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_HTTP_HANDLERS_H_
