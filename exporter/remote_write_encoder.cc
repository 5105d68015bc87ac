#include "exporter/remote_write_encoder.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>

#include "collector/utf8_text.h"
#include "exporter/metrics_page.h"

namespace berth::exporter {
namespace {

using Label = WriteLabel;

// Protobuf wire format: varints, tags, length-delimited fields.
size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// A length-delimited field of field number `field` (all of ours are < 16: one tag byte).
void PutBytes(std::string& out, int field, std::string_view bytes) {
  out.push_back(static_cast<char>((field << 3) | 2));
  PutVarint(out, bytes.size());
  out.append(bytes);
}

size_t BytesFieldSize(size_t length) { return 1 + VarintSize(length) + length; }

size_t LabelSize(const Label& label) {
  return BytesFieldSize(label.first.size()) + BytesFieldSize(label.second.size());
}

size_t SampleSize(int64_t timestamp_ms) {
  return 1 + 8 + 1 + VarintSize(static_cast<uint64_t>(timestamp_ms));
}

void SortLabels(std::vector<Label>& labels) {
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.first < b.first; });
}

// Appends one TimeSeries (field 1 of WriteRequest) with `labels` (sorted)
// and one sample.
void PutSeries(std::string& out, std::span<const Label> labels, double value,
               int64_t timestamp_ms) {
  size_t series_size = 0;
  for (const Label& label : labels) series_size += BytesFieldSize(LabelSize(label));
  const size_t sample_size = SampleSize(timestamp_ms);
  series_size += BytesFieldSize(sample_size);

  out.push_back(static_cast<char>((1 << 3) | 2));  // WriteRequest.timeseries
  PutVarint(out, series_size);
  for (const Label& label : labels) {
    out.push_back(static_cast<char>((1 << 3) | 2));  // TimeSeries.labels
    PutVarint(out, LabelSize(label));
    PutBytes(out, 1, label.first);   // Label.name
    PutBytes(out, 2, label.second);  // Label.value
  }
  out.push_back(static_cast<char>((2 << 3) | 2));  // TimeSeries.samples
  PutVarint(out, sample_size);
  out.push_back(static_cast<char>((1 << 3) | 1));  // Sample.value, fixed64
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  out.push_back(static_cast<char>((2 << 3) | 0));  // Sample.timestamp, varint
  PutVarint(out, static_cast<uint64_t>(timestamp_ms));
}

// Adds the external labels the series does not carry itself.
void AddExternal(std::vector<Label>& labels, size_t own, const LabelPairs& external) {
  for (const auto& [name, value] : external) {
    bool carried = false;
    for (size_t i = 0; i < own && !carried; ++i) carried = labels[i].first == name;
    if (!carried) labels.emplace_back(name, value);
  }
}

// Container samples into the request; each container's labels made valid once.
class EncodingVisitor : public SeriesVisitor {
 public:
  EncodingVisitor(const collector::Snapshot& snapshot, const FamilyOptions& options,
                  const LabelPairs& external, const WriteSeriesFn& write)
      : external_(external), write_(write) {
    base_.reserve(snapshot.containers.size());
    for (const auto& container : snapshot.containers) {
      LabelPairs labels = ContainerLabels(container, options);
      for (auto& [name, value] : labels) {
        if (!collector::IsValidUtf8(value)) value = collector::ValidUtf8(value);
      }
      base_.push_back(std::move(labels));
    }
  }
  void Sample(const ContainerFamily& family, size_t container,
              std::initializer_list<ExtraLabel> extra, double value) override {
    labels_.clear();
    storage_.clear();
    storage_.reserve(extra.size());  // views into it stay put
    labels_.emplace_back("__name__", family.name);
    for (const auto& [name, label_value] : base_[container]) labels_.emplace_back(name, label_value);
    for (const ExtraLabel& label : extra) {
      storage_.emplace_back();
      labels_.emplace_back(label.name, collector::ValidUtf8View(label.value, storage_.back()));
    }
    AddExternal(labels_, labels_.size(), external_);
    SortLabels(labels_);
    write_(labels_, value);
    ++series_;
  }
  uint64_t series() const { return series_; }

 private:
  const LabelPairs& external_;
  const WriteSeriesFn& write_;
  std::vector<LabelPairs> base_;
  std::vector<Label> labels_;
  std::vector<std::string> storage_;
  uint64_t series_ = 0;
};

}  // namespace

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

uint64_t VisitFamilySeries(std::span<const prometheus::MetricFamily> families,
                           const LabelPairs& external_labels, const WriteSeriesFn& write) {
  uint64_t series = 0;
  std::vector<Label> labels;
  std::vector<std::string> values;
  for (const prometheus::MetricFamily& family : families) {
    for (const prometheus::ClientMetric& metric : family.metric) {
      double value;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          value = metric.counter.value;
          break;
        case prometheus::MetricType::Gauge:
          value = metric.gauge.value;
          break;
        case prometheus::MetricType::Untyped:
          value = metric.untyped.value;
          break;
        default:
          continue;  // summary, histogram: berth has none
      }
      // The page makes these valid as a whole (AppendSerialized): here each value.
      values.clear();
      values.reserve(metric.label.size());
      labels.clear();
      labels.emplace_back("__name__", family.name);
      for (const auto& label : metric.label) {
        values.push_back(collector::ValidUtf8(label.value));
        labels.emplace_back(label.name, values.back());
      }
      AddExternal(labels, labels.size(), external_labels);
      SortLabels(labels);
      write(labels, value);
      ++series;
    }
  }
  return series;
}

WriteRequestStats AppendFamilySeries(std::span<const prometheus::MetricFamily> families,
                                     const LabelPairs& external_labels, int64_t timestamp_ms,
                                     std::string& out) {
  return {VisitFamilySeries(families, external_labels,
                            [&](std::span<const Label> labels, double value) {
                              PutSeries(out, labels, value, timestamp_ms);
                            })};
}

int64_t TimestampMs(const collector::Snapshot& snapshot) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             snapshot.wall_time.time_since_epoch())
      .count();
}

uint64_t VisitWriteSeries(const collector::Snapshot& snapshot,
                          const collector::ErrorCounts& error_totals,
                          const FamilyOptions& options, const LabelPairs& external_labels,
                          const WriteSeriesFn& write) {
  // The container part first: it learns what the series cap drops, which
  // berth_series_dropped reports. (Series order means nothing to a receiver.)
  std::vector<DroppedSeries> dropped;
  EncodingVisitor visitor(snapshot, options, external_labels, write);
  VisitContainerSeries(snapshot, options, visitor, &dropped);
  uint64_t series = visitor.series();
  const SelfFamilies self = PageSelfFamilies(snapshot, error_totals, options, dropped);
  series += VisitFamilySeries(self.head, external_labels, write);
  series += VisitFamilySeries(self.tail, external_labels, write);
  return series;
}

WriteRequestStats EncodeWriteRequest(const collector::Snapshot& snapshot,
                                     const collector::ErrorCounts& error_totals,
                                     const FamilyOptions& options,
                                     const LabelPairs& external_labels, std::string& out) {
  out.clear();
  const int64_t timestamp_ms = TimestampMs(snapshot);
  return {VisitWriteSeries(snapshot, error_totals, options, external_labels,
                           [&](std::span<const Label> labels, double value) {
                             PutSeries(out, labels, value, timestamp_ms);
                           })};
}

}  // namespace berth::exporter
