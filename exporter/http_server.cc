#include "exporter/http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "exporter/gzip.h"

namespace berth::exporter {
namespace {

// Worker threads per listener: scrapes are short and share collections.
constexpr size_t kWorkerThreads = 6;
// Bodies smaller than this are not worth compressing.
constexpr size_t kMinGzipBytes = 512;

void SocketOptions(int sock) {
  const int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  int domain = 0;
  socklen_t length = sizeof(domain);
  if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0 && domain == AF_INET6) {
    const int no = 0;  // dual stack: "::" also accepts IPv4
    setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof(no));
  }
}

std::string OpenSslError() {
  std::string message;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!message.empty()) message += "; ";
    message += buffer;
  }
  return message.empty() ? "unknown OpenSSL error" : message;
}

int AcceptAnyCertificate(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

bool SetupTls(SSL_CTX& ctx, const TlsConfig& tls, std::string* error) {
  ERR_clear_error();
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(&ctx, tls.min_version) != 1 ||
      (tls.max_version != 0 && SSL_CTX_set_max_proto_version(&ctx, tls.max_version) != 1)) {
    *error = "TLS: unsupported protocol version: " + OpenSslError();
    return false;
  }
  if (SSL_CTX_use_certificate_chain_file(&ctx, tls.cert_file.c_str()) != 1) {
    *error = "TLS: cannot load cert_file " + tls.cert_file + ": " + OpenSslError();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      *error = "TLS: key_file " + tls.key_file + " does not match cert_file " + tls.cert_file;
    } else {
      *error = "TLS: cannot load key_file " + tls.key_file + ": " + OpenSslError();
    }
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    *error = "TLS: key_file " + tls.key_file + " does not match cert_file " + tls.cert_file;
    return false;
  }
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(&ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      *error = "TLS: cannot load client_ca_file " + tls.client_ca_file + ": " + OpenSslError();
      return false;
    }
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(&ctx, names);
    }
  }
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuth::kRequestClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
      break;
    case ClientAuth::kRequireAnyClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         AcceptAnyCertificate);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  return true;
}

// Writes `reply` with an explicit length so httplib never re-encodes it. A
// page is compressed as it is rendered, or written in pieces as it is
// rendered: never held whole in memory.
void Send(const httplib::Request& request, httplib::Response& response, HttpReply reply) {
  response.status = reply.status;
  response.set_header("Vary", "Accept-Encoding");
  const bool gzip =
      reply.size() >= kMinGzipBytes && AcceptsGzip(request.get_header_value("Accept-Encoding"));
  if (reply.page && !gzip) {
    std::shared_ptr<const MetricsPage> page = std::move(reply.page);
    response.set_content_provider(
        page->size(), reply.content_type,
        [page](size_t offset, size_t /*length*/, httplib::DataSink& sink) {
          // One call writes the whole page; httplib calls again only after
          // a short write, which ends the connection instead.
          return offset == 0 && page->Write([&](std::string_view piece) {
                   return sink.write(piece.data(), piece.size());
                 });
        });
    return;
  }
  auto body = std::make_shared<std::string>(std::move(reply.body));
  if (gzip) {
    std::string compressed;
    GzipWriter writer(compressed);
    const bool ok = reply.page ? reply.page->Write([&](std::string_view piece) {
                                   return writer.Write(piece);
                                 }) && writer.Finish()
                               : writer.Write(*body) && writer.Finish();
    if (ok) {
      *body = std::move(compressed);
      response.set_header("Content-Encoding", "gzip");
    } else if (reply.page) {
      *body = reply.page->Text();  // zlib failed (out of memory): send it plain
    }
  }
  if (body->empty()) {
    response.set_content("", reply.content_type);
    return;
  }
  const size_t length = body->size();
  response.set_content_provider(
      length, reply.content_type,
      [body](size_t offset, size_t size, httplib::DataSink& sink) {
        return sink.write(body->data() + offset, size);
      });
}

}  // namespace

struct HttpServer::Listener {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<bool> done{false};  // the listen loop returned
};

