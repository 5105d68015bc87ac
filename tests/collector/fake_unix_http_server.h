// FakeUnixHttpServer: a test HTTP/1.1 server on a unix socket in a temp dir.
// A thread accept()s connections, reads each request head and answers with
// what the handler returns (Connection: close), holds the connection open
// without a word (hang) until the server stops, or answers the head and body
// and keeps the connection as a stream that Push() writes to (like GET
// /events) until CloseStreams(). Counts requests by path. Writes never raise
// SIGPIPE (a client that hung up is simply not written to). Test-only; the
// handler runs on the server thread.
#ifndef BERTH_TESTS_COLLECTOR_FAKE_UNIX_HTTP_SERVER_H_
#define BERTH_TESTS_COLLECTOR_FAKE_UNIX_HTTP_SERVER_H_

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace berth::testing {

struct FakeResponse {
  int status = 200;
  std::string body;
  bool hang = false;    // accept, read the request, never answer
  bool stream = false;  // answer head + body, keep the connection for Push()
  std::string headers = {};  // extra header lines, each ending in "\r\n"
  // After `body`, this many bytes of filler, written in pieces (a huge reply
  // without the server holding it).
  size_t filler_bytes = 0;
  bool no_length = false;  // no Content-Length: the body ends when the server closes
};

class FakeUnixHttpServer {
 public:
  using Handler = std::function<FakeResponse(const std::string& path)>;

  explicit FakeUnixHttpServer(Handler handler) : handler_(std::move(handler)) {
    char dir_template[] = "/tmp/berth-fake-docker.XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    socket_path_ = dir_ + "/docker.sock";
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path_.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listen_fd_, 16) != 0 || ::pipe(stop_pipe_) != 0) {
      std::abort();
    }
    thread_ = std::thread([this] { Serve(); });
  }

  ~FakeUnixHttpServer() {
    char c = 'x';
    (void)!::write(stop_pipe_[1], &c, 1);
    thread_.join();
    for (int fd : held_) ::close(fd);
    CloseStreams();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
    std::filesystem::remove_all(dir_);
  }

  const std::string& socket_path() const { return socket_path_; }

  int requests(const std::string& path_prefix) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const std::string& path : paths_) n += path.rfind(path_prefix, 0) == 0;
    return n;
  }
  std::vector<std::string> paths() const {
    std::lock_guard lock(mutex_);
    return paths_;
  }

  // Writes `data` to every open stream.
  void Push(const std::string& data) {
    std::lock_guard lock(mutex_);
    for (int fd : streams_) (void)!::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
  }
  // Ends every open stream (a daemon restart, as the client sees it).
  void CloseStreams() {
    std::lock_guard lock(mutex_);
    for (int fd : streams_) ::close(fd);
    streams_.clear();
  }
  int open_streams() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(streams_.size());
  }

 private:
  void Serve() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents != 0) return;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      HandleConnection(fd);
    }
  }

  void HandleConnection(int fd) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, 2000) <= 0) break;
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      request.append(buf, n);
    }
    // "GET /path HTTP/1.1"
    std::string path;
    size_t sp1 = request.find(' ');
    size_t sp2 = sp1 == std::string::npos ? sp1 : request.find(' ', sp1 + 1);
    if (sp2 != std::string::npos) path = request.substr(sp1 + 1, sp2 - sp1 - 1);
    {
      std::lock_guard lock(mutex_);
      paths_.push_back(path);
    }
    FakeResponse response = handler_(path);
    if (response.hang) {
      held_.push_back(fd);
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " X\r\n" +
                      "Content-Type: application/json\r\n" + response.headers;
    if (!response.stream && !response.no_length) {
      out += "Content-Length: " + std::to_string(response.body.size() + response.filler_bytes) +
             "\r\n";
    }
    out += "Connection: close\r\n\r\n" + response.body;
    bool written = WriteAll(fd, out);
    const std::string filler(64 * 1024, 'x');
    for (size_t left = response.filler_bytes; written && left > 0;) {
      size_t n = std::min(left, filler.size());
      written = WriteAll(fd, std::string_view(filler).substr(0, n));
      left -= n;
    }
    if (response.stream) {
      std::lock_guard lock(mutex_);
      streams_.push_back(fd);
      return;
    }
    ::close(fd);
  }

  static bool WriteAll(int fd, std::string_view data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += n;
    }
    return true;
  }

  Handler handler_;
  std::string dir_, socket_path_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::thread thread_;
  std::vector<int> held_;  // hung connections, server thread only until join
  mutable std::mutex mutex_;
  std::vector<std::string> paths_;
  std::vector<int> streams_;
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_COLLECTOR_FAKE_UNIX_HTTP_SERVER_H_
