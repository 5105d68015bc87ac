#include "exporter/remote_writer.h"

#include <snappy.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "exporter/remote_write_encoder.h"

namespace berth::exporter {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct RemoteWriter::Destination {
  Destination(std::string url, const RemoteWriteOptions& options)
      : client(url, options.client), label(RedactedUrl(url)), queue(options.queue_capacity) {}
  RemoteWriteClient client;
  const std::string label;
  RemoteWriteQueue queue;
  std::thread sender;
  std::atomic<uint64_t> sent_batches{0}, sent_samples{0}, failed{0}, retries{0};
};

std::string ValidateRemoteWriteOptions(const RemoteWriteOptions& options, LabelPairs* external) {
  external->clear();
  for (const std::string& url : options.urls) {
    if (std::string why = CheckRemoteWriteUrl(url); !why.empty()) return why;
  }
  for (const std::string& entry : options.labels) {
    const size_t eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    if (eq == std::string::npos || !IsValidLabelName(name)) {
      return "--remote-write.label \"" + entry +
             "\": want name=value, the name [a-zA-Z_][a-zA-Z0-9_]* not starting with __";
    }
    for (const auto& [seen, value] : *external) {
      if (seen == name) return "--remote-write.label " + name + " given twice";
    }
    if (eq + 1 == entry.size()) return "--remote-write.label " + name + ": empty value";
    external->emplace_back(name, entry.substr(eq + 1));
  }
  if (options.urls.empty()) {
    if (!options.labels.empty()) return "--remote-write.label needs --remote-write.url";
    return "";
  }
  using std::chrono::milliseconds;
  if (options.interval < milliseconds(100)) return "--remote-write.interval must be at least 100ms";
  if (options.queue_capacity < 1) return "--remote-write.queue-capacity must be at least 1";
  if (options.min_backoff < milliseconds(1) || options.max_backoff < options.min_backoff) {
    return "--remote-write.min-backoff must be at least 1ms and at most --remote-write.max-backoff";
  }
  if (options.client.timeout < milliseconds(1)) return "--remote-write.timeout must be positive";
  if (options.flush_deadline < milliseconds(0)) {
    return "--remote-write.flush-deadline must not be negative";
  }
  if (!options.client.bearer_token_file.empty() &&
      (!options.client.basic_auth_username.empty() ||
       !options.client.basic_auth_password_file.empty())) {
    return "--remote-write.bearer-token-file and --remote-write.basic-auth.* are exclusive";
  }
  if (options.client.tls_cert_file.empty() != options.client.tls_key_file.empty()) {
    return "--remote-write.tls.cert-file and --remote-write.tls.key-file go together";
  }
  return "";
}

RemoteWriter::RemoteWriter(const RemoteWriteOptions& options, LabelPairs external,
                           SharedCollection& collection, FamilyOptions families)
    : options_(options),
      external_(std::move(external)),
      collection_(collection),
      families_(std::move(families)) {
  for (const std::string& url : options_.urls) {
    destinations_.push_back(std::make_unique<Destination>(url, options_));
  }
}

RemoteWriter::~RemoteWriter() { Stop(); }

void RemoteWriter::Start() {
  if (started_ || destinations_.empty()) return;
  started_ = true;
  for (auto& destination : destinations_) {
    Destination* d = destination.get();
    d->sender = std::thread([this, d] { Send(*d); });
    spdlog::info("remote_write to {} every {} ms (queue of {} batches)", d->label,
                 options_.interval.count(), options_.queue_capacity);
  }
  ticker_ = std::thread([this] { Tick(); });
}

void RemoteWriter::Stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  ticker_.join();
  drain_deadline_ns_ = NowNs() + std::chrono::nanoseconds(options_.flush_deadline).count();
  draining_ = true;
  for (auto& destination : destinations_) destination->queue.Close();
  wake_.notify_all();
  for (auto& destination : destinations_) {
    destination->sender.join();
    if (const size_t left = destination->queue.DropAll(); left > 0) {
      spdlog::warn("remote_write to {}: {} batches not sent within the {} ms flush deadline",
                   destination->label, left, options_.flush_deadline.count());
    }
  }
}

bool RemoteWriter::PastDrainDeadline() const {
  return draining_ && NowNs() >= drain_deadline_ns_.load();
}

void RemoteWriter::CollectOnce() {
  const SharedCollection::Result result = collection_.Get();
  const WriteRequestStats stats =
      EncodeWriteRequest(*result.current, result.error_totals, families_, external_, encoded_);
  auto batch = std::make_shared<RemoteWriteBatch>();
  snappy::Compress(encoded_.data(), encoded_.size(), &batch->body);
  batch->samples = stats.series;
  // A buffer that grew for a burst is not kept at its peak.
  if (encoded_.capacity() > 2 * encoded_.size() + (1 << 20)) std::string().swap(encoded_);
  const BatchPtr shared = std::move(batch);
  for (auto& destination : destinations_) {
    if (destination->queue.Push(shared) > 0) {
      spdlog::debug("remote_write to {}: queue full, oldest batch dropped", destination->label);
    }
  }
}

