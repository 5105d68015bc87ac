// --web.config.file: the Prometheus exporter-toolkit web configuration
// (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md),
// the subset berth implements:
//
//   tls_server_config:
//     cert_file: server.crt         # PEM, may hold a chain
//     key_file: server.key
//     client_ca_file: ca.crt        # for client certificates
//     client_auth_type: RequireAndVerifyClientCert  # NoClientCert (default),
//                                   # RequestClientCert, RequireAnyClientCert,
//                                   # VerifyClientCertIfGiven, RequireAndVerifyClientCert
//     min_version: TLS12            # TLS10 … TLS13 (default TLS12)
//     max_version: TLS13
//   http_server_config:             # accepted; berth speaks HTTP/1.1 only
//     http2: true
//   basic_auth_users:
//     alice: $2y$10$…               # bcrypt hashes (htpasswd -B)
//
// Relative file names are relative to the config file's directory, as in
// exporter-toolkit. Unknown keys are errors (exporter-toolkit parses
// strictly). Parse/Load return nullopt and set *error to one line on any
// problem; they do not open the TLS files (the server does, at start).
// Thread-safe (pure).
#ifndef BERTH_EXPORTER_WEB_CONFIG_H_
#define BERTH_EXPORTER_WEB_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace berth::exporter {

enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  int min_version = 0x0303;  // TLS1_2_VERSION
  int max_version = 0;       // 0 = the highest OpenSSL supports
};

struct WebConfig {
  std::optional<TlsConfig> tls;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
};

// `base_dir` resolves relative file names ("" leaves them as they are).
std::optional<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& base_dir,
                                        std::string* error);
std::optional<WebConfig> LoadWebConfig(const std::string& path, std::string* error);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_WEB_CONFIG_H_
