// Fuzz target: CRI-O's inspect body (collector/crio_parsers.h).
#include "collector/runtimes/crio_parsers.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)berth::collector::ParseCrioContainerInfo(berth::fuzz::AsText(data, size));
  return 0;
}
