#include "exporter/http_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "exporter/gzip.h"
#include "exporter/http_request.h"
#include "exporter/tls_context.h"

namespace berth::exporter {
namespace {

using Clock = std::chrono::steady_clock;

// Bodies smaller than this are not worth compressing.
constexpr size_t kMinGzipBytes = 512;
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr int kBacklog = 4096;
// /healthz slots beside --web.max-requests.
constexpr size_t kHealthSlots = 4;

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string StatusHead(int status, std::string_view content_type, size_t length,
                       bool keep_alive, std::string_view extra) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  head += "Content-Type: ";
  head += content_type;
  head += "\r\nContent-Length: " + std::to_string(length) + "\r\n";
  head += extra;
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

struct Connection {
  int fd = -1;
  SSL* ssl = nullptr;
  bool handshaking = false;
  bool busy = false;  // a worker owns it
  std::string in;
  Clock::time_point deadline;
  Clock::time_point accepted;
  RequestHead head;  // the request a worker serves
  bool close_after = false;  // set by the worker
  bool peer_closed = false;  // EOF read: answer what is buffered, then close
  size_t head_scanned = 0;   // in[0, head_scanned) holds no blank line (end of a head)

  ~Connection() {
    if (ssl != nullptr) SSL_free(ssl);
    if (fd >= 0) close(fd);
  }
};

}  // namespace

struct HttpServer::Loop {
  HttpHandlers& handlers;
  const HttpServerOptions options;
  WebConfigReloader* web = nullptr;  // set before Start()
  std::unique_ptr<WebConfigReloader> owned_web;
  std::vector<int> listeners;
  int epoll_fd = -1;
  int wake_fd = -1;   // returned connections, stop
  int abort_fd = -1;  // grace over: workers give up their writes
  std::thread thread;
  std::function<void()> on_failure;
  std::atomic<bool> stopping{false};
  bool started = false;

  std::map<int, std::unique_ptr<Connection>> connections;  // event thread only
  Clock::time_point next_check = Clock::time_point::max();
  bool accept_paused = false;

  std::mutex mutex;  // guards the fields below
  std::condition_variable work_ready, all_idle;
  std::deque<Connection*> jobs;
  std::vector<Connection*> returned;
  std::vector<std::thread> workers;
  size_t idle_workers = 0;
  size_t running = 0;  // requests being served
  size_t running_health = 0;
  bool workers_quit = false;

  Loop(HttpHandlers& h, HttpServerOptions o) : handlers(h), options(o) {}
  ~Loop() {
    for (int fd : listeners) close(fd);
    if (epoll_fd >= 0) close(epoll_fd);
    if (wake_fd >= 0) close(wake_fd);
    if (abort_fd >= 0) close(abort_fd);
  }

  static void Signal(int fd) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(fd, &one, sizeof(one));
  }

  void SetDeadline(Connection& c, std::chrono::milliseconds timeout) {
    c.deadline = Clock::now() + timeout;
    if (c.deadline < next_check) next_check = c.deadline;
  }

  void Watch(Connection& c, uint32_t events, int op) {
    epoll_event event{};
    event.events = events;
    event.data.fd = c.fd;
    epoll_ctl(epoll_fd, op, c.fd, &event);
  }

  void Close(int fd) { connections.erase(fd); }  // closing the fd leaves epoll too

