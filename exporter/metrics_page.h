// The /metrics body: berth_* self metrics, the container_* families (written
// straight into a buffer), machine_* and process_* — in that order, as
// Prometheus text format 0.0.4 without timestamps.
//
// MetricsPage is one page for one snapshot, written in pieces of about
// kPieceBytes from one reused buffer, so a scrape of thousands of containers
// never holds (or page-faults in) the whole text; its size() is known before
// the first byte is written (a counting pass), so the response keeps an
// exact Content-Length. The small parts (self, machine and process metrics)
// are rendered once, when the page is made; the container part is rendered
// by each pass from the snapshot, identically (it is a pure function).
//
// The piece buffers come from a PieceBufferPool, which keeps them between
// pages so their memory is not faulted in again on every scrape: the server's
// handlers own one for all their pages; a page made without one has its own.
//
// Thread-safety: a const MetricsPage may be written from several threads at
// once; a PieceBufferPool may be shared by any number of pages and threads.
// The process_* group reads /proc/self when the page is made.
#ifndef BERTH_EXPORTER_METRICS_PAGE_H_
#define BERTH_EXPORTER_METRICS_PAGE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collector/snapshot.h"
#include "exporter/container_families.h"

namespace berth::exporter {

inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Render buffers kept between pages: as many as pages were ever written at
// once (one, with one Prometheus), at most kKeptBuffers.
class PieceBufferPool {
 public:
  static constexpr size_t kKeptBuffers = 2;
  // A kept buffer (emptied, its capacity kept) or a new one.
  std::string Take();
  // Keeps `buffer` for a later Take() unless kKeptBuffers are kept already.
  void Give(std::string buffer);

 private:
  std::mutex mu_;
  std::vector<std::string> free_;
};

class MetricsPage {
 public:
  static constexpr size_t kPieceBytes = 256 * 1024;
  // Returns false to stop writing (the client went away).
  using Writer = std::function<bool(std::string_view piece)>;

  // `buffers` null: the page keeps its own pool (its two passes share a buffer).
  MetricsPage(collector::SnapshotPtr snapshot, const collector::ErrorCounts& error_totals,
              FamilyOptions options, std::shared_ptr<PieceBufferPool> buffers = nullptr);

  size_t size() const { return size_; }
  // Hands the page to `write` in order; false when `write` refused a piece.
  bool Write(const Writer& write) const;
  // The whole page as one string (tests, small pages).
  std::string Text() const;
  // What the per-container series cap left out of this page.
  const std::vector<DroppedSeries>& dropped() const { return dropped_; }

 private:
  collector::SnapshotPtr snapshot_;
  FamilyOptions options_;
  std::shared_ptr<PieceBufferPool> buffers_;
  std::string head_;  // berth_* families
  std::string tail_;  // machine_* and process_* families
  std::vector<std::string> labels_;  // each container's label text, made once
  std::vector<DroppedSeries> dropped_;
  size_t size_ = 0;
};

// The families around a page's container part: `head` the berth_* ones
// (BerthFamilies with `dropped`, then options.extra_self_families), `tail`
// machine_* and process_* unless their groups are off. /metrics and
// remote_write (remote_write_encoder.h) both take them from here.
struct SelfFamilies {
  std::vector<prometheus::MetricFamily> head;
  std::vector<prometheus::MetricFamily> tail;
};
SelfFamilies PageSelfFamilies(const collector::Snapshot& snapshot,
                              const collector::ErrorCounts& error_totals,
                              const FamilyOptions& options,
                              std::span<const DroppedSeries> dropped);

// The whole page for `snapshot` at once.
std::string RenderMetricsPage(const collector::Snapshot& snapshot,
                              const collector::ErrorCounts& error_totals,
                              const FamilyOptions& options);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_METRICS_PAGE_H_
