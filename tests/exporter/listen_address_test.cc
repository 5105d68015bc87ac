#include <gtest/gtest.h>

#include "exporter/listen_address.h"

namespace berth::exporter {
namespace {

struct Case {
  const char* text;
  const char* host;
  int port;
};

TEST(ListenAddressTest, Valid) {
  for (const Case& c : {Case{":11099", "", 11099}, Case{"[::]:11099", "", 11099},
                        Case{"0.0.0.0:11099", "0.0.0.0", 11099}, Case{"127.0.0.1:0", "127.0.0.1", 0},
                        Case{"[::1]:8080", "::1", 8080}, Case{"localhost:65535", "localhost", 65535},
                        Case{"[fe80::1%lo]:80", "fe80::1%lo", 80}}) {
    std::string error;
    auto address = ParseListenAddress(c.text, &error);
    ASSERT_TRUE(address) << c.text << ": " << error;
    EXPECT_EQ(address->host, c.host) << c.text;
    EXPECT_EQ(address->port, c.port) << c.text;
    EXPECT_EQ(address->text, c.text);
  }
}

TEST(ListenAddressTest, InvalidGiveReasons) {
  for (const char* text : {"", "11099", "::1:80", "[::1]80", "[::1", "127.0.0.1:", "host:http",
                           "host:65536", "host:-1", "[]:80", "[127.0.0.1]:80"}) {
    std::string error;
    EXPECT_FALSE(ParseListenAddress(text, &error)) << text;
    EXPECT_NE(error.find("invalid listen address"), std::string::npos) << text;
  }
}

TEST(ListenAddressTest, FormatBracketsIpv6) {
  EXPECT_EQ(FormatHostPort("::", 1), "[::]:1");
  EXPECT_EQ(FormatHostPort("127.0.0.1", 2), "127.0.0.1:2");
}

}  // namespace
}  // namespace berth::exporter
