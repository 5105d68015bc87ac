#include "exporter/metrics_page.h"

#include <mutex>
#include <sstream>
#include <vector>

#include <prometheus/text_serializer.h>

#include "collector/utf8_text.h"
#include "exporter/self_metrics.h"

namespace berth::exporter {
namespace {

void AppendSerialized(const std::vector<prometheus::MetricFamily>& families, std::string& out) {
  if (families.empty()) return;
  std::ostringstream stream;
  prometheus::TextSerializer().Serialize(stream, families);
  // Label values from outside (an error source) reach here too: made valid.
  collector::AppendValidUtf8(out, stream.str());
}

// One buffer of `pool` for the life of this object (a fresh one when the
// pool has none free), handed back to it afterwards.
class PieceBuffer {
 public:
  explicit PieceBuffer(PieceBufferPool& pool) : pool_(pool), buffer_(pool.Take()) {}
  ~PieceBuffer() { pool_.Give(std::move(buffer_)); }
  PieceBuffer(const PieceBuffer&) = delete;
  PieceBuffer& operator=(const PieceBuffer&) = delete;
  std::string& get() { return buffer_; }

 private:
  PieceBufferPool& pool_;
  std::string buffer_;
};

}  // namespace

std::string PieceBufferPool::Take() {
  std::string buffer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      buffer = std::move(free_.back());
      free_.pop_back();
    }
  }
  buffer.clear();
  return buffer;
}

void PieceBufferPool::Give(std::string buffer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() < kKeptBuffers) free_.push_back(std::move(buffer));
}

MetricsPage::MetricsPage(collector::SnapshotPtr snapshot,
                         const collector::ErrorCounts& error_totals, FamilyOptions options,
                         std::shared_ptr<PieceBufferPool> buffers)
    : snapshot_(std::move(snapshot)),
      options_(std::move(options)),
      buffers_(buffers ? std::move(buffers) : std::make_shared<PieceBufferPool>()) {
  labels_ = ContainerLabelTexts(*snapshot_, options_);
  size_t containers = 0;
  PieceBuffer piece_buffer(*buffers_);
  std::string& buffer = piece_buffer.get();
  // The counting pass also learns what the series cap drops, which the head reports.
  AppendContainerFamilies(
      *snapshot_, options_, labels_, buffer,
      [&](std::string& piece) { containers += piece.size(); }, kPieceBytes, &dropped_);
  const SelfFamilies self = PageSelfFamilies(*snapshot_, error_totals, options_, dropped_);
  AppendSerialized(self.head, head_);
  AppendSerialized(self.tail, tail_);
  size_ = head_.size() + containers + buffer.size() + tail_.size();
}

bool MetricsPage::Write(const Writer& write) const {
  if (!head_.empty() && !write(head_)) return false;
  bool ok = true;
  PieceBuffer piece_buffer(*buffers_);
  std::string& buffer = piece_buffer.get();
  AppendContainerFamilies(
      *snapshot_, options_, labels_, buffer,
      [&](std::string& piece) {
        if (ok) ok = write(piece);
      },
      kPieceBytes);
  if (!ok) return false;
  if (!buffer.empty() && !write(buffer)) return false;
  return tail_.empty() || write(tail_);
}

std::string MetricsPage::Text() const {
  std::string out;
  out.reserve(size_);
  Write([&](std::string_view piece) {
    out.append(piece);
    return true;
  });
  return out;
}

SelfFamilies PageSelfFamilies(const collector::Snapshot& snapshot,
                              const collector::ErrorCounts& error_totals,
                              const FamilyOptions& options,
                              std::span<const DroppedSeries> dropped) {
  SelfFamilies self;
  self.head = BerthFamilies(snapshot, error_totals, dropped);
  if (options.extra_self_families) {
    for (auto& family : options.extra_self_families()) self.head.push_back(std::move(family));
  }
  if (!Contains(options.disabled, Group::kMachine)) self.tail = MachineFamilies(snapshot.host);
  if (!Contains(options.disabled, Group::kProcess)) {
    for (auto& family : ProcessCollector().Collect()) self.tail.push_back(std::move(family));
  }
  return self;
}

std::string RenderMetricsPage(const collector::Snapshot& snapshot,
                              const collector::ErrorCounts& error_totals,
                              const FamilyOptions& options) {
  // Not owned: the page lives only for this call.
  const collector::SnapshotPtr unowned(collector::SnapshotPtr(), &snapshot);
  return MetricsPage(unowned, error_totals, options).Text();
}

}  // namespace berth::exporter
