// Number formatting exactly as docker stats prints it (go-units):
//   BytesSize: binary units, "%.4g" ("544KiB", "23.54GiB")
//   HumanSize: decimal units, "%.3g" ("1.2MB", "0B")
//   Percent:   "%.2f%%"
// Pure functions, thread-safe.
#ifndef BERTH_CLI_FORMAT_UNITS_H_
#define BERTH_CLI_FORMAT_UNITS_H_

#include <string>

namespace berth::cli {

// go-units BytesSize: 1024-based, B KiB MiB GiB TiB PiB EiB ZiB YiB, "%.4g".
std::string BytesSize(double bytes);
// go-units HumanSizeWithPrecision(size, 3): 1000-based, B kB MB GB …, "%.3g".
std::string HumanSize(double bytes);
// "12.34%"
std::string Percent(double percent);

}  // namespace berth::cli

#endif  // BERTH_CLI_FORMAT_UNITS_H_
