// The Go crypto/tls names the web config file uses (exporter-toolkit passes
// them to Go) and their OpenSSL equivalents: one table each.
//
// Cipher suites: exactly the names Go's tls.CipherSuites() returns (what
// exporter-toolkit accepts; Go calls the RSA-key-exchange, 3DES, RC4 and
// CBC-SHA256 suites insecure and the toolkit refuses them as unknown). The
// three TLS 1.3 suites have no OpenSSL TLS 1.2 name (openssl == nullptr): Go
// does not let them be configured, so they are accepted and change nothing.
// Curves: exporter-toolkit's four names -> OpenSSL group names.
// Pure; thread-safe.
#ifndef BERTH_EXPORTER_TLS_NAMES_H_
#define BERTH_EXPORTER_TLS_NAMES_H_

#include <string>
#include <string_view>

namespace berth::exporter {

struct GoCipherSuite {
  std::string_view go;
  const char* openssl;  // nullptr: a TLS 1.3 suite (not configurable)
};

// nullptr when `go_name` is not one of Go's secure suites.
const GoCipherSuite* FindGoCipherSuite(std::string_view go_name);
// "X25519" -> "X25519", "CurveP256" -> "P-256" …; nullptr when unknown.
const char* OpenSslGroupOfGoCurve(std::string_view go_name);
// The TLS 1.2 suites Go offers by default, in Go's order, as an OpenSSL
// cipher list (used when cipher_suites is not given).
std::string GoDefaultTls12CipherList();

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_TLS_NAMES_H_