  // Best-effort small answer from the event thread (503, 400, 431), then close.
  void Refuse(Connection& c, int status, std::string_view text) {
    const std::string reply =
        StatusHead(status, "text/plain; charset=utf-8", text.size(), false,
                   web->Refresh()->extra_headers) +
        std::string(text);
    if (c.ssl != nullptr) {
      SSL_write(c.ssl, reply.data(), static_cast<int>(reply.size()));
    } else {
      [[maybe_unused]] ssize_t n = send(c.fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
    Close(c.fd);
  }

  void Accept(int listener) {
    for (;;) {
      const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
          if (EvictOldest()) continue;
          accept_paused = true;  // retried by the timer check
          for (int l : listeners) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, l, nullptr);
          const Clock::time_point retry = Clock::now() + std::chrono::milliseconds(100);
          if (retry < next_check) next_check = retry;
        }
        return;
      }
      const int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
      auto c = std::make_unique<Connection>();
      c->fd = fd;
      c->accepted = Clock::now();
      // Re-reads the web config and certificates when they changed; the
      // SSL keeps its context alive, so a reload leaves this connection be.
      const std::shared_ptr<const WebSettings> settings = web->Refresh();
      if (settings->tls != nullptr) {
        c->ssl = SSL_new(settings->tls.get());
        if (c->ssl == nullptr) {
          ERR_clear_error();
          continue;  // ~Connection closes fd
        }
        SSL_set_fd(c->ssl, fd);
        SSL_set_accept_state(c->ssl);
        SSL_set_mode(c->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        c->handshaking = true;
      }
      SetDeadline(*c, options.head_timeout);
      Watch(*c, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_ADD);
      connections[fd] = std::move(c);
    }
  }

  bool EvictOldest() {
    Connection* oldest = nullptr;
    for (auto& [fd, c] : connections) {
      if (!c->busy && (oldest == nullptr || c->accepted < oldest->accepted)) oldest = c.get();
    }
    if (oldest == nullptr) return false;
    Close(oldest->fd);
    return true;
  }

