#include "exporter/tls_names.h"

namespace berth::exporter {
namespace {

constexpr GoCipherSuite kCipherSuites[] = {
    {"TLS_AES_128_GCM_SHA256", nullptr},
    {"TLS_AES_256_GCM_SHA384", nullptr},
    {"TLS_CHACHA20_POLY1305_SHA256", nullptr},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
};

struct GoCurve {
  std::string_view go;
  const char* openssl;
};

constexpr GoCurve kCurves[] = {
    {"X25519", "X25519"},
    {"CurveP256", "P-256"},
    {"CurveP384", "P-384"},
    {"CurveP521", "P-521"},
};

}  // namespace

const GoCipherSuite* FindGoCipherSuite(std::string_view go_name) {
  for (const GoCipherSuite& suite : kCipherSuites) {
    if (suite.go == go_name) return &suite;
  }
  return nullptr;
}

const char* OpenSslGroupOfGoCurve(std::string_view go_name) {
  for (const GoCurve& curve : kCurves) {
    if (curve.go == go_name) return curve.openssl;
  }
  return nullptr;
}

std::string GoDefaultTls12CipherList() {
  // kCipherSuites' TLS 1.2 rows are in Go's default preference order.
  std::string list;
  for (const GoCipherSuite& suite : kCipherSuites) {
    if (suite.openssl == nullptr) continue;
    if (!list.empty()) list += ':';
    list += suite.openssl;
  }
  return list;
}

}  // namespace berth::exporter
