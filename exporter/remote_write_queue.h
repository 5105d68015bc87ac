// The bounded in-memory queue of one remote_write destination: compressed
// WriteRequests (one per collection, shared between destinations) waiting to
// be sent. At most `capacity` are held; pushing onto a full queue drops the
// oldest (the newest data is what a dashboard wants after an outage) and
// counts it. Pop waits until a batch is there, the queue is closed, or the
// deadline passes.
//
// Thread-safety: every method may be called from any thread.
#ifndef BERTH_EXPORTER_REMOTE_WRITE_QUEUE_H_
#define BERTH_EXPORTER_REMOTE_WRITE_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

namespace berth::exporter {

struct RemoteWriteBatch {
  std::string body;      // snappy-compressed WriteRequest
  uint64_t samples = 0;  // series in it, one sample each
};
using BatchPtr = std::shared_ptr<const RemoteWriteBatch>;

class RemoteWriteQueue {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RemoteWriteQueue(size_t capacity);

  // Appends `batch`; on a full queue the oldest is dropped first. Returns
  // the number dropped (0 or 1). A closed queue takes nothing (counts it).
  size_t Push(BatchPtr batch);
  // The oldest batch, left in the queue (Done() removes it once sent or
  // given up): null when the queue is empty at `deadline` or closed and empty.
  BatchPtr Front(Clock::time_point deadline);
  // Removes `batch` if it is still the front (an overflow may have dropped it).
  void Done(const BatchPtr& batch);
  // No more pushes; Front() returns what is left, then null at once.
  void Close();
  // Empties the queue, counting every batch as dropped; returns how many.
  size_t DropAll();

  size_t size() const;
  size_t capacity() const { return capacity_; }
  uint64_t dropped() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<BatchPtr> batches_;
  bool closed_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_REMOTE_WRITE_QUEUE_H_
