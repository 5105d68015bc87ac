// ParseRequestHead: table-driven, one row per shape of request head.
#include "exporter/http_request.h"

#include <string>

#include <gtest/gtest.h>

namespace berth::exporter {
namespace {

using Status = RequestHead::Status;

// A literal with its NUL bytes, without the terminating one.
template <size_t N>
std::string Bytes(const char (&text)[N]) {
  return std::string(text, N - 1);
}

struct Case {
  const char* name;
  std::string input;
  Status status;
  size_t consumed = 0;  // checked when complete; 0: the whole input
  std::string path = "";
  bool keep_alive = true;
  bool has_body = false;
};

TEST(HttpRequestTest, Table) {
  const std::string get = "GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n";
  const Case cases[] = {
      {"complete", get, Status::kComplete, get.size(), "/metrics"},
      {"pipelined rest not consumed", get + "GET /healthz", Status::kComplete, get.size(),
       "/metrics"},
      {"no blank line yet", "GET /metrics HTTP/1.1\r\nHost: h\r\n", Status::kIncomplete},
      {"request line only, unterminated", "GET /metr", Status::kIncomplete},
      {"empty", "", Status::kIncomplete},
      {"bare LF", "GET /a HTTP/1.1\nHost: h\n\n", Status::kComplete, 0, "/a"},
      {"leading empty lines skipped", "\r\n\r\nGET /a HTTP/1.1\r\n\r\n", Status::kComplete, 0,
       "/a"},
      {"query dropped, percent decoded", "GET /api/v1/containers/a%20b?x=1 HTTP/1.1\r\n\r\n",
       Status::kComplete, 0, "/api/v1/containers/a b"},
      {"HTTP/1.0 closes", "GET / HTTP/1.0\r\n\r\n", Status::kComplete, 0, "/", false},
      {"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
       Status::kComplete, 0, "/", true},
      {"connection close, any case, in a list",
       "GET / HTTP/1.1\r\nconnection: foo, CLOSE\r\n\r\n", Status::kComplete, 0, "/", false},
      {"content-length 0 is no body", "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
       Status::kComplete, 0, "/", true, false},
      {"content-length body", "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", Status::kComplete,
       0, "/", true, true},
      {"transfer-encoding body", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
       Status::kComplete, 0, "/", true, true},
      {"HTTP/2 refused", "GET / HTTP/2\r\n\r\n", Status::kBad},
      {"HTTP/1.1 lowercase refused", "GET / http/1.1\r\n\r\n", Status::kBad},
      {"absolute target refused", "GET http://h/ HTTP/1.1\r\n\r\n", Status::kBad},
      {"control byte in target", std::string("GET /a\x01 HTTP/1.1\r\n\r\n"), Status::kBad},
      {"NUL in header", Bytes("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), Status::kBad},
      {"bare CR inside a line", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", Status::kBad},
      {"space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", Status::kBad},
      {"no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", Status::kBad},
      {"obsolete folding", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", Status::kBad},
      {"bad content-length", "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", Status::kBad},
      {"bad percent escape", "GET /%zz HTTP/1.1\r\n\r\n", Status::kBad},
      {"garbage first line", Bytes("\x16\x03\x01\x02\x00\x01\r\n\r\n"), Status::kBad},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const RequestHead head = ParseRequestHead(c.input);
    ASSERT_EQ(head.status, c.status);
    if (c.status != Status::kComplete) continue;
    EXPECT_EQ(head.consumed, c.consumed != 0 ? c.consumed : c.input.size());
    EXPECT_EQ(head.method, "GET");
    EXPECT_EQ(head.path, c.path);
    EXPECT_EQ(head.keep_alive, c.keep_alive);
    EXPECT_EQ(head.has_body, c.has_body);
  }
}

TEST(HttpRequestTest, KeepsAuthorizationAndAcceptEncoding) {
  const RequestHead head = ParseRequestHead(
      "GET /metrics HTTP/1.1\r\nAuthorization:  Basic dTpw \r\nACCEPT-ENCODING: gzip\r\n\r\n");
  ASSERT_EQ(head.status, Status::kComplete);
  EXPECT_EQ(head.authorization, "Basic dTpw");
  EXPECT_EQ(head.accept_encoding, "gzip");
}

}  // namespace
}  // namespace berth::exporter
