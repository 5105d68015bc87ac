// Fuzz target: Podman's libpod container list (collector/podman_parsers.h).
#include "collector/runtimes/podman_parsers.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)berth::collector::ParsePodmanContainerList(berth::fuzz::AsText(data, size));
  return 0;
}
