// The web config's TLS and HTTP keys against real OpenSSL handshakes:
// client_allowed_sans (DNS, IP, e-mail, URI), cipher_suites,
// prefer_server_cipher_suites, curve_preferences, min/max_version,
// http_server_config.headers, and the reload of the config file and its
// certificates (rotation picked up, a broken file keeps the old settings,
// open connections unaffected). Certificates are made by the openssl CLI.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "exporter/http_server.h"
#include "exporter/tls_context.h"
#include "exporter/web_settings.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

class FixedSource : public SnapshotSource {
 public:
  collector::SnapshotPtr Collect() override { return testing::MakeSnapshot(2); }
  collector::ErrorCounts ErrorTotals() const override { return {}; }
};

int PortOf(const std::string& bound) { return std::stoi(bound.substr(bound.rfind(':') + 1)); }

struct ClientOptions {
  int max_version = 0;
  std::string ciphers;       // TLS 1.2 cipher list ("" = OpenSSL default)
  std::string groups;        // "" = OpenSSL default
  std::string cert, key;     // client certificate
  bool client_prefers = false;
};

// One TLS client connection made with OpenSSL directly (full control of
// what it offers). Keep-alive requests until destroyed.
class TlsClient {
 public:
  TlsClient(int port, const ClientOptions& options) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    if (options.max_version != 0) SSL_CTX_set_max_proto_version(ctx_, options.max_version);
    if (!options.ciphers.empty()) SSL_CTX_set_cipher_list(ctx_, options.ciphers.c_str());
    if (!options.groups.empty()) SSL_CTX_set1_groups_list(ctx_, options.groups.c_str());
    if (!options.cert.empty()) {
      SSL_CTX_use_certificate_file(ctx_, options.cert.c_str(), SSL_FILETYPE_PEM);
      SSL_CTX_use_PrivateKey_file(ctx_, options.key.c_str(), SSL_FILETYPE_PEM);
    }
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return;
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    handshake_ok_ = SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~TlsClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) close(fd_);
    SSL_CTX_free(ctx_);
  }

  bool handshake_ok() const { return handshake_ok_; }
  std::string cipher() const { return handshake_ok_ ? SSL_get_cipher_name(ssl_) : ""; }
  std::string version() const { return handshake_ok_ ? SSL_get_version(ssl_) : ""; }
  // The server certificate's serial number in hex.
  std::string serial() const {
    if (!handshake_ok_) return "";
    X509* cert = SSL_get1_peer_certificate(ssl_);
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
    char* hex = BN_bn2hex(bn);
    std::string out = hex;
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(cert);
    return out;
  }

  void Send(const std::string& text) {
    ASSERT_EQ(SSL_write(ssl_, text.data(), static_cast<int>(text.size())),
              static_cast<int>(text.size()));
  }

  // The response head and body of one keep-alive GET ("" when refused).
  std::string Get(const std::string& path, const std::string& extra = "") {
    if (!handshake_ok_) return "";
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0) {
      ERR_clear_error();
      return "";
    }
    std::string in;
    char buffer[16384];
    for (;;) {
      const size_t end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t at = in.find("Content-Length: ");
        const size_t length = at == std::string::npos ? 0 : std::stoul(in.substr(at + 16));
        if (in.size() >= end + 4 + length) return in;
      }
      const int n = SSL_read(ssl_, buffer, sizeof(buffer));
      if (n <= 0) {
        ERR_clear_error();
        return "";
      }
      in.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool handshake_ok_ = false;
};

bool Ok(const std::string& response) { return response.rfind("HTTP/1.1 200", 0) == 0; }

