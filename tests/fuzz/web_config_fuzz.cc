// Fuzz target: the --web.config.file YAML (exporter/web_config.h
// ParseWebConfig). A rejected config always says why.
#include <cstdlib>
#include <string>

#include "exporter/web_config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto config = berth::exporter::ParseWebConfig(berth::fuzz::AsText(data, size), "/etc/berth",
                                                &error);
  if (!config && error.empty()) std::abort();
  return 0;
}
