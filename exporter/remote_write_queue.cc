#include "exporter/remote_write_queue.h"

namespace berth::exporter {

RemoteWriteQueue::RemoteWriteQueue(size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}

size_t RemoteWriteQueue::Push(BatchPtr batch) {
  size_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) {
      ++dropped_;
      return 1;
    }
    if (batches_.size() >= capacity_) {
      batches_.pop_front();
      ++dropped_;
      dropped = 1;
    }
    batches_.push_back(std::move(batch));
  }
  ready_.notify_all();
  return dropped;
}

BatchPtr RemoteWriteQueue::Front(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  ready_.wait_until(lock, deadline, [this] { return !batches_.empty() || closed_; });
  return batches_.empty() ? nullptr : batches_.front();
}

void RemoteWriteQueue::Done(const BatchPtr& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!batches_.empty() && batches_.front() == batch) batches_.pop_front();
}

void RemoteWriteQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  ready_.notify_all();
}

size_t RemoteWriteQueue::DropAll() {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t count = batches_.size();
  dropped_ += count;
  batches_.clear();
  return count;
}

size_t RemoteWriteQueue::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_.size();
}

uint64_t RemoteWriteQueue::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace berth::exporter
