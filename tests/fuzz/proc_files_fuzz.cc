// Fuzz target: the procfs and /etc parsers berth reads from the host or a
// container's pid (collector/proc_parsers.h, collector/process_list.h; the self-metrics
// reader uses the same /proc/<pid>/stat parser), all on the same bytes.
#include "collector/proc_parsers.h"
#include "collector/process_list.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  (void)ParseProcStat(text, 100);
  (void)ParseMemInfo(text);
  (void)ParseVmstatOomKills(text);
  (void)ParseNetDev(text);
  (void)ParseCgroupMounts(text);
  (void)ParseProcCgroup(text);
  (void)ParseProcPidStat(text);
  (void)ParseDevName(text);
  (void)ParseStatusUid(text);
  (void)ParseCmdline(text);
  (void)ParsePasswd(text);
  return 0;
}
