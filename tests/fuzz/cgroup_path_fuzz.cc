// Fuzz target: cgroup path classification (collector/discovery.h
// ClassifyCgroupPath, UnescapeSystemdName). Any user may create cgroups in a
// delegated subtree, so the names are outside input. A container reference
// always carries an id.
#include <cstdlib>

#include "collector/discovery.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  auto ref = ClassifyCgroupPath(text);
  if (ref && ref->id.empty()) std::abort();
  if (UnescapeSystemdName(text).size() > text.size()) std::abort();
  return 0;
}
