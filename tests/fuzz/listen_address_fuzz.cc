// Fuzz target: --web.listen-address (exporter/listen_address.h). A parsed
// address has a port in 0..65535 and formats back without crashing; a
// rejected one says why.
#include <cstdlib>
#include <string>

#include "exporter/listen_address.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::exporter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto address = ParseListenAddress(berth::fuzz::AsText(data, size), &error);
  if (!address) {
    if (error.empty()) std::abort();
    return 0;
  }
  if (address->port < 0 || address->port > 65535) std::abort();
  (void)FormatHostPort(address->host, address->port);
  return 0;
}