  // Reads what the socket has; false when the connection is gone.
  bool ReadAvailable(Connection& c) {
    char buffer[16 * 1024];
    while (c.in.size() <= kMaxHeadBytes) {
      ssize_t n;
      if (c.ssl != nullptr) {
        ERR_clear_error();
        n = SSL_read(c.ssl, buffer, sizeof(buffer));
        if (n <= 0) {
          const int err = SSL_get_error(c.ssl, static_cast<int>(n));
          if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return true;
          ERR_clear_error();
          if (err != SSL_ERROR_ZERO_RETURN && err != SSL_ERROR_SYSCALL) return false;
          c.peer_closed = true;
          return true;
        }
      } else {
        n = recv(c.fd, buffer, sizeof(buffer), 0);
        if (n == 0) {
          c.peer_closed = true;
          return true;
        }
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      }
      if (c.in.empty() && c.deadline - Clock::now() > options.head_timeout) {
        SetDeadline(c, options.head_timeout);  // a new request begins: its head's deadline
      }
      c.in.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }

  void OnReadable(Connection& c) {
    if (c.handshaking) {
      ERR_clear_error();
      const int rc = SSL_do_handshake(c.ssl);
      if (rc != 1) {
        const int err = SSL_get_error(c.ssl, rc);
        if (err == SSL_ERROR_WANT_READ) return;
        if (err == SSL_ERROR_WANT_WRITE) {
          Watch(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP, EPOLL_CTL_MOD);
          return;
        }
        ERR_clear_error();
        Close(c.fd);
        return;
      }
      c.handshaking = false;
      Watch(c, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_MOD);
    }
    if (!ReadAvailable(c)) {
      Close(c.fd);
      return;
    }
    Dispatch(c);
  }

  // True when a blank line arrived since the last look, so the head may be
  // complete. Only then is the head parsed: a head dribbled a byte at a time
  // costs one look at each new byte, not a parse of the whole buffer per byte.
  static bool HeadMayBeComplete(const Connection& c) {
    const std::string& in = c.in;
    const size_t from = c.head_scanned >= 2 ? c.head_scanned - 2 : 0;  // a CRLF split by reads
    for (size_t i = in.find('\n', from); i != std::string::npos; i = in.find('\n', i + 1)) {
      if (i + 1 < in.size() && in[i + 1] == '\n') return true;
      if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') return true;
    }
    return false;
  }

  // Starts the request at the front of c.in, if its head is complete.
  void Dispatch(Connection& c) {
    RequestHead head;
    if (HeadMayBeComplete(c)) head = ParseRequestHead(c.in);
    if (head.status == RequestHead::Status::kIncomplete) c.head_scanned = c.in.size();
    if (head.status == RequestHead::Status::kBad) return Refuse(c, 400, "bad request\n");
    if (head.status == RequestHead::Status::kIncomplete) {
      if (c.in.size() > kMaxHeadBytes) return Refuse(c, 431, "request head too large\n");
      if (c.peer_closed) Close(c.fd);
      return;
    }
    c.in.erase(0, head.consumed);
    c.head_scanned = 0;
    if (head.has_body) head.keep_alive = false;  // berth reads no bodies
    const bool health = head.path == "/healthz";
    {
      std::lock_guard<std::mutex> lock(mutex);
      const bool full = health ? running_health >= kHealthSlots
                               : options.max_requests != 0 && running >= options.max_requests;
      if (full) {
        spdlog::debug("{} {} -> 503 (limit of {} requests at once)", head.method, head.path,
                      options.max_requests);
      } else {
        (health ? running_health : running)++;
        c.busy = true;
        c.head = std::move(head);
        jobs.push_back(&c);
        if (jobs.size() > idle_workers) {
          workers.emplace_back([this] { Work(); });
        } else {
          work_ready.notify_one();
        }
      }
    }
    if (!c.busy) return Refuse(c, 503, "too many requests at once\n");
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
  }

  void TakeBack() {
    std::vector<Connection*> back;
    {
      std::lock_guard<std::mutex> lock(mutex);
      back.swap(returned);
    }
    for (Connection* c : back) {
      c->busy = false;
      if (c->close_after || stopping) {
        Close(c->fd);
        continue;
      }
      SetDeadline(*c, c->in.empty() ? options.idle_timeout : options.head_timeout);
      if (!c->peer_closed) Watch(*c, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_ADD);
      // A pipelined request may be buffered already (here or inside OpenSSL).
      if (!c->peer_closed && !ReadAvailable(*c)) {
        Close(c->fd);
        continue;
      }
      Dispatch(*c);
    }
  }

  void CheckTimers() {
    const Clock::time_point now = Clock::now();
    if (now < next_check) return;
    next_check = Clock::time_point::max();
    if (accept_paused) {
      accept_paused = false;
      for (int l : listeners) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = l;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, l, &event);
      }
    }
    for (auto it = connections.begin(); it != connections.end();) {
      Connection& c = *it->second;
      if (!c.busy && c.deadline <= now) {
        it = connections.erase(it);
        continue;
      }
      if (!c.busy && c.deadline < next_check) next_check = c.deadline;
      ++it;
    }
  }

  void Run() {
    epoll_event events[256];
    while (!stopping) {
      int timeout = -1;
      if (next_check != Clock::time_point::max()) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            next_check - Clock::now());
        timeout = static_cast<int>(std::max<int64_t>(0, wait.count() + 1));
      }
      const int n = epoll_wait(epoll_fd, events, 256, timeout);
      if (n < 0) {
        if (errno == EINTR) continue;
        spdlog::error("epoll_wait: {}", std::strerror(errno));
        break;
      }
      for (int i = 0; i < n && !stopping; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd) {
          uint64_t count;
          [[maybe_unused]] ssize_t r = read(wake_fd, &count, sizeof(count));
          TakeBack();
          continue;
        }
        if (std::find(listeners.begin(), listeners.end(), fd) != listeners.end()) {
          Accept(fd);
          continue;
        }
        auto it = connections.find(fd);
        if (it == connections.end() || it->second->busy) continue;
        OnReadable(*it->second);
      }
      CheckTimers();
    }
    for (int fd : listeners) close(fd);
    listeners.clear();
    for (auto it = connections.begin(); it != connections.end();) {
      it = it->second->busy ? std::next(it) : connections.erase(it);
    }
    if (!stopping && on_failure) on_failure();
  }

  // Writes all of `data`; false when the client is gone, stalls past
  // write_timeout, or the shutdown grace ran out.
  bool WriteAll(Connection& c, std::string_view data) {
    const Clock::time_point deadline = Clock::now() + options.write_timeout;
    while (!data.empty()) {
      short wait_for = POLLOUT;
      if (c.ssl != nullptr) {
        ERR_clear_error();
        const int n = SSL_write(c.ssl, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
        if (n > 0) {
          data.remove_prefix(static_cast<size_t>(n));
          continue;
        }
        const int err = SSL_get_error(c.ssl, n);
        if (err == SSL_ERROR_WANT_READ) {
          wait_for = POLLIN;
        } else if (err != SSL_ERROR_WANT_WRITE) {
          ERR_clear_error();
          return false;
        }
      } else {
        const ssize_t n = send(c.fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
          data.remove_prefix(static_cast<size_t>(n));
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd fds[2] = {{c.fd, wait_for, 0}, {abort_fd, POLLIN, 0}};
      if (poll(fds, 2, static_cast<int>(left.count()) + 1) < 0 && errno != EINTR) return false;
      if (fds[1].revents != 0) return false;
      if (fds[0].revents & (POLLERR | POLLNVAL)) return false;
    }
    return true;
  }

  // Runs one request on a worker thread and writes its response.
  bool Serve(Connection& c) {
    const RequestHead& request = c.head;
    HttpReply reply;
    const std::shared_ptr<const WebSettings> settings = web->Refresh();
    std::string extra = "Vary: Accept-Encoding\r\n" + settings->extra_headers;
    BasicAuth& auth = *settings->auth;
    if (auth.enabled() && !auth.Check(request.authorization)) {
      reply = HttpReply{401, "text/plain; charset=utf-8", "Unauthorized\n", nullptr};
      extra += "WWW-Authenticate: Basic realm=\"berth\"\r\n";
    } else {
      const auto start = Clock::now();
      reply = handlers.Route(request.method, request.path);
      spdlog::debug("{} {} -> {} ({} bytes, {:.1f} ms)", request.method, request.path, reply.status,
                    reply.size(),
                    std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    const bool head_only = request.method == "HEAD";
    const bool gzip = reply.size() >= kMinGzipBytes && AcceptsGzip(request.accept_encoding);
    const bool keep_alive = request.keep_alive;
    if (reply.page && !gzip) {
      if (!WriteAll(c, StatusHead(reply.status, reply.content_type, reply.page->size(), keep_alive,
                                  extra))) {
        return false;
      }
      if (head_only) return true;
      return reply.page->Write([&](std::string_view piece) { return WriteAll(c, piece); });
    }
    std::string body = std::move(reply.body);
    if (gzip) {
      std::string compressed;
      GzipWriter writer(compressed);
      const bool ok = reply.page ? reply.page->Write([&](std::string_view piece) {
                                     return writer.Write(piece);
                                   }) && writer.Finish()
                                 : writer.Write(body) && writer.Finish();
      if (ok) {
        body = std::move(compressed);
        extra += "Content-Encoding: gzip\r\n";
      } else if (reply.page) {
        body = reply.page->Text();  // zlib failed (out of memory): send it plain
      }
    }
    std::string out = StatusHead(reply.status, reply.content_type, body.size(), keep_alive, extra);
    if (!head_only) out += body;
    return WriteAll(c, out);
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      while (jobs.empty() && !workers_quit) {
        ++idle_workers;
        work_ready.wait(lock);
        --idle_workers;
      }
      if (jobs.empty()) return;
      Connection* c = jobs.front();
      jobs.pop_front();
      lock.unlock();
      const bool health = c->head.path == "/healthz";
      const bool ok = Serve(*c);
      c->close_after = !ok || !c->head.keep_alive;
      lock.lock();
      (health ? running_health : running)--;
      returned.push_back(c);
      Signal(wake_fd);
      if (running == 0 && running_health == 0) all_idle.notify_all();
    }
  }
};

HttpServer::HttpServer(HttpHandlers& handlers, BasicAuth& auth, std::optional<TlsConfig> tls,
                       HttpServerOptions options)
    : tls_(std::move(tls)), auth_(&auth), loop_(std::make_unique<Loop>(handlers, options)) {}

HttpServer::HttpServer(HttpHandlers& handlers, WebConfigReloader& web, HttpServerOptions options)
    : loop_(std::make_unique<Loop>(handlers, options)) {
  loop_->web = &web;
}

bool HttpServer::tls() const {
  return loop_->web != nullptr ? loop_->web->Refresh()->tls != nullptr : tls_.has_value();
}

HttpServer::~HttpServer() {
  Stop();
  std::unique_lock<std::mutex> lock(loop_->mutex);
  loop_->all_idle.wait(lock, [&] { return loop_->running == 0 && loop_->running_health == 0; });
  loop_->workers_quit = true;
  loop_->work_ready.notify_all();
  std::vector<std::thread> workers;
  workers.swap(loop_->workers);
  lock.unlock();
  for (std::thread& worker : workers) worker.join();
}

bool HttpServer::Bind(const ListenAddress& address, std::string* error) {
  if (loop_->web == nullptr) {  // fixed settings: the TLS files are read once, here
    auto settings = std::make_shared<WebSettings>();
    settings->auth = std::shared_ptr<BasicAuth>(std::shared_ptr<void>(), auth_);  // not owned
    if (tls_) {
      settings->tls = BuildTlsContext(*tls_, error);
      if (settings->tls == nullptr) return false;
    }
    loop_->owned_web = std::make_unique<WebConfigReloader>(std::move(settings));
    loop_->web = loop_->owned_web.get();
  }
  const std::vector<std::string> hosts =
      address.any() ? std::vector<std::string>{"::", "0.0.0.0"}
                    : std::vector<std::string>{address.host};
  for (const std::string& host : hosts) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* result = nullptr;
    const std::string port_text = std::to_string(address.port);
    const int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &result);
    if (rc != 0) {
      *error = "cannot listen on " + address.text + ": " + gai_strerror(rc);
      return false;
    }
    int err = 0;
    int fd = socket(result->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = errno;
    } else {
      const int yes = 1, no = 0;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      // dual stack: "::" also accepts IPv4
      if (result->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof(no));
      if (bind(fd, result->ai_addr, result->ai_addrlen) != 0 || listen(fd, kBacklog) != 0) {
        err = errno;
        close(fd);
        fd = -1;
      }
    }
    freeaddrinfo(result);
    if (fd >= 0) {
      sockaddr_storage bound{};
      socklen_t length = sizeof(bound);
      getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
      const int port = ntohs(bound.ss_family == AF_INET6
                                 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                 : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
      loop_->listeners.push_back(fd);
      bound_.push_back(FormatHostPort(host, port));
      return true;
    }
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
  Loop& loop = *loop_;
  if (loop.started) return;
  loop.started = true;
  loop.on_failure = std::move(on_failure);
  // spdlog makes its default logger on first use; make it here, before the
  // server's threads log at once (its creation inside the uninstrumented
  // libspdlog is invisible to ThreadSanitizer, which then reports races).
  spdlog::default_logger_raw();
  loop.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  loop.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  loop.abort_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = loop.wake_fd;
  epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, loop.wake_fd, &event);
  for (int fd : loop.listeners) {
    event.data.fd = fd;
    epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, fd, &event);
  }
  loop.thread = std::thread([&loop] {
    // SSL_write has no MSG_NOSIGNAL: a TLS client gone mid-response would
    // raise SIGPIPE and end the process. Blocked here, the write fails with
    // EPIPE instead; the workers are started from this thread and inherit it.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    loop.Run();
  });
}

bool HttpServer::Stop() {
  Loop& loop = *loop_;
  if (!loop.started || loop.stopping.exchange(true)) {
    std::lock_guard<std::mutex> lock(loop.mutex);
    return loop.running == 0 && loop.running_health == 0;
  }
  Loop::Signal(loop.wake_fd);
  if (loop.thread.joinable()) loop.thread.join();
  std::unique_lock<std::mutex> lock(loop.mutex);
  const bool drained = loop.all_idle.wait_for(lock, loop.options.shutdown_grace, [&] {
    return loop.running == 0 && loop.running_health == 0;
  });
  if (!drained) {
    Loop::Signal(loop.abort_fd);  // stalled writes give up; running handlers cannot be stopped
    spdlog::warn("{} request(s) still running after the {} ms shutdown grace",
                 loop.running + loop.running_health, loop.options.shutdown_grace.count());
  }
  return drained;
}

}  // namespace berth::exporter
