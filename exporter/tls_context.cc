#include "exporter/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <optional>

#include "exporter/tls_names.h"

namespace berth::exporter {
namespace {

std::string OpenSslError() {
  std::string message;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!message.empty()) message += "; ";
    message += buffer;
  }
  return message.empty() ? "unknown OpenSSL error" : message;
}

const char* VersionName(int version) {
  switch (version) {
    case TLS1_VERSION: return "TLS10";
    case TLS1_1_VERSION: return "TLS11";
    case TLS1_2_VERSION: return "TLS12";
    default: return "TLS13";
  }
}

// What the certificate check of one context needs; owned by the context
// (freed with it through its ex_data slot).
struct ClientCertPolicy {
  bool verify_chain = false;
  std::optional<std::vector<std::string>> allowed_sans;
};

void FreePolicy(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
                void* /*argp*/) {
  delete static_cast<ClientCertPolicy*>(ptr);
}

int PolicySlot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreePolicy);
  return slot;
}

// SSL_CTX_set_cert_verify_callback: runs once per presented client chain.
int CheckClientChain(X509_STORE_CTX* store, void* arg) {
  const ClientCertPolicy& policy = *static_cast<const ClientCertPolicy*>(arg);
  if (policy.verify_chain && X509_verify_cert(store) <= 0) return 0;
  if (policy.allowed_sans) {
    const std::vector<std::string> sans = SubjectAltNames(X509_STORE_CTX_get0_cert(store));
    const bool allowed = std::any_of(sans.begin(), sans.end(), [&](const std::string& san) {
      return std::find(policy.allowed_sans->begin(), policy.allowed_sans->end(), san) !=
             policy.allowed_sans->end();
    });
    if (!allowed) {
      X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
  }
  return 1;
}

std::string Text(const ASN1_STRING* text) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                     static_cast<size_t>(ASN1_STRING_length(text)));
}

std::optional<std::string> IpText(const ASN1_OCTET_STRING* ip) {
  const unsigned char* bytes = ASN1_STRING_get0_data(ip);
  const int length = ASN1_STRING_length(ip);
  char buffer[INET6_ADDRSTRLEN];
  static constexpr unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (length == 16 && std::equal(bytes, bytes + 12, kV4Mapped)) {  // Go prints these as IPv4
    bytes += 12;
    return inet_ntop(AF_INET, bytes, buffer, sizeof(buffer)) ? std::optional(buffer) : std::nullopt;
  }
  if (length == 4) {
    return inet_ntop(AF_INET, bytes, buffer, sizeof(buffer)) ? std::optional(buffer) : std::nullopt;
  }
  if (length == 16) {
    return inet_ntop(AF_INET6, bytes, buffer, sizeof(buffer)) ? std::optional(buffer) : std::nullopt;
  }
  return std::nullopt;
}

bool SetVerify(SSL_CTX& ctx, const TlsConfig& tls) {
  auto policy = std::make_unique<ClientCertPolicy>();
  policy->allowed_sans = tls.client_allowed_sans;
  int mode = SSL_VERIFY_NONE;
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert: break;
    case ClientAuth::kRequestClientCert: mode = SSL_VERIFY_PEER; break;
    case ClientAuth::kRequireAnyClientCert:
      mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      mode = SSL_VERIFY_PEER;
      policy->verify_chain = true;
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
      policy->verify_chain = true;
      break;
  }
  // With an allow list a certificate is needed to pass it (Go's hook fails
  // on a connection without one).
  if (policy->allowed_sans && mode != SSL_VERIFY_NONE) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(&ctx, mode, nullptr);
  if (mode == SSL_VERIFY_NONE) return true;
  ClientCertPolicy* owned = policy.release();
  if (SSL_CTX_set_ex_data(&ctx, PolicySlot(), owned) != 1) {
    delete owned;
    return false;
  }
  SSL_CTX_set_cert_verify_callback(&ctx, CheckClientChain, owned);
  return true;
}

