// Pure parsers for the few files the shared parser headers do not cover:
// cgroup.procs / tasks / cgroup.threads (one decimal id per line).
// No I/O, no exceptions; malformed input -> std::nullopt. Thread-safe.
#ifndef BERTH_COLLECTOR_EXTRA_PARSERS_H_
#define BERTH_COLLECTOR_EXTRA_PARSERS_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace berth::collector {

// "12\n7\n" -> {7, 12} (sorted, deduplicated) appended to `out` after
// clearing it. An empty file is an empty list. Returns false on a non-numeric
// line (out then holds the good lines).
bool ParsePidList(std::string_view text, std::vector<int>& out);

// Number of non-empty lines ("tasks", "cgroup.threads"); nullopt when a line
// is not a decimal id.
std::optional<uint64_t> CountIdLines(std::string_view text);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_EXTRA_PARSERS_H_
