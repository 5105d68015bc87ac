// Fuzz target: the kubelet's log file and directory names
// (collector/kubelet_log_names.h). A parsed container log name has a
// 64-character id.
#include <cstdlib>

#include "collector/runtimes/kubelet_log_names.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  auto log = ParseContainerLogName(text);
  if (log && log->id.size() != 64) std::abort();
  (void)ParsePodLogDirName(text);
  (void)NormalisePodUid(text);
  return 0;
}
