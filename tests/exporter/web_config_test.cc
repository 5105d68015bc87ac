#include <gtest/gtest.h>

#include "exporter/web_config.h"

namespace berth::exporter {
namespace {

TEST(WebConfigTest, FullExample) {
  const char* yaml = R"(
tls_server_config:
  cert_file: server.crt
  key_file: /etc/berth/server.key
  client_ca_file: ca.crt
  client_auth_type: RequireAndVerifyClientCert
  min_version: TLS13
basic_auth_users:
  alice: $2y$10$X9GsX8GWP0CqQdo3YfNu9.bx66ojN80LnzuU8h7xJ9MsQafQ7ROd6
  bob: $2b$04$abcdefghijklmnopqrstuuoD8yw7MmybLKVooaTGGZAt3HXugv2.a
)";
  std::string error;
  auto config = ParseWebConfig(yaml, "/cfg", &error);
  ASSERT_TRUE(config) << error;
  ASSERT_TRUE(config->tls);
  EXPECT_EQ(config->tls->cert_file, "/cfg/server.crt");
  EXPECT_EQ(config->tls->key_file, "/etc/berth/server.key");
  EXPECT_EQ(config->tls->client_ca_file, "/cfg/ca.crt");
  EXPECT_EQ(config->tls->client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(config->tls->min_version, 0x0304);
  EXPECT_EQ(config->basic_auth_users.size(), 2u);
  EXPECT_EQ(config->basic_auth_users.at("bob").substr(0, 7), "$2b$04$");
}

TEST(WebConfigTest, TlsAndHttpKeysOfExporterToolkit) {
  const char* yaml = R"(
tls_server_config:
  cert_file: a
  key_file: b
  client_ca_file: ca
  client_auth_type: RequireAndVerifyClientCert
  client_allowed_sans: [prom.example.org, 10.0.0.1]
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
  curve_preferences: [X25519, CurveP521]
  prefer_server_cipher_suites: false
  max_version: TLS12
http_server_config:
  http2: false
  headers:
    X-Frame-Options: sameorigin
    X-Content-Type-Options: nosniff
    Content-Security-Policy: "default-src 'self'"
    X-XSS-Protection: ""
)";
  std::string error;
  auto config = ParseWebConfig(yaml, "", &error);
  ASSERT_TRUE(config) << error;
  const TlsConfig& tls = *config->tls;
  EXPECT_EQ(tls.client_allowed_sans, (std::vector<std::string>{"prom.example.org", "10.0.0.1"}));
  EXPECT_EQ(tls.cipher_suites.size(), 2u);
  EXPECT_EQ(tls.curve_preferences, (std::vector<std::string>{"X25519", "CurveP521"}));
  EXPECT_FALSE(tls.prefer_server_cipher_suites);
  EXPECT_EQ(tls.max_version, 0x0303);
  EXPECT_FALSE(config->http.http2);
  EXPECT_EQ(config->http.headers,
            (std::map<std::string, std::string>{{"X-Frame-Options", "sameorigin"},
                                                {"X-Content-Type-Options", "nosniff"},
                                                {"Content-Security-Policy", "default-src 'self'"}}))
      << "a blank value is unset";
}

TEST(WebConfigTest, DefaultsOfTheTlsAndHttpKeys) {
  std::string error;
  auto config = ParseWebConfig("tls_server_config:\n  cert_file: a\n  key_file: b\n", "", &error);
  ASSERT_TRUE(config) << error;
  EXPECT_FALSE(config->tls->client_allowed_sans) << "not given: no SAN check";
  EXPECT_TRUE(config->tls->prefer_server_cipher_suites);
  EXPECT_TRUE(config->http.http2);
  EXPECT_TRUE(config->http.headers.empty());
}

TEST(WebConfigTest, EmptyFileMeansPlainHttpWithoutAuth) {
  std::string error;
  auto config = ParseWebConfig("", "", &error);
  ASSERT_TRUE(config) << error;
  EXPECT_FALSE(config->tls);
  EXPECT_TRUE(config->basic_auth_users.empty());
}

TEST(WebConfigTest, DefaultsToTls12AndNoClientCert) {
  std::string error;
  auto config = ParseWebConfig("tls_server_config:\n  cert_file: a\n  key_file: b\n", "", &error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->tls->min_version, 0x0303);
  EXPECT_EQ(config->tls->client_auth, ClientAuth::kNoClientCert);
  EXPECT_EQ(config->tls->cert_file, "a");
}

struct BadCase {
  const char* name;
  const char* yaml;
  const char* message_part;
};

class WebConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(WebConfigErrorTest, RejectedWithOneLineReason) {
  std::string error;
  EXPECT_FALSE(ParseWebConfig(GetParam().yaml, "", &error));
  EXPECT_NE(error.find(GetParam().message_part), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WebConfigErrorTest,
    ::testing::Values(
        BadCase{"UnknownTopLevel", "tls_config:\n  cert_file: a\n", "unknown field \"tls_config\""},
        BadCase{"UnknownTlsKey", "tls_server_config:\n  cert: a\n  key_file: b\n",
                "unknown field \"cert\""},
        BadCase{"MissingKey", "tls_server_config:\n  cert_file: a\n", "missing key_file"},
        BadCase{"BadVersion", "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS9\n",
                "invalid min_version"},
        BadCase{"BadClientAuth",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Maybe\n",
                "invalid client_auth_type"},
        BadCase{"VerifyWithoutCa",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: "
                "RequireAndVerifyClientCert\n",
                "needs a client_ca_file"},
        BadCase{"PlainPassword", "basic_auth_users:\n  alice: secret\n", "not a bcrypt hash"},
        BadCase{"ShortHash", "basic_auth_users:\n  alice: $2y$10$abc\n", "not a bcrypt hash"},
        BadCase{"CostOutOfRange",
                "basic_auth_users:\n  alice: $2y$03$X9GsX8GWP0CqQdo3YfNu9.bx66ojN80LnzuU8h7xJ9MsQafQ7ROd6\n",
                "not a bcrypt hash"},
        BadCase{"NulInHash",
                "basic_auth_users:\n  alice: \"$2y$10$X9GsX8GWP0CqQdo3YfNu9.bx66ojN80LnzuU8h7xJ9Ms\\0"
                "afQ7ROd6\"\n",
                "NUL"},
        BadCase{"UnknownCipher",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: "
                "[TLS_RSA_WITH_AES_128_GCM_SHA256]\n",
                "unknown cipher \"TLS_RSA_WITH_AES_128_GCM_SHA256\""},
        BadCase{"OpenSslCipherName",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: "
                "[ECDHE-RSA-AES128-GCM-SHA256]\n",
                "unknown cipher"},
        BadCase{"UnknownCurve",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [P-256]\n",
                "unknown curve \"P-256\""},
        BadCase{"CipherSuitesNotAList",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: x\n",
                "cipher_suites must be a list"},
        BadCase{"PreferNotBool",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  prefer_server_cipher_suites: "
                "maybe\n",
                "must be true or false"},
        BadCase{"SansWithoutClientAuth",
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_allowed_sans: [x]\n",
                "client_allowed_sans needs a client_auth_type"},
        BadCase{"HeaderNotAllowed", "http_server_config:\n  headers:\n    Content-Type: foo\n",
                "HTTP header \"Content-Type\" can not be configured"},
        BadCase{"HeaderNameCase", "http_server_config:\n  headers:\n    x-frame-options: deny\n",
                "can not be configured"},
        BadCase{"FrameOptionsValue", "http_server_config:\n  headers:\n    X-Frame-Options: foo\n",
                "invalid value \"foo\" for HTTP header X-Frame-Options"},
        BadCase{"ContentTypeOptionsValue",
                "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
                "expected one of \"nosniff\""},
        BadCase{"HeaderInjection",
                "http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\r\\nSet-Cookie: x\"\n",
                "line break"},
        BadCase{"Http2NotBool", "http_server_config:\n  http2: sometimes\n", "true or false"},
        BadCase{"NotYaml", "tls_server_config: [unclosed\n", "YAML"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WebConfigTest, UnreadableFileNamesThePath) {
  std::string error;
  EXPECT_FALSE(LoadWebConfig("/nonexistent/berth-web.yml", &error));
  EXPECT_NE(error.find("/nonexistent/berth-web.yml"), std::string::npos);
}

}  // namespace
}  // namespace berth::exporter
