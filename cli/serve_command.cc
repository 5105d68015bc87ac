#include "cli/serve_command.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/common_options.h"
#include "collector/sampler.h"
#include "exporter/collector_groups.h"
#include "exporter/serve.h"

namespace berth::cli {
namespace {

// The Sampler as serve's SnapshotSource.
class SamplerSource : public exporter::SnapshotSource {
 public:
  explicit SamplerSource(std::unique_ptr<collector::Sampler> sampler)
      : sampler_(std::move(sampler)) {}
  collector::SnapshotPtr Collect() override { return sampler_->Collect(); }
  collector::ErrorCounts ErrorTotals() const override { return sampler_->error_totals(); }

 private:
  std::unique_ptr<collector::Sampler> sampler_;
};

struct ServeFlags {
  CommonOptions common;
  exporter::ServeOptions serve;
};

int Run(ServeFlags& flags) {
  exporter::ServeOptions& options = flags.serve;
  // Flag mistakes first, before touching the rootfs or the Docker socket.
  if (std::string why = exporter::ValidateServeOptions(options); !why.empty()) {
    std::fprintf(stderr, "berth serve: %s\n", why.c_str());
    return 1;
  }
  std::string error;
  // --collector.disable=pressure: the PSI files are not even read.
  const std::optional<exporter::GroupSet> disabled =
      exporter::ParseGroups(options.disabled_groups, &error);
  const bool read_pressure = !disabled || !exporter::Contains(*disabled, exporter::Group::kPressure);
  // --collector.disable=disk: no background walker at all.
  const bool disk_usage = !disabled || !exporter::Contains(*disabled, exporter::Group::kDisk);
  std::unique_ptr<collector::Sampler> sampler =
      MakeSampler(flags.common, &error, read_pressure, disk_usage);
  if (!sampler) {
    std::fprintf(stderr, "berth serve: %s\n", error.c_str());
    return 1;
  }
  SamplerSource source(std::move(sampler));
  return exporter::RunServe(options, source);
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Prometheus exporter: cAdvisor-compatible /metrics collected on each scrape, "
      "a JSON API (/api/v1/containers) and /healthz");
  exporter::ServeOptions& serve = flags->serve;
  cmd->add_option("--web.listen-address", serve.listen_addresses,
                  "Address to listen on; repeat for several. ':11099' = every IPv6 and IPv4 "
                  "address, '0.0.0.0:11099' IPv4 only, '[::1]:11099', '127.0.0.1:0' (any free "
                  "port, logged)")
      ->capture_default_str();
  cmd->add_option("--web.telemetry-path", serve.telemetry_path,
                  "Path under which to expose metrics")
      ->capture_default_str();
  cmd->add_option("--web.config.file", serve.web_config_file,
                  "Web configuration file (Prometheus exporter-toolkit format): TLS "
                  "(tls_server_config: client certificates and client_allowed_sans, "
                  "cipher_suites, curve_preferences, TLS12/TLS13 bounds), response headers "
                  "(http_server_config.headers) and basic authentication (basic_auth_users, "
                  "bcrypt). Re-read when it or its certificates change; a broken new version "
                  "keeps the old (logged)");
  cmd->add_option("--web.max-requests", serve.max_requests,
                  "Maximum number of requests served at once; over it, 503 at once "
                  "(/healthz has its own slots). 0 = no limit")
      ->capture_default_str();
  cmd->add_option("--log.level", serve.log_level, "Log level: debug, info, warn, error")
      ->capture_default_str();
  cmd->add_option("--log.format", serve.log_format, "Log format: logfmt or json")
      ->capture_default_str();
  cmd->add_option("--collector.label-allowlist", serve.label_allowlist,
                  "Comma-separated runtime label keys to export as container_label_<key> "
                  "(e.g. com.docker.compose.project,com.docker.compose.service)");
  std::string groups;
  for (const std::string& name : exporter::GroupNames()) groups += (groups.empty() ? "" : ", ") + name;
  cmd->add_option("--collector.disable", serve.disabled_groups,
                  "Comma-separated metric groups to switch off: " + groups);
  AddCommonOptions(cmd, &flags->common);
  cmd->callback([flags] {
    const int rc = Run(*flags);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace berth::cli
