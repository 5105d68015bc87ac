// UnixHttpClient: blocking HTTP GET over a unix socket (the Docker Engine API,
// or anything speaking HTTP/1.1 there), built on libcurl with
// CURLOPT_UNIX_SOCKET_PATH. Every request is bounded by a connect timeout and
// a total timeout; the caller may shorten the total per request (a deadline
// shared by several requests). The connection is kept alive between requests
// when the server allows it. A reply body is capped (options.max_body_bytes,
// 16 MiB): one announced larger (Content-Length) is refused before its body
// is read, one that grows past the cap is cut off as it arrives; either is an
// error naming the socket and the cap, and the partial body is freed.
//
// Ownership: owns one libcurl easy handle. Thread-safety: one thread at a
// time per instance (not internally synchronised). Errors are returned in
// UnixHttpResponse, never thrown.
#ifndef BERTH_COLLECTOR_UNIX_HTTP_CLIENT_H_
#define BERTH_COLLECTOR_UNIX_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace berth::collector {

struct UnixHttpClientOptions {
  std::string socket_path = "/var/run/docker.sock";
  std::chrono::milliseconds connect_timeout{300};
  std::chrono::milliseconds total_timeout{1000};
  // Larger bodies are cut off and reported as an error (kTransport). The
  // largest real reply (a list of a few thousand containers) is far below.
  size_t max_body_bytes = 16u << 20;
};

struct UnixHttpResponse {
  enum class Error {
    kNone,         // an HTTP response arrived (any status)
    kNoSocket,     // the socket file does not exist
    kConnect,      // exists but refused / permission denied / not a socket
    kTimeout,      // connect or total timeout elapsed
    kTransport,    // anything else (malformed HTTP, body too large, …)
  };
  Error error = Error::kNone;
  long status = 0;     // HTTP status when error == kNone
  std::string body;    // response body when error == kNone
  // Response headers when error == kNone: names lower-cased, values trimmed.
  std::map<std::string, std::string> headers;
  std::string detail;  // human-readable reason when error != kNone
  bool ok() const { return error == Error::kNone && status >= 200 && status < 300; }
  // The value of header `lower_name` ("api-version"); "" when absent.
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class UnixHttpClient {
 public:
  explicit UnixHttpClient(UnixHttpClientOptions options);
  ~UnixHttpClient();
  UnixHttpClient(const UnixHttpClient&) = delete;
  UnixHttpClient& operator=(const UnixHttpClient&) = delete;

  // GET `path` ("/version", "/v1.41/containers/json?all=1"). The total
  // timeout is min(options.total_timeout, max_total) (at least 1 ms).
  UnixHttpResponse Get(std::string_view path, std::chrono::milliseconds max_total);
  UnixHttpResponse Get(std::string_view path) { return Get(path, options_.total_timeout); }

  const UnixHttpClientOptions& options() const { return options_; }

 private:
  UnixHttpClientOptions options_;
  void* curl_ = nullptr;  // CURL*, kept opaque so callers need no curl headers
};

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_UNIX_HTTP_CLIENT_H_
