// Fuzz target: /proc/<pid>/mountinfo -> cgroup layout (collector/cgroup_layout.h
// LayoutFromMountInfo). A layout that parses must name a mode other than
// unknown only with at least one mount.
#include <cstdlib>

#include "collector/cgroup_layout.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto layout = LayoutFromMountInfo(berth::fuzz::AsText(data, size));
  if (layout && layout->mode != CgroupMode::kUnknown && layout->v2_mount.empty() &&
      !layout->has_v1()) {
    std::abort();
  }
  return 0;
}
