// One HTTP POST of a remote_write request (libcurl), with the client options
// Prometheus' remote_write config has, named as there:
//   basic_auth.username / password_file, bearer_token_file (an
//   "Authorization: Bearer" header), tls_config.ca_file / cert_file /
//   key_file / server_name / insecure_skip_verify.
// The secret files are read at each request (regular files only, at most
// 1 MiB, trailing newline dropped), so a rotated token needs no restart.
// Headers: Content-Encoding: snappy, Content-Type: application/x-protobuf,
// X-Prometheus-Remote-Write-Version: 0.1.0, User-Agent berth/<version>.
//
// Bounded: the whole request within `timeout`; of the reply body at most
// kMaxReplyBodyBytes are kept (for the log), the rest read and discarded; a
// transfer is abandoned as soon as `abort` returns true (checked a few times
// a second). No redirects are followed.
//
// Thread-safety: a RemoteWriteClient is used by one thread at a time.
// Errors: never throws; the result says what happened.
#ifndef BERTH_EXPORTER_REMOTE_WRITE_CLIENT_H_
#define BERTH_EXPORTER_REMOTE_WRITE_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace berth::exporter {

struct RemoteWriteClientOptions {
  std::chrono::milliseconds timeout{30000};  // remote_timeout
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  std::string bearer_token_file;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_server_name;
  bool tls_insecure_skip_verify = false;
};

struct PostResult {
  // HTTP status; 0 when no response came (connect, TLS, timeout, abort, a
  // secret file unreadable).
  long status = 0;
  std::string error;       // status 0: why; else the start of the reply body
  bool aborted = false;    // `abort` said stop
};

// What a result asks for: remote_write 1.0 retries 5xx and network errors
// with backoff, never 2xx or 4xx (429 included: berth does not retry it).
enum class PostOutcome { kSent, kRetry, kRefused };
PostOutcome ClassifyPost(const PostResult& result);

class RemoteWriteClient {
 public:
  static constexpr size_t kMaxReplyBodyBytes = 4096;

  RemoteWriteClient(std::string url, RemoteWriteClientOptions options);
  ~RemoteWriteClient();
  RemoteWriteClient(const RemoteWriteClient&) = delete;
  RemoteWriteClient& operator=(const RemoteWriteClient&) = delete;

  // POSTs `body` (snappy-compressed WriteRequest).
  PostResult Post(std::string_view body, const std::function<bool()>& abort = {});

  const std::string& url() const { return url_; }

 private:
  struct Curl;
  std::string url_;
  RemoteWriteClientOptions options_;
  std::unique_ptr<Curl> curl_;
};

// `url` without user:password@ (what logs and the url label show).
std::string RedactedUrl(std::string_view url);

// Checks a URL for remote_write: http:// or https:// with a host. "" = fine.
std::string CheckRemoteWriteUrl(std::string_view url);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_REMOTE_WRITE_CLIENT_H_
