// Fuzz target: every Docker Engine API body parser (collector/docker_parsers.h):
// /version, /containers/json, /containers/<id>/json, /events lines, error
// bodies, timestamps and version strings, all on the same bytes.
#include "collector/runtimes/docker_parsers.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  (void)ParseApiVersion(text);
  (void)ParseDockerVersion(text);
  (void)ParseDockerContainerList(text);
  (void)ParseDockerContainerInspect(text);
  (void)ParseDockerEvent(text);
  (void)ParseDockerTimestamp(text);
  (void)ParseDockerErrorMessage(text);
  (void)MinimumVersionFromError(text);
  return 0;
}
