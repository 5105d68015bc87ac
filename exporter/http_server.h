// HttpServer: serves HttpHandlers on one or more listen addresses, plain or
// TLS (OpenSSL), with optional basic authentication, gzip when the client
// asks. Event-driven: one epoll thread owns every connection (accept, TLS
// handshake, reading request heads, keep-alive, timeouts); a complete
// request goes to a worker thread, which runs the handler and writes the
// response, then hands the connection back. So idle, slow or dribbling
// clients cost a socket and a buffer each, never a thread.
//
// Limits (HttpServerOptions): a whole request head (TLS handshake included
// for the first request) must arrive within head_timeout, a kept-alive
// connection may idle for idle_timeout, a response write may stall for
// write_timeout; at most max_requests requests run at once (over it: 503
// at once; /healthz has its own few slots so a liveness probe is not
// refused by busy scrapes); heads over 16 KiB get 431. Pipelined requests
// are answered in order, one at a time per connection. When the process
// runs out of file descriptors the oldest connection not being served is
// closed to take the new one.
//
// Lifecycle: Bind() every address first (any failure -> false and a one-line
// *error, nothing served), then Start(), then Stop(). Stop() stops
// accepting, closes idle connections, gives running requests
// shutdown_grace to finish and returns false when some handler is still
// running after it (the caller should then end the process; the destructor
// waits for them). Listening sockets use SO_REUSEADDR only (never
// SO_REUSEPORT), so a port another process holds is reported busy, and a
// backlog of 4096 (capped by net.core.somaxconn). IPv6 sockets are
// dual-stack unless bound to a specific address.
//
// The configured http_server_config.headers go on every response.
// Responses carry an exact Content-Length; /metrics pages are written in
// pieces as they are rendered (never held whole), or gzip level 1 when
// Accept-Encoding allows, with "Vary: Accept-Encoding".
//
// Thread-safety: Bind/Start/Stop from one thread; the handlers run on the
// worker threads.
#ifndef BERTH_EXPORTER_HTTP_SERVER_H_
#define BERTH_EXPORTER_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exporter/basic_auth.h"
#include "exporter/http_handlers.h"
#include "exporter/listen_address.h"
#include "exporter/web_config.h"
#include "exporter/web_settings.h"

namespace berth::exporter {

struct HttpServerOptions {
  size_t max_requests = 40;  // --web.max-requests; 0 = no limit
  std::chrono::milliseconds head_timeout{10'000};
  std::chrono::milliseconds idle_timeout{120'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{1'000};
};

class HttpServer {
 public:
  // Fixed web settings: `handlers` and `auth` must outlive the server; the
  // TLS files are read by the first Bind() (errors from there).
  HttpServer(HttpHandlers& handlers, BasicAuth& auth, std::optional<TlsConfig> tls,
             HttpServerOptions options = {});
  // Settings from a --web.config.file, re-read when it or its files change
  // (exporter/web_settings.h): each new connection gets the current TLS
  // context, each request the current users and headers. Both must outlive
  // the server.
  HttpServer(HttpHandlers& handlers, WebConfigReloader& web, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  bool Bind(const ListenAddress& address, std::string* error);
  // Starts serving every bound address. `on_failure` is called (from the
  // event thread) if serving stops on its own.
  void Start(std::function<void()> on_failure);
  // True when every request finished (within shutdown_grace).
  bool Stop();

  // "[::]:11099", "127.0.0.1:40123" … with the real port, in Bind() order.
  const std::vector<std::string>& bound() const { return bound_; }
  bool tls() const;

 private:
  struct Loop;

  const std::optional<TlsConfig> tls_;
  BasicAuth* auth_ = nullptr;
  std::unique_ptr<Loop> loop_;
  std::vector<std::string> bound_;
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_HTTP_SERVER_H_
