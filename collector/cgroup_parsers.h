// Pure parsers for cgroup v2 and v1 files: text in, typed values out.
// No I/O, no allocation beyond the result, no exceptions. Every function
// returns std::nullopt for malformed input (truncated line, non-numeric value,
// value out of range, trailing garbage, empty file where a value is required);
// unknown keys are ignored (their values are still checked in flat-keyed
// files, where every value is a number). A flat-keyed file in which none of
// the keys a parser wants appears also yields std::nullopt. io.stat and
// blkio files may legitimately be empty (no IO yet): an empty list, not
// std::nullopt. Thread-safe (no state).
#ifndef BERTH_COLLECTOR_CGROUP_PARSERS_H_
#define BERTH_COLLECTOR_CGROUP_PARSERS_H_

#include <cstdint>
#include <charconv>
#include <concepts>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "collector/parse_util.h"
#include "collector/snapshot.h"

namespace berth::collector {

// "123\n" -> 123. Surrounding whitespace allowed; anything else -> nullopt.
// Single-number files: v2 memory.current, memory.peak, memory.swap.current,
// pids.current, cpu.weight; v1 cpuacct.usage (ns), memory.usage_in_bytes,
// memory.max_usage_in_bytes, memory.failcnt, cpu.shares, cpu.cfs_period_us.
std::optional<uint64_t> ParseUint(std::string_view text);
// Like ParseUint, but "max" -> kUnlimited. v1's "unlimited" values
// (≥ 2^62, e.g. 9223372036854771712) are also mapped to kUnlimited.
std::optional<uint64_t> ParseUintOrMax(std::string_view text);
// "-1\n" -> -1 (v1 cpu.cfs_quota_us).
std::optional<int64_t> ParseInt(std::string_view text);

// Calls `fn(key, value)` for each "key value" line of a flat-keyed file
// (cpu.stat, memory.stat, memory.events, cpuacct.stat, memory.oom_control).
// Returns false (after visiting the good lines) if any line is malformed.
// A line is "key value" (spaces or tabs between, trailing whitespace
// allowed); blank lines are skipped; a line without a value, with a
// non-numeric or out-of-range value, or with a third token is malformed.
bool ForEachKeyed(std::string_view text,
                  const std::function<void(std::string_view, uint64_t)>& fn);
// The same, inlined for any callable (no std::function on the hot path).
template <typename Fn>
  requires std::invocable<Fn&, std::string_view, uint64_t>
bool ForEachKeyed(std::string_view text, Fn&& fn) {
  // One pass over the text, no per-line memchr: this runs for every
  // container's memory.stat and cpu.stat.
  bool ok = true;
  const char* p = text.data();
  const char* const end = p + text.size();
  auto skip_line = [&] {
    while (p < end && *p != '\n') ++p;
    if (p < end) ++p;
    ok = false;
  };
  while (p < end) {
    while (p < end && parse::IsBlank(*p)) ++p;
    if (p == end) break;
    if (*p == '\n') {  // blank line
      ++p;
      continue;
    }
    const char* key_begin = p;
    while (p < end && !parse::IsSpace(*p)) ++p;
    std::string_view key(key_begin, static_cast<size_t>(p - key_begin));
    while (p < end && parse::IsBlank(*p)) ++p;
    uint64_t v = 0;
    auto [q, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) {  // no value, not a number, or out of range
      skip_line();
      continue;
    }
    p = q;
    while (p < end && parse::IsBlank(*p)) ++p;
    if (p < end && *p != '\n') {  // "12k" or a third token
      skip_line();
      continue;
    }
    if (p < end) ++p;
    fn(key, v);
  }
  return ok;
}

// v2 cpu.stat: usage_usec, user_usec, system_usec, nr_periods, nr_throttled,
// throttled_usec (converted to ns).
std::optional<CpuStats> ParseCpuStatV2(std::string_view text);
// v2 cpu.max: "max 100000" / "50000 100000".
std::optional<CpuLimits> ParseCpuMax(std::string_view text);
// v2 memory.stat (anon, file, …) into MemoryStat.
std::optional<MemoryStat> ParseMemoryStatV2(std::string_view text);
// v2 memory.events: low, high, max, oom, oom_kill.
std::optional<MemoryEvents> ParseMemoryEvents(std::string_view text);
// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per line.
// Device names are left empty. Sorted by major, minor. Values of other keys
// (iocost "cost.vrate=100.00", io.latency "depth=max") are not checked.
std::optional<std::vector<BlockDeviceStats>> ParseIoStat(std::string_view text);
// cpu.pressure / memory.pressure / io.pressure (cpu has a "full" line on ≥5.13).
// Each line needs avg10, avg60, avg300 and total; other first words are ignored.
std::optional<Pressure> ParsePressure(std::string_view text);

// v1 cpuacct.stat: "user N\nsystem N" in USER_HZ ticks -> ns (user_ns, system_ns).
std::optional<CpuStats> ParseCpuacctStat(std::string_view text, uint64_t user_hz);
// v1 cpu.stat: nr_periods, nr_throttled, throttled_time (ns).
std::optional<CpuStats> ParseCpuStatV1(std::string_view text);
// v1 memory.stat: the hierarchical total_* keys into MemoryStat (total_rss ->
// anon, total_cache -> file, total_mapped_file -> file_mapped, total_dirty ->
// file_dirty, total_writeback -> file_writeback, total_swap -> swap, …);
// where a total_* key is absent its non-total key is used.
std::optional<MemoryStat> ParseMemoryStatV1(std::string_view text);
// v1 memory.oom_control: "oom_kill_disable 0\nunder_oom 0\noom_kill 3".
// Returns oom_kill (absent on kernels before 4.13 -> nullopt).
std::optional<uint64_t> ParseOomControlKills(std::string_view text);
// v1 blkio.throttle.io_service_bytes(_recursive) / io_serviced:
// "8:0 Read 123\n8:0 Write 4\n…\nTotal 127". Fills read_bytes/write_bytes
// (or read_ios/write_ios when `ios` is true). Sorted by major, minor.
std::optional<std::vector<BlockDeviceStats>> ParseBlkioV1(std::string_view text, bool ios);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CGROUP_PARSERS_H_