// A CA, an RSA server certificate and client certificates with one SAN each.
class TlsConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) return;
    char pattern[] = "/tmp/berth-tls-config-test.XXXXXX";
    dir_ = new std::string(mkdtemp(pattern));
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    std::string script = "(cd " + *dir_ + " && openssl req -x509 " + ec +
                         " -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca";
    script += " && openssl req -x509 " + ec + " -keyout other-ca.key -out other-ca.crt -days 2 "
              "-subj /CN=other-ca";
    script += " && " + Issue("server", "-newkey rsa:2048 -nodes", "DNS:localhost", "ca") +
              " && " + Issue("server2", "-newkey rsa:2048 -nodes", "DNS:localhost", "ca");
    for (const auto& [name, san] : kClients) script += " && " + Issue(name, ec, san, "ca");
    script += " && " + Issue("stranger", ec, "DNS:prom.example.org", "other-ca");
    script += ") >/dev/null 2>&1";
    ok_ = std::system(script.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (dir_ == nullptr) GTEST_SKIP() << "no openssl CLI";
    ASSERT_TRUE(ok_) << "openssl could not make the test certificates";
  }

  static std::string Issue(const std::string& name, const std::string& key_options,
                           const std::string& san, const std::string& ca) {
    return "openssl req " + key_options + " -keyout " + name + ".key -out " + name +
           ".csr -subj /CN=" + name + " && printf 'subjectAltName=" + san + "\\n' > " + name +
           ".ext && openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
           ".key -CAcreateserial -out " + name + ".crt -days 2 -extfile " + name + ".ext";
  }
  static std::string File(const std::string& name) { return *dir_ + "/" + name; }
  static void Write(const std::string& name, const std::string& text) {
    std::ofstream(File(name) + ".tmp") << text;
    std::filesystem::rename(File(name) + ".tmp", File(name));  // atomic, as tools do
  }
  ClientOptions Client(const std::string& name) {
    ClientOptions options;
    options.cert = File(name + ".crt");
    options.key = File(name + ".key");
    return options;
  }

  // Serves with the web config `yaml` (written to web.yml in the test dir).
  void Serve(const std::string& yaml) {
    Write("web.yml", yaml);
    std::string error;
    web_ = WebConfigReloader::Load(File("web.yml"), &error);
    ASSERT_TRUE(web_) << error;
    server_ = std::make_unique<HttpServer>(handlers_, *web_);
    ASSERT_TRUE(server_->Bind(*ParseListenAddress("127.0.0.1:0", &error), &error)) << error;
    server_->Start(nullptr);
    port_ = PortOf(server_->bound()[0]);
  }
  static std::string Tls(const std::string& more) {
    return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + more;
  }
  // The error BuildTlsContext gives for tls_server_config `more` ("" when it builds).
  static std::string BuildError(const std::string& more) {
    std::string error;
    auto config = ParseWebConfig(Tls(more), *dir_, &error);
    if (!config) return "parse: " + error;
    return BuildTlsContext(*config->tls, &error) ? "" : error;
  }

  static constexpr std::pair<const char*, const char*> kClients[] = {
      {"dns", "DNS:prom.example.org"},
      {"ip", "IP:10.1.2.3"},
      {"ip6", "IP:2001:db8::7"},
      {"email", "email:prom@example.org"},
      {"uri", "URI:spiffe://example.org/prom"},
      {"wrong", "DNS:other.example.org,IP:10.9.9.9"},
  };
  static std::string* dir_;
  static bool ok_;

  FixedSource source_;
  SharedCollection collection_{source_, std::chrono::milliseconds(500)};
  HttpHandlers handlers_{collection_, FamilyOptions{}, "/metrics"};
  std::unique_ptr<WebConfigReloader> web_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};
std::string* TlsConfigTest::dir_ = nullptr;
bool TlsConfigTest::ok_ = false;

