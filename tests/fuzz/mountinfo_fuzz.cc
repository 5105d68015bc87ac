// Fuzz target: /proc/<pid>/mountinfo -> every mount (collector/proc_parsers.h
// ParseMountInfo) and the cgroup layout built on it (collector/cgroup_layout.h
// LayoutFromMountInfo). A parsed mount always has a file system type and a
// source (the fields after " - "); a layout that parses must name a mode
// other than unknown only with at least one mount.
#include <cstdlib>

#include "collector/cgroup_layout.h"
#include "collector/proc_parsers.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  if (auto mounts = ParseMountInfo(text)) {
    for (const MountInfoEntry& m : *mounts) {
      if (m.fs_type.empty() || m.source.empty()) std::abort();
      if (m.mount_point.size() > text.size() || m.root.size() > text.size()) std::abort();
    }
  }
  auto layout = LayoutFromMountInfo(text);
  if (layout && layout->mode != CgroupMode::kUnknown && layout->v2_mount.empty() &&
      !layout->has_v1()) {
    std::abort();
  }
  return 0;
}
