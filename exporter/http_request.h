// The head of one HTTP/1.x request, parsed from the bytes received so far on
// a connection (pure; thread-safe). The server calls ParseRequestHead on its
// input buffer after each read:
//   kIncomplete  no blank line yet (the caller enforces the size cap);
//   kComplete    `consumed` bytes form the head; the rest of the buffer is
//                the next (pipelined) request;
//   kBad         not HTTP/1.0 or 1.1, or a malformed line: answer 400, close.
// Lines may end in CRLF or a bare LF (RFC 9112 2.2). Only what berth serves
// needs is kept: method, the decoded path (query dropped), the headers
// Authorization, Accept-Encoding, Connection and whether a body follows.
#ifndef BERTH_EXPORTER_HTTP_REQUEST_H_
#define BERTH_EXPORTER_HTTP_REQUEST_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace berth::exporter {

struct RequestHead {
  enum class Status { kIncomplete, kComplete, kBad };
  Status status = Status::kIncomplete;
  size_t consumed = 0;  // bytes of the head, blank line included
  std::string method;
  std::string path;  // percent-decoded, without "?query"
  int minor_version = 1;  // HTTP/1.<minor>
  std::string authorization;
  std::string accept_encoding;
  bool keep_alive = true;  // 1.1 unless "Connection: close"; 1.0 only with "keep-alive"
  bool has_body = false;   // Content-Length > 0 or Transfer-Encoding: the server closes after it
};

RequestHead ParseRequestHead(std::string_view buffer);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_HTTP_REQUEST_H_
