// The OpenSSL server context for a tls_server_config, with exporter-toolkit's
// semantics (exporter/web_config.h lists the keys):
//   - cert_file/key_file/client_ca_file are read now (errors name the file);
//   - client_auth_type maps to Go's ClientAuthType (Request/RequireAny accept
//     any certificate, VerifyClientCertIfGiven/RequireAndVerify check it
//     against client_ca_file);
//   - client_allowed_sans: the client certificate (required then) must carry
//     one of the listed strings as a DNS, e-mail, IP (Go's text form:
//     "10.0.0.1", "2001:db8::1") or URI SAN, exact match; otherwise the
//     handshake fails with a bad-certificate alert, as Go's
//     VerifyPeerCertificate hook does;
//   - cipher_suites: the TLS 1.2 suites, in order (default: Go's default
//     ECDHE list, never OpenSSL's wider one); TLS 1.3 names change nothing (Go
//     cannot configure them either). Only TLS 1.3 names listed: TLS 1.2 is
//     off (no suite left for it), and with max_version TLS12 that is an error;
//   - prefer_server_cipher_suites (default true): the server's order wins;
//   - curve_preferences: the ECDHE groups, in order (default: OpenSSL's);
//   - min_version/max_version: TLS12 and TLS13. TLS10 and TLS11 are refused
//     with one line: OpenSSL 3 disables them at security level 1 and above
//     (Debian's default is 2), and berth does not lower the level.
// Renegotiation and compression are off.
// Thread-safety: BuildTlsContext is pure; the context may be shared.
#ifndef BERTH_EXPORTER_TLS_CONTEXT_H_
#define BERTH_EXPORTER_TLS_CONTEXT_H_

#include <openssl/types.h>

#include <memory>
#include <string>
#include <vector>

#include "exporter/web_config.h"

namespace berth::exporter {

// nullptr and a one-line *error when the config cannot be honoured.
std::shared_ptr<SSL_CTX> BuildTlsContext(const TlsConfig& tls, std::string* error);

// A certificate's DNS, e-mail, IP and URI SANs as Go's crypto/x509 shows them.
std::vector<std::string> SubjectAltNames(X509* cert);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_TLS_CONTEXT_H_
