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
        BadCase{"NotYaml", "tls_server_config: [unclosed\n", "YAML"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WebConfigTest, UnreadableFileNamesThePath) {
  std::string error;
  EXPECT_FALSE(LoadWebConfig("/nonexistent/berth-web.yml", &error));
  EXPECT_NE(error.find("/nonexistent/berth-web.yml"), std::string::npos);
}

}  // namespace
}  // namespace berth::exporter