bool SetProtocols(SSL_CTX& ctx, const TlsConfig& tls, std::string* error) {
  const int level = SSL_CTX_get_security_level(&ctx);
  for (const auto& [key, version] : {std::pair{"min_version", tls.min_version},
                                     std::pair{"max_version", tls.max_version}}) {
    if (version != 0 && version < TLS1_2_VERSION && level >= 1) {
      *error = std::string("tls_server_config: ") + key + " " + VersionName(version) +
               " cannot be honoured: OpenSSL 3 at security level " + std::to_string(level) +
               " refuses TLS 1.0 and 1.1 handshakes (berth does not lower it); use TLS12 or TLS13";
      return false;
    }
  }
  int min_version = tls.min_version;
  std::string tls12_ciphers;
  for (const std::string& name : tls.cipher_suites) {
    const GoCipherSuite* suite = FindGoCipherSuite(name);
    if (suite == nullptr || suite->openssl == nullptr) continue;
    if (!tls12_ciphers.empty()) tls12_ciphers += ':';
    tls12_ciphers += suite->openssl;
  }
  if (tls.cipher_suites.empty()) {
    tls12_ciphers = GoDefaultTls12CipherList();
  } else if (tls12_ciphers.empty()) {
    if (tls.max_version != 0 && tls.max_version < TLS1_3_VERSION) {
      *error = "tls_server_config: cipher_suites names only TLS 1.3 suites (which cannot be "
               "configured, as in Go) but max_version is " + std::string(VersionName(tls.max_version)) +
               ": no handshake could succeed";
      return false;
    }
    min_version = TLS1_3_VERSION;  // no TLS 1.2 suite is left
  }
  if (SSL_CTX_set_min_proto_version(&ctx, min_version) != 1 ||
      (tls.max_version != 0 && SSL_CTX_set_max_proto_version(&ctx, tls.max_version) != 1)) {
    *error = "TLS: unsupported protocol version: " + OpenSslError();
    return false;
  }
  if (!tls12_ciphers.empty() && SSL_CTX_set_cipher_list(&ctx, tls12_ciphers.c_str()) != 1) {
    *error = "TLS: OpenSSL cannot use cipher_suites (" + tls12_ciphers + "): " + OpenSslError();
    return false;
  }
  if (tls.prefer_server_cipher_suites) {
    SSL_CTX_set_options(&ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  } else {
    SSL_CTX_clear_options(&ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  if (!tls.curve_preferences.empty()) {
    std::string groups;
    for (const std::string& name : tls.curve_preferences) {
      const char* group = OpenSslGroupOfGoCurve(name);
      if (group == nullptr) continue;
      if (!groups.empty()) groups += ':';
      groups += group;
    }
    if (SSL_CTX_set1_groups_list(&ctx, groups.c_str()) != 1) {
      *error = "TLS: OpenSSL cannot use curve_preferences (" + groups + "): " + OpenSslError();
      return false;
    }
  }
  return true;
}

bool SetFiles(SSL_CTX& ctx, const TlsConfig& tls, std::string* error) {
  if (SSL_CTX_use_certificate_chain_file(&ctx, tls.cert_file.c_str()) != 1) {
    *error = "TLS: cannot load cert_file " + tls.cert_file + ": " + OpenSslError();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      *error = "TLS: key_file " + tls.key_file + " does not match cert_file " + tls.cert_file;
    } else {
      *error = "TLS: cannot load key_file " + tls.key_file + ": " + OpenSslError();
    }
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    *error = "TLS: key_file " + tls.key_file + " does not match cert_file " + tls.cert_file;
    return false;
  }
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(&ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      *error = "TLS: cannot load client_ca_file " + tls.client_ca_file + ": " + OpenSslError();
      return false;
    }
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(&ctx, names);
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> SubjectAltNames(X509* cert) {
  std::vector<std::string> out;
  if (cert == nullptr) return out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    switch (name->type) {
      case GEN_DNS: out.push_back(Text(name->d.dNSName)); break;
      case GEN_EMAIL: out.push_back(Text(name->d.rfc822Name)); break;
      case GEN_URI: out.push_back(Text(name->d.uniformResourceIdentifier)); break;
      case GEN_IPADD:
        if (auto ip = IpText(name->d.iPAddress)) out.push_back(std::move(*ip));
        break;
      default: break;
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::shared_ptr<SSL_CTX> BuildTlsContext(const TlsConfig& tls, std::string* error) {
  ERR_clear_error();
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (ctx == nullptr) {
    *error = "TLS: cannot create a context: " + OpenSslError();
    return nullptr;
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (!SetProtocols(*ctx, tls, error) || !SetFiles(*ctx, tls, error)) return nullptr;
  if (!SetVerify(*ctx, tls)) {
    *error = "TLS: cannot attach the client certificate policy: " + OpenSslError();
    return nullptr;
  }
  return ctx;
}

}  // namespace berth::exporter
