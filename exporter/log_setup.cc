#include "exporter/log_setup.h"

#include <chrono>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace berth::exporter {
namespace {

std::string Timestamp(int64_t time_ms) {
  const std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  const size_t n = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%.*s.%03dZ", static_cast<int>(n), buffer,
                static_cast<int>(time_ms % 1000));
  return out;
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendLogfmtValue(std::string& out, std::string_view value) {
  if (!NeedsQuotes(value)) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.push_back(c);
    }
  }
  out.push_back('"');
}

const char* LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    default:
      return "error";
  }
}

class RecordFormatter : public spdlog::formatter {
 public:
  explicit RecordFormatter(bool json) : json_(json) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           msg.time.time_since_epoch())
                           .count();
    std::string line = FormatLogRecord(json_, ms, LevelName(msg.level),
                                       std::string_view(msg.payload.data(), msg.payload.size()));
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<RecordFormatter>(json_);
  }

 private:
  bool json_;
};

}  // namespace

std::string FormatLogRecord(bool json, int64_t time_ms, std::string_view level,
                            std::string_view message) {
  if (json) {
    nlohmann::json record = {{"ts", Timestamp(time_ms)},
                             {"level", std::string(level)},
                             {"msg", std::string(message)}};
    return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out = "ts=" + Timestamp(time_ms) + " level=" + std::string(level) + " msg=";
  AppendLogfmtValue(out, message);
  return out;
}

bool ConfigureLogging(std::string_view level, std::string_view format, std::string* error) {
  spdlog::level::level_enum spd_level;
  if (level == "debug") {
    spd_level = spdlog::level::debug;
  } else if (level == "info") {
    spd_level = spdlog::level::info;
  } else if (level == "warn") {
    spd_level = spdlog::level::warn;
  } else if (level == "error") {
    spd_level = spdlog::level::err;
  } else {
    if (error) *error = "invalid --log.level \"" + std::string(level) + "\" (debug, info, warn, error)";
    return false;
  }
  bool json;
  if (format == "logfmt") {
    json = false;
  } else if (format == "json") {
    json = true;
  } else {
    if (error) *error = "invalid --log.format \"" + std::string(format) + "\" (logfmt, json)";
    return false;
  }
  auto logger = std::make_shared<spdlog::logger>(
      "berth", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(std::make_unique<RecordFormatter>(json));
  logger->set_level(spd_level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return true;
}

}  // namespace berth::exporter