TEST_F(TlsConfigTest, SubjectAltNamesAsGoPrintsThem) {
  for (const auto& [name, expected] : {std::pair{"dns", "prom.example.org"},
                                       std::pair{"ip", "10.1.2.3"}, std::pair{"ip6", "2001:db8::7"},
                                       std::pair{"email", "prom@example.org"},
                                       std::pair{"uri", "spiffe://example.org/prom"}}) {
    FILE* file = std::fopen(File(std::string(name) + ".crt").c_str(), "r");
    ASSERT_NE(file, nullptr);
    X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
    std::fclose(file);
    EXPECT_EQ(SubjectAltNames(cert), std::vector<std::string>{expected}) << name;
    X509_free(cert);
  }
}

TEST_F(TlsConfigTest, ClientAllowedSansMatchDnsIpEmailUriExactly) {
  Serve(Tls("  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n"
            "  client_allowed_sans: [prom.example.org, 10.1.2.3, '2001:db8::7', prom@example.org,"
            " 'spiffe://example.org/prom', PROM.EXAMPLE.ORG.]\n"));
  for (const char* name : {"dns", "ip", "ip6", "email", "uri"}) {
    EXPECT_TRUE(Ok(TlsClient(port_, Client(name)).Get("/healthz"))) << name;
  }
  // A CA-signed certificate without an allowed SAN is refused, under TLS
  // 1.3 (the alert comes after the client's handshake) and TLS 1.2.
  EXPECT_EQ(TlsClient(port_, Client("wrong")).Get("/healthz"), "");
  ClientOptions tls12 = Client("wrong");
  tls12.max_version = TLS1_2_VERSION;
  EXPECT_FALSE(TlsClient(port_, tls12).handshake_ok());
  // No certificate, or one from another CA carrying an allowed SAN: refused.
  EXPECT_EQ(TlsClient(port_, ClientOptions{}).Get("/healthz"), "");
  EXPECT_EQ(TlsClient(port_, Client("stranger")).Get("/healthz"), "");
}

TEST_F(TlsConfigTest, AllowedSansWhenTheCertificateIsOptionalStillNeedOne) {
  Serve(Tls("  client_ca_file: ca.crt\n  client_auth_type: VerifyClientCertIfGiven\n"
            "  client_allowed_sans: [prom.example.org]\n"));
  EXPECT_TRUE(Ok(TlsClient(port_, Client("dns")).Get("/healthz")));
  EXPECT_EQ(TlsClient(port_, ClientOptions{}).Get("/healthz"), "");
  EXPECT_EQ(TlsClient(port_, Client("wrong")).Get("/healthz"), "");
}

TEST_F(TlsConfigTest, CipherSuitesAndServerPreference) {
  const std::string suites =
      "  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
      " TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n";
  Serve(Tls(suites));
  ClientOptions other;
  other.ciphers = "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-SHA";
  EXPECT_FALSE(TlsClient(port_, other).handshake_ok()) << "a suite not in cipher_suites";
  ClientOptions both;
  both.ciphers = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
  TlsClient preferred(port_, both);
  EXPECT_TRUE(Ok(preferred.Get("/healthz")));
  EXPECT_EQ(preferred.cipher(), "ECDHE-RSA-AES128-GCM-SHA256") << "the server's order wins";
  EXPECT_EQ(preferred.version(), "TLSv1.2");
  server_.reset();
  Serve(Tls(suites + "  prefer_server_cipher_suites: false\n"));
  EXPECT_EQ(TlsClient(port_, both).cipher(), "ECDHE-RSA-AES256-GCM-SHA384") << "the client's";
}

TEST_F(TlsConfigTest, WithoutCipherSuitesGoDefaultsNotOpenSslsWiderList) {
  Serve(Tls("  max_version: TLS12\n"));
  ClientOptions rsa_kex;
  rsa_kex.ciphers = "AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256";
  EXPECT_FALSE(TlsClient(port_, rsa_kex).handshake_ok());
  EXPECT_TRUE(Ok(TlsClient(port_, ClientOptions{}).Get("/healthz")));
}

