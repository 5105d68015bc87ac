// Fuzz target: the HTTP/1.x request head the server parses from what a
// client sent (exporter/http_request.h). A complete head consumes some but
// never more than the input, and a path that starts with '/'.
#include <cstdlib>

#include "exporter/http_request.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::exporter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const RequestHead head = ParseRequestHead(berth::fuzz::AsText(data, size));
  if (head.status != RequestHead::Status::kComplete) return 0;
  if (head.consumed == 0 || head.consumed > size) std::abort();
  if (head.path.empty() || head.path.front() != '/') std::abort();
  return 0;
}
