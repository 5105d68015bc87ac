// Fuzz target: the Authorization header and base64 decoding
// (exporter/basic_auth.h), which every client reaches before any check.
// (VerifyCryptHash is libxcrypt's bcrypt: costly by design, not fuzzed here.)
#include <cstdlib>

#include "exporter/basic_auth.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::exporter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  auto decoded = Base64Decode(text);
  if (decoded && decoded->size() > text.size()) std::abort();
  (void)ParseBasicAuthorization(text);
  return 0;
}
