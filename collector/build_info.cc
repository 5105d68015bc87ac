#include "collector/build_info.h"

namespace berth {

const char* BuildVersion() { return BERTH_VERSION; }
const char* BuildRevision() { return BERTH_REVISION; }

}  // namespace berth
