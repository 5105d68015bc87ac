// `berth serve`: the Prometheus exporter's entry point.
//
// RunServe() validates everything first — log settings, collector groups,
// the web config file (and its TLS files), every listen address — and on any
// problem prints one line "berth serve: <why>" on stderr and returns 1
// before serving anything. With --remote-write.url it also pushes every
// collection (remote_writer.h) and, on a signal, drains those queues for up
// to --remote-write.flush-deadline (scrapes still answered) before the HTTP
// server stops. Then it serves until SIGINT or SIGTERM (returns
// 0) or until a listener dies (returns 1). On a signal it stops accepting,
// gives running requests 1 s and ends the process if a handler is still
// stuck after it (exit 0 by _Exit), so a stop takes < 2 s whatever a read
// is doing. It raises RLIMIT_NOFILE's soft limit to the hard limit (as Go
// programs do), so many idle clients cannot exhaust descriptors. Data comes from a SnapshotSource,
// collected on scrape (see snapshot_source.h for the sharing rule).
//
// RunServe blocks SIGINT/SIGTERM in the calling thread (and so in every
// thread it starts) and waits for them with sigwait; it restores the mask
// before returning. Call it from the main thread, once.
#ifndef BERTH_EXPORTER_SERVE_H_
#define BERTH_EXPORTER_SERVE_H_

#include <chrono>
#include <string>
#include <vector>

#include "exporter/remote_writer.h"
#include "exporter/snapshot_source.h"

namespace berth::exporter {

struct ServeOptions {
  // --web.listen-address (repeatable): ":11099" = IPv6 and IPv4, any address.
  std::vector<std::string> listen_addresses = {":11099"};
  // --web.telemetry-path
  std::string telemetry_path = "/metrics";
  // --web.config.file: exporter-toolkit format (TLS, basic auth); "" = none.
  std::string web_config_file;
  // --web.max-requests: requests served at once (over it: 503); 0 = no limit.
  int max_requests = 40;
  // --collector.label-allowlist: runtime label keys exported as
  // container_label_<sanitised key>.
  std::vector<std::string> label_allowlist;
  // --collector.disable: group names (collector_groups.h).
  std::vector<std::string> disabled_groups;
  // --log.level: debug|info|warn|error; --log.format: logfmt|json.
  std::string log_level = "info";
  std::string log_format = "logfmt";
  // --remote-write.*: push each collection to these receivers (none = off).
  RemoteWriteOptions remote_write;
  // Scrapes within this long of the last collection reuse it.
  std::chrono::milliseconds share_window{500};
};

// Checks the options that need no I/O (log, groups, telemetry path, listen
// address syntax). Returns "" when fine, else the one-line reason.
std::string ValidateServeOptions(const ServeOptions& options);

int RunServe(const ServeOptions& options, SnapshotSource& source);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_SERVE_H_
