// LogCapture: while it lives, spdlog's default logger writes (at debug and
// above) into a ring of the last 64 messages instead of stderr; the previous
// default logger is put back when it goes. For tests that assert what berth
// logs and how often.
#ifndef BERTH_TESTS_LOG_CAPTURE_H_
#define BERTH_TESTS_LOG_CAPTURE_H_

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <vector>

namespace berth::testing {

class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // The formatted lines, oldest first.
  std::vector<std::string> Lines() const { return sink_->last_formatted(); }
  // All lines as one text.
  std::string Text() const {
    std::string out;
    for (const std::string& line : Lines()) out += line;
    return out;
  }
  // How many messages had `level`.
  int Count(spdlog::level::level_enum level) const {
    int n = 0;
    for (const auto& msg : sink_->last_raw()) n += msg.level == level;
    return n;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_LOG_CAPTURE_H_
