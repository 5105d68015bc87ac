// `berth stats --format json-raw`: one JSON object per line and container,
// raw numbers for scripts: the <container> object of the JSON API
// (exporter/api_json.h, schema berth.containers.v1) plus "running"
// (false for stopped containers under --all). Ordered by name like docker.
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
