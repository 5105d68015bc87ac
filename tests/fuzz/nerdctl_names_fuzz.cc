// Fuzz target: one nerdctl name-store entry (collector/nerdctl_metadata.h
// ParseNerdctlNameEntry). Input: namespace NUL name NUL file content.
#include "collector/runtimes/nerdctl_metadata.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [ns, name, content] = berth::fuzz::SplitAtNul<3>(berth::fuzz::AsText(data, size));
  (void)berth::collector::ParseNerdctlNameEntry(ns, name, content);
  return 0;
}