TEST_F(TlsConfigTest, CurvePreferencesLimitTheGroups) {
  Serve(Tls("  curve_preferences: [CurveP521]\n"));
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    ClientOptions p256;
    p256.groups = "P-256:X25519";
    p256.max_version = version;
    EXPECT_FALSE(TlsClient(port_, p256).handshake_ok()) << version;
    ClientOptions p521;
    p521.groups = "P-256:P-521";
    p521.max_version = version;
    EXPECT_TRUE(Ok(TlsClient(port_, p521).Get("/healthz"))) << version;
  }
}

TEST_F(TlsConfigTest, VersionBounds) {
  Serve(Tls("  min_version: TLS13\n"));
  ClientOptions tls12;
  tls12.max_version = TLS1_2_VERSION;
  EXPECT_FALSE(TlsClient(port_, tls12).handshake_ok());
  EXPECT_EQ(TlsClient(port_, ClientOptions{}).version(), "TLSv1.3");
  server_.reset();
  Serve(Tls("  max_version: TLS12\n"));
  EXPECT_EQ(TlsClient(port_, ClientOptions{}).version(), "TLSv1.2");
}

TEST_F(TlsConfigTest, WhatCannotBeHonouredIsOneLineAtStartup) {
  for (const auto& [more, part] : {
           std::pair{"  min_version: TLS10\n", "min_version TLS10 cannot be honoured"},
           std::pair{"  min_version: TLS11\n", "min_version TLS11 cannot be honoured"},
           std::pair{"  max_version: TLS12\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
                     "names only TLS 1.3 suites"},
       }) {
    const std::string error = BuildError(more);
    EXPECT_NE(error.find(part), std::string::npos) << more << " -> " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  // TLS 1.3 suites alone: TLS 1.3 only (Go has no TLS 1.2 suite left either).
  EXPECT_EQ(BuildError("  cipher_suites: [TLS_AES_128_GCM_SHA256]\n"), "");
  EXPECT_EQ(BuildError("  cipher_suites: [TLS_AES_128_GCM_SHA256, "
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA]\n  curve_preferences: [X25519, "
                       "CurveP256, CurveP384, CurveP521]\n"),
            "");
}

TEST_F(TlsConfigTest, TlsOnlySuitesMeanTls13Only) {
  Serve(Tls("  cipher_suites: [TLS_AES_256_GCM_SHA384]\n"));
  ClientOptions tls12;
  tls12.max_version = TLS1_2_VERSION;
  EXPECT_FALSE(TlsClient(port_, tls12).handshake_ok());
  EXPECT_TRUE(Ok(TlsClient(port_, ClientOptions{}).Get("/healthz")));
}

TEST_F(TlsConfigTest, HeadersOnEveryResponse) {
  Serve(Tls("") + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
            "    Strict-Transport-Security: max-age=31536000\n    X-XSS-Protection: ''\n"
            "basic_auth_users:\n  u: $2y$04$abcdefghijklmnopqrstuuoD8yw7MmybLKVooaTGGZAt3HXugv2.a\n");
  TlsClient client(port_, ClientOptions{});
  const std::string unauthorized = client.Get("/metrics");
  EXPECT_EQ(unauthorized.rfind("HTTP/1.1 401", 0), 0u) << unauthorized;
  for (const std::string& response : {unauthorized, client.Get("/nope")}) {
    EXPECT_NE(response.find("\r\nX-Frame-Options: deny\r\n"), std::string::npos) << response;
    EXPECT_NE(response.find("\r\nStrict-Transport-Security: max-age=31536000\r\n"),
              std::string::npos);
    EXPECT_EQ(response.find("X-XSS-Protection"), std::string::npos) << "blank: unset";
  }
}

TEST_F(TlsConfigTest, ReloadPicksUpARotatedCertificateAndKeepsTheOldOnABrokenFile) {
  std::filesystem::copy_file(File("server.crt"), File("live.crt"),
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(File("server.key"), File("live.key"),
                             std::filesystem::copy_options::overwrite_existing);
  const std::string yaml = "tls_server_config:\n  cert_file: live.crt\n  key_file: live.key\n";
  Serve(yaml);
  TlsClient before(port_, ClientOptions{});
  const std::string first_serial = before.serial();
  ASSERT_TRUE(Ok(before.Get("/healthz")));

  // Rotation: the next connection gets the new certificate, without a restart.
  Write("live.key", std::string(std::istreambuf_iterator<char>(
                        *std::make_unique<std::ifstream>(File("server2.key"))), {}));
  Write("live.crt", std::string(std::istreambuf_iterator<char>(
                        *std::make_unique<std::ifstream>(File("server2.crt"))), {}));
  TlsClient after(port_, ClientOptions{});
  EXPECT_TRUE(Ok(after.Get("/healthz")));
  EXPECT_NE(after.serial(), first_serial);
  EXPECT_TRUE(Ok(before.Get("/healthz"))) << "an open connection is unaffected";

  // A broken config keeps the previous settings; fixing it applies the new one.
  Write("web.yml", "tls_server_config: [broken\n");
  TlsClient broken(port_, ClientOptions{});
  EXPECT_TRUE(Ok(broken.Get("/healthz")));
  EXPECT_EQ(broken.serial(), after.serial());
  // A key that does not match its certificate is kept out as well.
  Write("web.yml", "tls_server_config:\n  cert_file: live.crt\n  key_file: server.key\n");
  EXPECT_EQ(TlsClient(port_, ClientOptions{}).serial(), after.serial());
  // Headers and users come from the file on each request.
  Write("web.yml", yaml + "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n");
  EXPECT_NE(TlsClient(port_, ClientOptions{}).Get("/healthz").find("X-Content-Type-Options: nosniff"),
            std::string::npos);
  // Switching TLS off needs a restart: kept.
  Write("web.yml", "basic_auth_users: {}\n");
  EXPECT_TRUE(Ok(TlsClient(port_, ClientOptions{}).Get("/healthz")));
}

// Collect() waits until Open(); Entered() waits for a collection to start.
class GatedSource : public SnapshotSource {
 public:
  collector::SnapshotPtr Collect() override {
    entered_.set_value();
    open_.wait();
    return testing::MakeSnapshot(50);
  }
  collector::ErrorCounts ErrorTotals() const override { return {}; }
  void Entered() { entered_.get_future().wait(); }
  void Open() { opener_.set_value(); }

 private:
  std::promise<void> entered_, opener_;
  std::shared_future<void> open_ = opener_.get_future().share();
};

// SSL_write has no MSG_NOSIGNAL: a client that closes while its /metrics is
// being written used to end the whole process with SIGPIPE.
TEST_F(TlsConfigTest, AClientGoneMidResponseDoesNotKillTheServer) {
  GatedSource gated;
  SharedCollection collection(gated, std::chrono::milliseconds(0));
  HttpHandlers handlers(collection, FamilyOptions{}, "/metrics");
  Write("web.yml", Tls(""));
  std::string error;
  web_ = WebConfigReloader::Load(File("web.yml"), &error);
  ASSERT_TRUE(web_) << error;
  HttpServer server(handlers, *web_);
  ASSERT_TRUE(server.Bind(*ParseListenAddress("127.0.0.1:0", &error), &error)) << error;
  server.Start(nullptr);
  const int port = PortOf(server.bound()[0]);
  {
    ClientOptions tls12;  // TLS 1.3 session tickets left unread would make close() a RST
    tls12.max_version = TLS1_2_VERSION;
    TlsClient leaving(port, tls12);
    ASSERT_TRUE(leaving.handshake_ok());
    leaving.Send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    gated.Entered();
  }  // a FIN before the answer: the server's first write draws a RST, the next EPIPE
  gated.Open();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Ok(TlsClient(port, ClientOptions{}).Get("/healthz")));
}

}  // namespace
}  // namespace berth::exporter
