// SourceHealth: the "down source" policy shared by the Podman and CRI-O
// metadata providers. A failed lookup is logged once (spdlog warning) and
// again only when the reason changes; the source is then left alone for an
// exponential backoff (min_backoff doubling to max_backoff); recovery is
// logged at info. Containers stay visible by id meanwhile (the providers
// simply leave identities unnamed).
//
// Thread-safety: none; owned and used by one provider's Annotate() thread.
// Errors: none (it only records them).
#ifndef BERTH_COLLECTOR_SOURCE_HEALTH_H_
#define BERTH_COLLECTOR_SOURCE_HEALTH_H_

#include <chrono>
#include <string>

namespace berth::collector {

class SourceHealth {
 public:
  using Clock = std::chrono::steady_clock;

  SourceHealth(std::string source, std::chrono::milliseconds min_backoff,
               std::chrono::milliseconds max_backoff);

  // False while a backoff pause after a failure lasts.
  bool ShouldTry(Clock::time_point now) const { return now >= retry_at_; }
  // The source answered.
  void Succeeded();
  // The source failed for `reason` ("no socket at /run/podman/podman.sock").
  void Failed(const std::string& reason, Clock::time_point now);

  // The last failure's reason; empty while healthy.
  const std::string& last_error() const { return last_error_; }
  int consecutive_failures() const { return consecutive_failures_; }

 private:
  std::string source_;
  std::chrono::milliseconds min_backoff_, max_backoff_;
  std::string last_error_;
  int consecutive_failures_ = 0;
  Clock::time_point retry_at_{};
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_SOURCE_HEALTH_H_