void RemoteWriter::Tick() {
  auto next = Clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  do {  // the first collection is made even when Stop() comes at once
    lock.unlock();
    CollectOnce();
    lock.lock();
    next += options_.interval;
    const auto now = Clock::now();
    if (next < now) next = now + options_.interval;  // a slow collection: no burst to catch up
    wake_.wait_until(lock, next, [this] { return stopping_; });
  } while (!stopping_);
}

void RemoteWriter::Send(Destination& d) {
  const std::function<bool()> abort = [this] { return PastDrainDeadline(); };
  bool failing = false;
  for (;;) {
    BatchPtr batch = d.queue.Front(Clock::now() + std::chrono::seconds(1));
    if (!batch) {
      if (draining_) return;  // closed and empty
      continue;
    }
    auto backoff = options_.min_backoff;
    for (;;) {
      if (PastDrainDeadline()) return;
      const PostResult result = d.client.Post(batch->body, abort);
      const PostOutcome outcome = ClassifyPost(result);
      if (outcome == PostOutcome::kSent) {
        ++d.sent_batches;
        d.sent_samples += batch->samples;
        if (failing) spdlog::info("remote_write to {}: sending again", d.label);
        failing = false;
        break;
      }
      if (outcome == PostOutcome::kRefused) {
        ++d.failed;
        spdlog::warn("remote_write to {}: refused with HTTP {} (not retried): {}", d.label,
                     result.status, result.error);
        break;
      }
      if (result.aborted || PastDrainDeadline()) return;
      ++d.retries;
      if (!failing) {
        spdlog::warn("remote_write to {}: {}; retrying with backoff", d.label,
                     result.status != 0 ? "HTTP " + std::to_string(result.status) + " " +
                                              result.error
                                        : result.error);
      }
      failing = true;
      std::unique_lock<std::mutex> lock(mu_);
      auto until = Clock::now() + backoff;
      if (draining_) {
        until = std::min(until, Clock::time_point(std::chrono::nanoseconds(drain_deadline_ns_)));
      }
      wake_.wait_until(lock, until, [this] { return PastDrainDeadline(); });
      lock.unlock();
      backoff = std::min(backoff * 2, options_.max_backoff);
      // Overflow dropped this batch while it waited: go on with the oldest left.
      if (d.queue.Front(Clock::now()) != batch) break;
    }
    d.queue.Done(batch);
  }
}

std::vector<prometheus::MetricFamily> RemoteWriter::Families() const {
  using prometheus::MetricType;
  struct Row {
    const char* name;
    const char* help;
    MetricType type;
    double (*value)(const Destination&);
  };
  static constexpr Row kRows[] = {
      {"berth_remote_write_sent_batches_total", "Collections sent to the remote_write receiver.",
       MetricType::Counter, [](const Destination& d) { return double(d.sent_batches); }},
      {"berth_remote_write_sent_samples_total", "Samples sent to the remote_write receiver.",
       MetricType::Counter, [](const Destination& d) { return double(d.sent_samples); }},
      {"berth_remote_write_failed_batches_total",
       "Collections the receiver refused with a 4xx (not retried).", MetricType::Counter,
       [](const Destination& d) { return double(d.failed); }},
      {"berth_remote_write_retries_total",
       "Sends retried after a 5xx or a network error.", MetricType::Counter,
       [](const Destination& d) { return double(d.retries); }},
      {"berth_remote_write_dropped_batches_total",
       "Collections dropped unsent: the queue was full, or left at shutdown.",
       MetricType::Counter, [](const Destination& d) { return double(d.queue.dropped()); }},
      {"berth_remote_write_queue_batches", "Collections waiting in the queue.",
       MetricType::Gauge, [](const Destination& d) { return double(d.queue.size()); }},
      {"berth_remote_write_queue_capacity_batches", "Collections the queue holds at most.",
       MetricType::Gauge, [](const Destination& d) { return double(d.queue.capacity()); }},
  };
  std::vector<prometheus::MetricFamily> families;
  if (destinations_.empty()) return families;
  for (const Row& row : kRows) {
    prometheus::MetricFamily& family = families.emplace_back();
    family.name = row.name;
    family.help = row.help;
    family.type = row.type;
    for (const auto& d : destinations_) {
      prometheus::ClientMetric& metric = family.metric.emplace_back();
      metric.label.push_back({"url", d->label});
      (row.type == MetricType::Counter ? metric.counter.value : metric.gauge.value) = row.value(*d);
    }
  }
  return families;
}

}  // namespace berth::exporter
