// `berth record`: writes a history store (history/store_writer.h): every
// --record.interval one collection, appended as a compressed frame keyed by
// container id with its name, image and labels, until SIGINT/SIGTERM or
// --duration. Segments rotate by size and age; retention drops the oldest.
// On exit prints one line of figures on stderr (frames, bytes per frame,
// CPU per frame). `berth serve --record.dir` records the same way beside
// serving. A failure prints one line and throws CLI::RuntimeError(1).
#ifndef BERTH_CLI_RECORD_COMMAND_H_
#define BERTH_CLI_RECORD_COMMAND_H_

#include <CLI/CLI.hpp>

namespace berth::cli {

void AddRecordCommand(CLI::App& app);

}  // namespace berth::cli

#endif  // BERTH_CLI_RECORD_COMMAND_H_
