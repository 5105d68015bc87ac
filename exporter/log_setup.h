// Logging for `berth serve` (--log.level, --log.format): spdlog's default
// logger, writing to stderr one line per record in Prometheus' formats:
//   logfmt: ts=2026-01-02T03:04:05.678Z level=info msg="listening" address=[::]:11099
//   json:   {"ts":"2026-01-02T03:04:05.678Z","level":"info","msg":"listening …"}
// Levels: debug, info, warn, error. Call once at start, before other threads
// log. Errors: false and a one-line *error for an unknown level or format.
#ifndef BERTH_EXPORTER_LOG_SETUP_H_
#define BERTH_EXPORTER_LOG_SETUP_H_

#include <string>
#include <string_view>

namespace berth::exporter {

bool ConfigureLogging(std::string_view level, std::string_view format, std::string* error);

// One record as text (no newline) — exposed for tests. `level` is
// "debug"/"info"/"warn"/"error"; `time_ms` milliseconds since the epoch.
std::string FormatLogRecord(bool json, int64_t time_ms, std::string_view level,
                            std::string_view message);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_LOG_SETUP_H_
