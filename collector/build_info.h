// berth's version and git revision, baked in at configure time into one
// translation unit (so a new commit recompiles one file, not the project).
#ifndef BERTH_COLLECTOR_BUILD_INFO_H_
#define BERTH_COLLECTOR_BUILD_INFO_H_

namespace berth {

const char* BuildVersion();   // "0.1.0"
const char* BuildRevision();  // short git hash, or "unknown"

}  // namespace berth

#endif  // BERTH_COLLECTOR_BUILD_INFO_H_
