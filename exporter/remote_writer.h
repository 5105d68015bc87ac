// `berth serve --remote-write.url`: pushes each collection, at a fixed
// interval, to one or more Prometheus remote_write 1.0 receivers, alongside
// the scrape endpoint (which keeps working; both share collections through
// SharedCollection, so a push and a scrape within its window read the kernel
// once).
//
// One ticker thread collects every `interval` (the first at Start()),
// encodes the WriteRequest (remote_write_encoder.h: the /metrics series plus
// the external labels), snappy-compresses it once and puts it on each
// destination's bounded queue (remote_write_queue.h: full = the oldest batch
// dropped, counted). One sender thread per destination sends its queue in
// order: a 2xx is sent; a 5xx or network error is retried with exponential
// backoff (min_backoff doubling up to max_backoff, as Prometheus'
// queue_config) until it goes through or overflow drops it; a 4xx is refused
// and never retried (logged, counted). Stop() stops collecting and drains:
// senders keep sending (and retrying) until their queues are empty or
// `flush_deadline` passes; what is left then, an in-flight request included,
// is abandoned and counted as dropped.
//
// Self metrics (Families(), on /metrics and in the pushes), per destination
// {url} (without user:password@):
//   berth_remote_write_sent_batches_total, berth_remote_write_sent_samples_total,
//   berth_remote_write_failed_batches_total   (refused: 4xx, not retried),
//   berth_remote_write_retries_total,
//   berth_remote_write_dropped_batches_total  (queue overflow, shutdown leftovers),
//   berth_remote_write_queue_batches, berth_remote_write_queue_capacity_batches (gauges).
//
// Thread-safety: Start/Stop from one thread; Families() from any.
#ifndef BERTH_EXPORTER_REMOTE_WRITER_H_
#define BERTH_EXPORTER_REMOTE_WRITER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/metric_family.h>

#include "exporter/container_families.h"
#include "exporter/remote_write_client.h"
#include "exporter/remote_write_queue.h"
#include "exporter/snapshot_source.h"

namespace berth::exporter {

struct RemoteWriteOptions {
  std::vector<std::string> urls;          // --remote-write.url (repeatable)
  std::vector<std::string> labels;        // --remote-write.label name=value (repeatable)
  std::chrono::milliseconds interval{15000};       // --remote-write.interval
  size_t queue_capacity = 40;                      // --remote-write.queue-capacity (batches)
  std::chrono::milliseconds min_backoff{30};       // --remote-write.min-backoff
  std::chrono::milliseconds max_backoff{5000};     // --remote-write.max-backoff
  std::chrono::milliseconds flush_deadline{5000};  // --remote-write.flush-deadline
  RemoteWriteClientOptions client;                 // timeout, auth, TLS
};

// Checks the options; fills `external` from `labels`. "" when fine, else
// the one-line reason.
std::string ValidateRemoteWriteOptions(const RemoteWriteOptions& options, LabelPairs* external);

class RemoteWriter {
 public:
  // `collection` must outlive this object; `families` as the page's (its
  // extra_self_families should include this writer's Families()).
  RemoteWriter(const RemoteWriteOptions& options, LabelPairs external,
               SharedCollection& collection, FamilyOptions families);
  ~RemoteWriter();  // Stop()s

  void Start();
  void Stop();

  // Collects now and queues the batch (the ticker's step; tests).
  void CollectOnce();

  std::vector<prometheus::MetricFamily> Families() const;

 private:
  struct Destination;
  void Tick();
  void Send(Destination& destination);
  bool PastDrainDeadline() const;

  const RemoteWriteOptions options_;
  const LabelPairs external_;
  SharedCollection& collection_;
  const FamilyOptions families_;
  std::vector<std::unique_ptr<Destination>> destinations_;
  std::string encoded_;  // the ticker's reused encode buffer

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> drain_deadline_ns_{0};
  std::thread ticker_;
  bool started_ = false;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_REMOTE_WRITER_H_
