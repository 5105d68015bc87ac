// Fuzz target: every cgroup v1/v2 control-file parser (collector/cgroup_parsers.h)
// and the id-list parsers (collector/extra_parsers.h) on the same bytes, as
// any control file may hold anything a misbehaving kernel or a planted file
// writes. Checks the parsers' contracts beyond "no crash": io.stat / blkio
// device lists come back sorted.
#include <algorithm>
#include <cstdlib>
#include <vector>

#include "collector/cgroup_parsers.h"
#include "collector/extra_parsers.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

namespace {

void CheckSorted(const std::optional<std::vector<BlockDeviceStats>>& devices) {
  if (!devices) return;
  auto key = [](const BlockDeviceStats& d) { return std::pair(d.major, d.minor); };
  for (size_t i = 1; i < devices->size(); ++i) {
    if (key((*devices)[i - 1]) > key((*devices)[i])) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  (void)ParseUint(text);
  (void)ParseUintOrMax(text);
  (void)ParseInt(text);
  (void)ForEachKeyed(text, [](std::string_view, uint64_t) {});
  (void)ParseCpuStatV2(text);
  (void)ParseCpuMax(text);
  (void)ParseMemoryStatV2(text);
  (void)ParseMemoryEvents(text);
  CheckSorted(ParseIoStat(text));
  (void)ParsePressure(text);
  (void)ParseCpuacctStat(text, 100);
  (void)ParseCpuStatV1(text);
  (void)ParseMemoryStatV1(text);
  (void)ParseOomControlKills(text);
  CheckSorted(ParseBlkioV1(text, false));
  CheckSorted(ParseBlkioV1(text, true));
  std::vector<int> pids;
  if (ParsePidList(text, pids) && !std::is_sorted(pids.begin(), pids.end())) std::abort();
  (void)CountIdLines(text);
  return 0;
}
