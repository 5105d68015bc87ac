#include "cli/serve_command.h"

#include <pthread.h>

#include <csignal>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cli/common_options.h"
#include "cli/record_options.h"
#include "collector/sampler.h"
#include "exporter/collector_groups.h"
#include "exporter/serve.h"

namespace berth::cli {
namespace {

// The Sampler as serve's SnapshotSource. With --record.dir the recorder's
// thread collects too: the mutex keeps the Sampler to one caller at a time.
class SamplerSource : public exporter::SnapshotSource {
 public:
  explicit SamplerSource(std::unique_ptr<collector::Sampler> sampler)
      : sampler_(std::move(sampler)) {}
  collector::SnapshotPtr Collect() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return sampler_->Collect();
  }
  collector::ErrorCounts ErrorTotals() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return sampler_->error_totals();
  }

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<collector::Sampler> sampler_;
};

struct ServeFlags {
  CommonOptions common;
  exporter::ServeOptions serve;
  RecordFlags record;
  // --remote-write.* durations, in ms (moved into serve.remote_write by Run).
  double rw_interval_ms = 15000;
  double rw_timeout_ms = 30000;
  double rw_min_backoff_ms = 30;
  double rw_max_backoff_ms = 5000;
  double rw_flush_deadline_ms = 5000;
};

std::chrono::milliseconds Ms(double ms) { return std::chrono::milliseconds(static_cast<long>(ms + 0.5)); }

// The remote_write flags, named after Prometheus' remote_write config keys.
void AddRemoteWriteOptions(CLI::App* cmd, ServeFlags& flags) {
  exporter::RemoteWriteOptions& rw = flags.serve.remote_write;
  const std::string group = "remote_write";
  cmd->add_option("--remote-write.url", rw.urls,
                  "Also push every collection to this Prometheus remote_write 1.0 receiver "
                  "(e.g. http://prometheus:9090/api/v1/write); repeat for several")
      ->group(group);
  cmd->add_option("--remote-write.label", rw.labels,
                  "External label name=value added to every pushed series that lacks it "
                  "(e.g. host=node1); repeatable")
      ->group(group);
  AddDurationOption(cmd, "--remote-write.interval", &flags.rw_interval_ms,
                    "Collect and push this often", 100, 3600000);
  cmd->get_option("--remote-write.interval")->group(group);
  AddDurationOption(cmd, "--remote-write.timeout", &flags.rw_timeout_ms,
                    "Bound on one push (remote_timeout)", 10, 600000);
  cmd->get_option("--remote-write.timeout")->group(group);
  AddDurationOption(cmd, "--remote-write.min-backoff", &flags.rw_min_backoff_ms,
                    "First wait before retrying a push after a 5xx or a network error; "
                    "doubles per retry", 1, 600000);
  cmd->get_option("--remote-write.min-backoff")->group(group);
  AddDurationOption(cmd, "--remote-write.max-backoff", &flags.rw_max_backoff_ms,
                    "Longest wait between retries", 1, 600000);
  cmd->get_option("--remote-write.max-backoff")->group(group);
  AddDurationOption(cmd, "--remote-write.flush-deadline", &flags.rw_flush_deadline_ms,
                    "On shutdown, keep sending the queue for at most this long", 0, 600000);
  cmd->get_option("--remote-write.flush-deadline")->group(group);
  cmd->add_option("--remote-write.queue-capacity", rw.queue_capacity,
                  "Collections held per receiver while it cannot take them; when full the "
                  "oldest is dropped (berth_remote_write_dropped_batches_total)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str()
      ->group(group);
  exporter::RemoteWriteClientOptions& client = rw.client;
  cmd->add_option("--remote-write.basic-auth.username", client.basic_auth_username,
                  "HTTP basic auth user name (basic_auth.username)")
      ->group(group);
  cmd->add_option("--remote-write.basic-auth.password-file", client.basic_auth_password_file,
                  "File holding the basic auth password (basic_auth.password_file; read per push)")
      ->group(group);
  cmd->add_option("--remote-write.bearer-token-file", client.bearer_token_file,
                  "File holding a bearer token sent as 'Authorization: Bearer' "
                  "(bearer_token_file; read per push)")
      ->group(group);
  cmd->add_option("--remote-write.tls.ca-file", client.tls_ca_file,
                  "CA certificate(s) to verify the receiver with (tls_config.ca_file)")
      ->group(group);
  cmd->add_option("--remote-write.tls.cert-file", client.tls_cert_file,
                  "Client certificate (tls_config.cert_file)")
      ->group(group);
  cmd->add_option("--remote-write.tls.key-file", client.tls_key_file,
                  "Client certificate's key (tls_config.key_file)")
      ->group(group);
  cmd->add_option("--remote-write.tls.server-name", client.tls_server_name,
                  "Name to verify the receiver's certificate against and send as SNI "
                  "(tls_config.server_name)")
      ->group(group);
  cmd->add_flag("--remote-write.tls.insecure-skip-verify", client.tls_insecure_skip_verify,
                "Do not verify the receiver's certificate (tls_config.insecure_skip_verify)")
      ->group(group);
}

int Run(ServeFlags& flags) {
  exporter::ServeOptions& options = flags.serve;
  options.remote_write.interval = Ms(flags.rw_interval_ms);
  options.remote_write.client.timeout = Ms(flags.rw_timeout_ms);
  options.remote_write.min_backoff = Ms(flags.rw_min_backoff_ms);
  options.remote_write.max_backoff = Ms(flags.rw_max_backoff_ms);
  options.remote_write.flush_deadline = Ms(flags.rw_flush_deadline_ms);
  // Flag mistakes first, before touching the rootfs or the Docker socket.
  if (std::string why = exporter::ValidateServeOptions(options); !why.empty()) {
    std::fprintf(stderr, "berth serve: %s\n", why.c_str());
    return 1;
  }
  std::string error;
  if (!flags.record.dir.empty()) {
    if (error = PrepareRecordDir(flags.record.dir); !error.empty()) {
      std::fprintf(stderr, "berth serve: %s\n", error.c_str());
      return 1;
    }
  }
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
  std::unique_ptr<Recorder> recorder;
  if (!flags.record.dir.empty()) {
    // RunServe waits for SIGINT/SIGTERM with sigwait and blocks them before
    // its own threads start; the recorder's thread must block them too, or
    // a signal could be delivered to it and end the process.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
    recorder = std::make_unique<Recorder>(flags.record, [&source] { return source.Collect(); });
    recorder->Start();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }
  const int rc = exporter::RunServe(options, source);
  if (recorder) recorder->Stop();
  return rc;
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
  AddRecordOptions(cmd, &flags->record, /*required_dir=*/false);
  AddRemoteWriteOptions(cmd, *flags);
  AddCommonOptions(cmd, &flags->common);
  cmd->callback([flags] {
    const int rc = Run(*flags);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace berth::cli
