// --web.config.file: the Prometheus exporter-toolkit web configuration
// (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md),
// the subset berth implements (inline cert/key/client_ca and rate_limit are
// refused as unknown fields):
//
//   tls_server_config:
//     cert_file: server.crt         # PEM, may hold a chain
//     key_file: server.key
//     client_ca_file: ca.crt        # for client certificates
//     client_auth_type: RequireAndVerifyClientCert  # NoClientCert (default),
//                                   # RequestClientCert, RequireAnyClientCert,
//                                   # VerifyClientCertIfGiven, RequireAndVerifyClientCert
//     client_allowed_sans: [prom.example.org]  # a client certificate must carry one
//                                   # (exact match on a DNS, IP, e-mail or URI SAN)
//     min_version: TLS12            # TLS12 (default) or TLS13; TLS10/TLS11 parse
//     max_version: TLS13            # but the server refuses them (OpenSSL 3's
//                                   # security level disables them)
//     cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]  # Go names (TLS <= 1.2;
//                                   # TLS 1.3 names accepted, not configurable, as in Go)
//     prefer_server_cipher_suites: true  # default true: cipher_suites' order wins
//     curve_preferences: [X25519, CurveP256]  # X25519, CurveP256, CurveP384, CurveP521
//   http_server_config:
//     http2: true                   # accepted; berth speaks HTTP/1.1 only
//     headers:                      # added to every response; only these five:
//       Strict-Transport-Security: max-age=31536000
//       X-Content-Type-Options: nosniff     # the only value allowed
//       X-Frame-Options: deny               # deny or sameorigin
//       X-XSS-Protection: "1"
//       Content-Security-Policy: "default-src 'self'"
//   basic_auth_users:
//     alice: $2y$10$…               # bcrypt hashes (htpasswd -B)
//
// Relative file names are relative to the config file's directory, as in
// exporter-toolkit. Unknown keys are errors (exporter-toolkit parses
// strictly). Parse/Load return nullopt and set *error to one line on any
// problem; they do not open the TLS files (exporter/tls_context.h does).
// Thread-safe (pure).
#ifndef BERTH_EXPORTER_WEB_CONFIG_H_
#define BERTH_EXPORTER_WEB_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // nullopt: not given (no check); given (even empty): a client certificate
  // must carry one of these SANs.
  std::optional<std::vector<std::string>> client_allowed_sans;
  std::vector<std::string> cipher_suites;      // Go names, checked against tls_names.h
  std::vector<std::string> curve_preferences;  // Go names, checked against tls_names.h
  bool prefer_server_cipher_suites = true;
};

struct HttpServerConfig {
  bool http2 = true;  // accepted for compatibility; berth serves HTTP/1.1 only
  std::map<std::string, std::string> headers;  // name -> value, blank values left out
};

struct WebConfig {
  std::optional<TlsConfig> tls;
  HttpServerConfig http;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
};

// `base_dir` resolves relative file names ("" leaves them as they are).
std::optional<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& base_dir,
                                        std::string* error);
std::optional<WebConfig> LoadWebConfig(const std::string& path, std::string* error);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_WEB_CONFIG_H_
