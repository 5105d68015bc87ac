// `berth stats --format json-raw`: one JSON object per line and container,
// raw numbers for scripts (bytes, percent as numbers, null when unknown).
// Pure, thread-safe.
#ifndef BERTH_CLI_STATS_JSON_H_
#define BERTH_CLI_STATS_JSON_H_

#include <string>
#include <vector>

#include "collector/snapshot.h"

namespace berth::cli {

std::string RawStatsJsonLines(const collector::Snapshot* prev, const collector::Snapshot& cur,
                              bool all, const std::vector<std::string>& containers);

}  // namespace berth::cli

#endif  // BERTH_CLI_STATS_JSON_H_
