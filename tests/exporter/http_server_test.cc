// HttpServer over real sockets: plain, gzip, IPv6, dual stack, busy port,
// basic auth, TLS with a CA made by the openssl CLI; slow and many clients,
// the request limit, pipelining, the head deadline, a bounded Stop().
#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <httplib.h>

#include "exporter/gzip.h"
#include "exporter/http_server.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

class FixedSource : public SnapshotSource {
 public:
  collector::SnapshotPtr Collect() override { return testing::MakeSnapshot(20); }
  collector::ErrorCounts ErrorTotals() const override { return {}; }
};

int PortOf(const std::string& bound) { return std::stoi(bound.substr(bound.rfind(':') + 1)); }

// Collect() blocks until Release(); entered() tells a collection started.
class GateSource : public SnapshotSource {
 public:
  collector::SnapshotPtr Collect() override {
    std::unique_lock<std::mutex> lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    return testing::MakeSnapshot(2);
  }
  collector::ErrorCounts ErrorTotals() const override { return {}; }
  void WaitEntered() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return entered_ > 0; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
};

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void SendText(int fd, std::string_view text) {
  ASSERT_EQ(send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
}

// Everything the peer sends until it closes or `wait_ms` passes without data.
std::string ReadUntilClosed(int fd, int wait_ms, bool* closed) {
  std::string out;
  *closed = false;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) return out;
    char buffer[65536];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      *closed = true;
      return out;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

void RaiseFileLimit(rlim_t wanted) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < wanted) {
    files.rlim_cur = std::min(wanted, files.rlim_max);
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

class HttpServerTest : public ::testing::Test {
 protected:
  ListenAddress Address(const std::string& text) {
    std::string error;
    auto address = ParseListenAddress(text, &error);
    EXPECT_TRUE(address) << error;
    return *address;
  }
  // A plain-HTTP server over handlers_ on an ephemeral loopback port, started.
  std::unique_ptr<HttpServer> StartPlain() {
    auto server = std::make_unique<HttpServer>(handlers_, no_auth_, std::nullopt);
    std::string error;
    if (!server->Bind(Address("127.0.0.1:0"), &error)) {
      ADD_FAILURE() << error;
      return nullptr;
    }
    server->Start(nullptr);
    return server;
  }
  FixedSource source_;
  SharedCollection collection_{source_, std::chrono::milliseconds(500)};
  HttpHandlers handlers_{collection_, FamilyOptions{}, "/metrics"};
  BasicAuth no_auth_{{}};
};

TEST_F(HttpServerTest, ServesMetricsPlainAndGzip) {
  auto server = StartPlain();
  ASSERT_TRUE(server);
  httplib::Client client("127.0.0.1", PortOf(server->bound()[0]));
  client.set_decompress(false);
  auto plain = client.Get("/metrics");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(plain->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_NE(plain->body.find("container_memory_working_set_bytes{"), std::string::npos);

  auto gzipped = client.Get("/metrics", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(gzipped);
  EXPECT_EQ(gzipped->get_header_value("Content-Encoding"), "gzip");
  auto text = GzipDecompress(gzipped->body);
  ASSERT_TRUE(text);
  EXPECT_LT(gzipped->body.size(), text->size() / 4);
  const auto cut = [](const std::string& s) { return s.substr(0, s.find("# HELP process_")); };
  EXPECT_EQ(cut(*text), cut(plain->body));  // same collection (shared), same bytes

  auto brotli_only = client.Get("/metrics", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(brotli_only);
  EXPECT_FALSE(brotli_only->has_header("Content-Encoding"));
  EXPECT_EQ(cut(brotli_only->body), cut(plain->body));

  auto missing = client.Get("/api/v1/containers/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/json");
  server->Stop();
}

TEST_F(HttpServerTest, Ipv6LoopbackAndDualStack) {
  HttpServer v6(handlers_, no_auth_, std::nullopt);
  std::string error;
  if (!v6.Bind(Address("[::1]:0"), &error)) GTEST_SKIP() << "no IPv6 here: " << error;
  HttpServer any(handlers_, no_auth_, std::nullopt);
  ASSERT_TRUE(any.Bind(Address(":0"), &error)) << error;
  EXPECT_EQ(any.bound()[0].substr(0, 5), "[::]:");
  v6.Start(nullptr);
  any.Start(nullptr);
  auto v6_reply = httplib::Client("::1", PortOf(v6.bound()[0])).Get("/healthz");
  ASSERT_TRUE(v6_reply);
  EXPECT_EQ(v6_reply->body, "ok\n");
  for (const char* host : {"127.0.0.1", "::1"}) {
    auto reply = httplib::Client(host, PortOf(any.bound()[0])).Get("/healthz");
    ASSERT_TRUE(reply) << host;
    EXPECT_EQ(reply->status, 200) << host;
  }
}

TEST_F(HttpServerTest, BusyPortIsAnErrorNotASharedPort) {
  HttpServer first(handlers_, no_auth_, std::nullopt);
  std::string error;
  ASSERT_TRUE(first.Bind(Address("127.0.0.1:0"), &error)) << error;
  const int port = PortOf(first.bound()[0]);
  first.Start(nullptr);
  HttpServer second(handlers_, no_auth_, std::nullopt);
  EXPECT_FALSE(second.Bind(Address("127.0.0.1:" + std::to_string(port)), &error));
  EXPECT_NE(error.find("Address already in use"), std::string::npos) << error;
  EXPECT_FALSE(second.Bind(Address("no-such-host.invalid:80"), &error));
  EXPECT_NE(error.find("cannot listen on no-such-host.invalid:80"), std::string::npos) << error;
}

TEST_F(HttpServerTest, StopRightAfterStartDoesNotHang) {
  // httplib ignores stop() until its listen loop runs; this once hung a
  // test run for good (the destructor's Stop() joined a thread in accept()).
  for (int i = 0; i < 200; ++i) {
    HttpServer server(handlers_, no_auth_, std::nullopt);
    std::string error;
    ASSERT_TRUE(server.Bind(Address("127.0.0.1:0"), &error)) << error;
    server.Start(nullptr);
    server.Stop();
  }
}

TEST_F(HttpServerTest, BasicAuth401Then200) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  ASSERT_NE(crypt_gensalt_rn("$2y$", 4, nullptr, 0, salt, sizeof(salt)), nullptr);
  crypt_data data{};
  BasicAuth auth({{"prom", crypt_r("scrape", salt, &data)}});
  HttpServer server(handlers_, auth, std::nullopt);
  std::string error;
  ASSERT_TRUE(server.Bind(Address("127.0.0.1:0"), &error)) << error;
  server.Start(nullptr);
  httplib::Client client("127.0.0.1", PortOf(server.bound()[0]));
  auto denied = client.Get("/metrics");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  EXPECT_NE(denied->get_header_value("WWW-Authenticate").find("Basic"), std::string::npos);
  client.set_basic_auth("prom", "wrong");
  EXPECT_EQ(client.Get("/metrics")->status, 401);
  client.set_basic_auth("prom", "scrape");
  auto allowed = client.Get("/metrics");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
}

TEST_F(HttpServerTest, PipelinedRequestsAnsweredInOrder) {
  auto server = StartPlain();
  ASSERT_TRUE(server);
  const int fd = Connect(PortOf(server->bound()[0]));
  ASSERT_GE(fd, 0);
  std::string requests;
  const char* paths[] = {"/healthz", "/nope", "/metrics", "/healthz", "/api/v1/containers/x"};
  for (const char* path : paths) requests += std::string("GET ") + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
  requests += "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  SendText(fd, requests);
  bool closed = false;
  const std::string replies = ReadUntilClosed(fd, 5000, &closed);
  close(fd);
  EXPECT_TRUE(closed);
  std::vector<std::string> statuses;
  for (size_t at = replies.find("HTTP/1.1 "); at != std::string::npos;
       at = replies.find("HTTP/1.1 ", at + 1)) {
    statuses.push_back(replies.substr(at + 9, 3));
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"200", "404", "200", "200", "404", "200"}));
}

TEST_F(HttpServerTest, AHeadDribbledAByteAtATimeIsServedOnceItsBlankLineArrives) {
  auto server = StartPlain();
  ASSERT_TRUE(server);
  const int fd = Connect(PortOf(server->bound()[0]));
  ASSERT_GE(fd, 0);
  // Every byte its own read, so the blank line ("\r\n\r\n") is split over
  // four reads; then a second request with bare LFs, split the same way.
  const std::string requests =
      "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\nConnection: close\n\n";
  bool closed = false;
  for (char ch : requests) {
    send(fd, &ch, 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string replies = ReadUntilClosed(fd, 5000, &closed);
  close(fd);
  EXPECT_TRUE(closed);
  const size_t ok = replies.find("HTTP/1.1 200");
  const size_t missing = replies.find("HTTP/1.1 404");
  ASSERT_NE(ok, std::string::npos) << replies;
  ASSERT_NE(missing, std::string::npos) << replies;
  EXPECT_LT(ok, missing);
}

TEST_F(HttpServerTest, HeadDeadlineClosesADribbler) {
  HttpServerOptions options;
  options.head_timeout = std::chrono::milliseconds(300);
  HttpServer server(handlers_, no_auth_, std::nullopt, options);
  std::string error;
  ASSERT_TRUE(server.Bind(Address("127.0.0.1:0"), &error)) << error;
  server.Start(nullptr);
  const int fd = Connect(PortOf(server.bound()[0]));
  ASSERT_GE(fd, 0);
  SendText(fd, "GET /metrics HTTP/1.1\r\n");
  // One header byte every 50 ms: each read is quick, the head never ends.
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    send(fd, "X", 1, MSG_NOSIGNAL);
    ReadUntilClosed(fd, 50, &closed);
  }
  close(fd);
  EXPECT_TRUE(closed) << "a head dribbled for 5 s was still being read";
}

TEST_F(HttpServerTest, OverTheRequestLimitA503HealthzStillAnswers) {
  GateSource gate;
  SharedCollection collection(gate, std::chrono::milliseconds(0));
  HttpHandlers handlers(collection, FamilyOptions{}, "/metrics");
  HttpServerOptions options;
  options.max_requests = 1;
  HttpServer server(handlers, no_auth_, std::nullopt, options);
  std::string error;
  ASSERT_TRUE(server.Bind(Address("127.0.0.1:0"), &error)) << error;
  server.Start(nullptr);
  const int port = PortOf(server.bound()[0]);
  auto first = std::async(std::launch::async, [port] {
    httplib::Client client("127.0.0.1", port);
    auto reply = client.Get("/metrics");
    return reply ? reply->status : -1;
  });
  gate.WaitEntered();
  httplib::Client client("127.0.0.1", port);
  auto over = client.Get("/metrics");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 503);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  gate.Release();
  EXPECT_EQ(first.get(), 200);
}

TEST_F(HttpServerTest, StopIsBoundedWhileAHandlerIsStuck) {
  GateSource gate;
  SharedCollection collection(gate, std::chrono::milliseconds(0));
  HttpHandlers handlers(collection, FamilyOptions{}, "/metrics");
  HttpServerOptions options;
  options.shutdown_grace = std::chrono::milliseconds(200);
  auto server = std::make_unique<HttpServer>(handlers, no_auth_, std::nullopt, options);
  std::string error;
  ASSERT_TRUE(server->Bind(Address("127.0.0.1:0"), &error)) << error;
  server->Start(nullptr);
  const int port = PortOf(server->bound()[0]);
  auto stuck = std::async(std::launch::async, [port] {
    httplib::Client client("127.0.0.1", port);
    return static_cast<bool>(client.Get("/metrics"));
  });
  gate.WaitEntered();
  auto stopped = std::async(std::launch::async, [&] { return server->Stop(); });
  // Stop() returns (false: a request is still running) while the handler is stuck.
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(stopped.get());
  EXPECT_LT(Connect(port), 0);  // no longer accepting
  gate.Release();
  server.reset();  // waits for the handler
  stuck.get();
}

// The bug this guards against left scrapes unanswered for as long as the slow
// connections stayed (a Prometheus scrape timeout, then a restarted pod), so
// the bound is "answered well inside Prometheus' 10 s default", not a latency
// figure: each request gets 5 s. The server's 1,000 accepts (each with an
// SSL_new under TLS) come first: 1.45 s for both TLS requests on a quiet
// machine, over 5 s under ThreadSanitizer (every allocation and lock ten times
// slower), and a 1 s bound failed the TLS case under load of 20 from other
// builds. ThreadSanitizer's build checks for races (the scrapes must still be
// answered) with 30 s.
#if defined(__SANITIZE_THREAD__)
constexpr int kSlowScrapeTimeoutSeconds = 30;
#else
constexpr int kSlowScrapeTimeoutSeconds = 5;
#endif

// 1,000 idle, dribbling and half-handshaken connections; then /healthz and
// /metrics must answer, each within a 1 s read timeout.
void HoldManyAndScrape(HttpServer& server, bool tls, const std::string& ca_file) {
  RaiseFileLimit(4096);
  const int port = PortOf(server.bound()[0]);
  std::vector<int> fds;
  for (int i = 0; i < 1000; ++i) {
    const int fd = Connect(port);
    ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
    switch (i % 3) {
      case 0: break;  // idle
      case 1: SendText(fd, tls ? std::string_view("\x16\x03\x01", 3) : "GET /metrics HTTP/1.1\r\nHo"); break;
      case 2: SendText(fd, tls ? std::string_view("\x16", 1) : "GET /healthz HTTP/1.1\r\n"); break;
    }
    fds.push_back(fd);
  }
  const auto start = std::chrono::steady_clock::now();
  for (const char* path : {"/healthz", "/metrics"}) {
    std::unique_ptr<httplib::ClientImpl> client;
    if (tls) {
      auto ssl = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
      ssl->set_ca_cert_path(ca_file.c_str());
      ssl->enable_server_certificate_verification(true);
      client = std::move(ssl);
    } else {
      client = std::make_unique<httplib::ClientImpl>("127.0.0.1", port);
    }
    client->set_connection_timeout(kSlowScrapeTimeoutSeconds, 0);
    client->set_read_timeout(kSlowScrapeTimeoutSeconds, 0);
    auto reply = client->Get(path);
    ASSERT_TRUE(reply) << path << " with 1,000 slow connections open: " << httplib::to_string(reply.error());
    EXPECT_EQ(reply->status, 200) << path;
  }
  std::printf("[ figure ] /healthz + /metrics (%s) with 1,000 slow connections open: %.1f ms\n",
              tls ? "TLS" : "plain",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  for (int fd : fds) close(fd);
}

TEST_F(HttpServerTest, ThousandSlowConnectionsDoNotStarveScrapes) {
  auto server = StartPlain();
  ASSERT_TRUE(server);
  HoldManyAndScrape(*server, false, "");
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/berth-tls-test.XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_F(HttpServerTest, TlsWithTestCaAndBadFiles) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  TempDir dir;
  const std::string d = dir.path();
  const std::string script =
      "cd " + d +
      " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
      "-subj /CN=berth-test-ca >/dev/null 2>&1"
      " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj /CN=localhost >/dev/null 2>&1"
      " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf"
      " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
      "-out server.crt -days 2 -extfile ext.cnf >/dev/null 2>&1";
  ASSERT_EQ(std::system(script.c_str()), 0);
  TlsConfig tls;
  tls.cert_file = d + "/server.crt";
  tls.key_file = d + "/server.key";
  HttpServer server(handlers_, no_auth_, tls);
  std::string error;
  ASSERT_TRUE(server.Bind(Address("127.0.0.1:0"), &error)) << error;
  server.Start(nullptr);
  httplib::SSLClient client("127.0.0.1", PortOf(server.bound()[0]));
  client.set_ca_cert_path((d + "/ca.crt").c_str());
  client.enable_server_certificate_verification(true);
  for (int i = 0; i < 3; ++i) {  // several handshakes, keep-alive and not
    auto reply = client.Get("/metrics");
    ASSERT_TRUE(reply) << httplib::to_string(reply.error());
    EXPECT_EQ(reply->status, 200);
    EXPECT_NE(reply->body.find("container_cpu_usage_seconds_total"), std::string::npos);
  }
  HoldManyAndScrape(server, true, d + "/ca.crt");
  // A client that does not trust the CA fails the handshake.
  httplib::SSLClient untrusting("127.0.0.1", PortOf(server.bound()[0]));
  untrusting.set_ca_cert_path("/nonexistent-ca.crt");
  untrusting.enable_server_certificate_verification(true);
  EXPECT_FALSE(untrusting.Get("/healthz"));

  TlsConfig bad = tls;
  bad.key_file = d + "/ca.key";  // does not match the certificate
  HttpServer mismatched(handlers_, no_auth_, bad);
  EXPECT_FALSE(mismatched.Bind(Address("127.0.0.1:0"), &error));
  EXPECT_NE(error.find("does not match"), std::string::npos) << error;
  bad.cert_file = d + "/missing.crt";
  HttpServer missing(handlers_, no_auth_, bad);
  EXPECT_FALSE(missing.Bind(Address("127.0.0.1:0"), &error));
  EXPECT_NE(error.find("cannot load cert_file " + d + "/missing.crt"), std::string::npos) << error;
}

}  // namespace
}  // namespace berth::exporter