HttpServer::HttpServer(HttpHandlers& handlers, BasicAuth& auth, std::optional<TlsConfig> tls)
    : handlers_(handlers), auth_(auth), tls_(std::move(tls)) {}

HttpServer::~HttpServer() { Stop(); }

std::unique_ptr<HttpServer::Listener> HttpServer::MakeListener(std::string* error) {
  auto listener = std::make_unique<Listener>();
  if (tls_) {
    std::string tls_error;
    auto server = std::make_unique<httplib::SSLServer>(
        [&](SSL_CTX& ctx) { return SetupTls(ctx, *tls_, &tls_error); });
    if (!server->is_valid()) {
      *error = tls_error.empty() ? "TLS: cannot create a context: " + OpenSslError() : tls_error;
      return nullptr;
    }
    listener->server = std::move(server);
  } else {
    listener->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *listener->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server.set_socket_options(SocketOptions);
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(30, 0);
  server.set_payload_max_length(64 * 1024);
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    if (auth_.enabled() && !auth_.Check(request.get_header_value("Authorization"))) {
      response.set_header("WWW-Authenticate", "Basic realm=\"berth\"");
      Send(request, response, HttpReply{401, "text/plain; charset=utf-8", "Unauthorized\n", nullptr});
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    HttpReply reply = handlers_.Route(request.method, request.path);
    spdlog::debug("{} {} -> {} ({} bytes, {:.1f} ms)", request.method, request.path,
                  reply.status, reply.size(),
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            start)
                      .count());
    Send(request, response, std::move(reply));
  };
  server.Get(".*", handler);
  auto refuse = [this](const httplib::Request& request, httplib::Response& response) {
    Send(request, response, handlers_.Route(request.method, request.path));
  };
  server.Post(".*", refuse);
  server.Put(".*", refuse);
  server.Delete(".*", refuse);
  server.Patch(".*", refuse);
  return listener;
}

bool HttpServer::Bind(const ListenAddress& address, std::string* error) {
  std::unique_ptr<Listener> listener = MakeListener(error);
  if (!listener) return false;
  if (!address.any()) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* result = nullptr;
    const int rc = getaddrinfo(address.host.c_str(), nullptr, &hints, &result);
    if (rc != 0) {
      *error = "cannot listen on " + address.text + ": " + gai_strerror(rc);
      return false;
    }
    freeaddrinfo(result);
  }
  const std::vector<std::string> hosts =
      address.any() ? std::vector<std::string>{"::", "0.0.0.0"}
                    : std::vector<std::string>{address.host};
  for (const std::string& host : hosts) {
    errno = 0;
    int port = -1;
    if (address.port == 0) {
      port = listener->server->bind_to_any_port(host);
    } else if (listener->server->bind_to_port(host, address.port)) {
      port = address.port;
    }
    if (port > 0) {
      bound_.push_back(FormatHostPort(host, port));
      listeners_.push_back(std::move(listener));
      return true;
    }
    const int err = errno;
    // No IPv6 on this host: ":port" falls back to IPv4 only.
    if (address.any() && host == "::" && err != EADDRINUSE && err != EACCES) continue;
    *error = "cannot listen on " + address.text + ": " +
             (err != 0 ? std::strerror(err) : "address not available");
    return false;
  }
  *error = "cannot listen on " + address.text;
  return false;
}

void HttpServer::Start(std::function<void()> on_failure) {
  for (auto& listener : listeners_) {
    httplib::Server* server = listener->server.get();
    std::atomic<bool>* done = &listener->done;
    listener->thread = std::thread([this, server, done, on_failure] {
      server->listen_after_bind();
      *done = true;
      if (!stopping_ && on_failure) on_failure();
    });
  }
}

void HttpServer::Stop() {
  stopping_ = true;
  for (auto& listener : listeners_) {
    // httplib's stop() does nothing until the listen loop runs: a Stop()
    // right after Start() would leave the thread in accept() for good.
    while (listener->thread.joinable() && !listener->done && !listener->server->is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    listener->server->stop();
  }
  for (auto& listener : listeners_) {
    if (listener->thread.joinable()) listener->thread.join();
  }
  listeners_.clear();
}

}  // namespace berth::exporter
