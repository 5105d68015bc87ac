// HttpServer: serves HttpHandlers on one or more listen addresses with
// cpp-httplib (Debian's libcpp-httplib, built against OpenSSL 3), plain or
// TLS, with optional basic authentication, gzip when the client asks.
//
// Lifecycle: Bind() every address first (any failure -> false and a one-line
// *error, nothing served), then Start() (one listener thread each, with a
// small worker pool), then Stop() (idempotent; also run by the destructor).
// Listening sockets use SO_REUSEADDR only (never SO_REUSEPORT), so a port
// another process holds is reported busy. IPv6 sockets are dual-stack unless
// bound to a specific address.
//
// Responses are written with an explicit length (httplib's own compression,
// which would pick brotli at its slowest level, never runs); bodies are
// gzip level 1 when Accept-Encoding allows, with "Vary: Accept-Encoding".
//
// Thread-safety: Bind/Start/Stop from one thread; the handlers run on the
// worker threads.
#ifndef BERTH_EXPORTER_HTTP_SERVER_H_
#define BERTH_EXPORTER_HTTP_SERVER_H_

#include <atomic>
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

namespace berth::exporter {

class HttpServer {
 public:
  // `handlers` and `auth` must outlive the server.
  HttpServer(HttpHandlers& handlers, BasicAuth& auth, std::optional<TlsConfig> tls);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  bool Bind(const ListenAddress& address, std::string* error);
  // Starts serving every bound address. `on_failure` is called (from a
  // listener thread) if a listener stops on its own.
  void Start(std::function<void()> on_failure);
  void Stop();

  // "[::]:11099", "127.0.0.1:40123" … with the real port, in Bind() order.
  const std::vector<std::string>& bound() const { return bound_; }
  bool tls() const { return tls_.has_value(); }

 private:
  struct Listener;
  std::unique_ptr<Listener> MakeListener(std::string* error);

  HttpHandlers& handlers_;
  BasicAuth& auth_;
  const std::optional<TlsConfig> tls_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::string> bound_;
  std::atomic<bool> stopping_{false};
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_HTTP_SERVER_H_
