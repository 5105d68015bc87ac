// Many clients at once against the real HttpServer and a real Sampler — the
// test ThreadSanitizer is for (`ctest --preset tsan`): threads scrape
// /metrics (plain and gzip), /healthz and the JSON API on kept-alive
// connections while every request collects anew (share window 0) from a
// copy of a fixture tree whose containers come and go, and one client
// dribbles its requests a byte at a time. Every reply must be whole and
// right; TSan must see no race between the event thread, the workers, the
// shared collection and the page buffers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "collector/sampler.h"
#include "exporter/gzip.h"
#include "exporter/http_server.h"

namespace berth::exporter {
namespace {

namespace fs = std::filesystem;

constexpr char kFixture[] = "v2-docker-cgroupfs";
constexpr char kKeptId[] = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
constexpr int kRequestsPerClient = 40;

class SamplerSource : public SnapshotSource {
 public:
  explicit SamplerSource(const std::string& rootfs) : sampler_(Options(rootfs)) {}
  collector::SnapshotPtr Collect() override { return sampler_.Collect(); }
  collector::ErrorCounts ErrorTotals() const override { return sampler_.error_totals(); }

 private:
  static collector::SamplerOptions Options(const std::string& rootfs) {
    collector::SamplerOptions options;
    options.rootfs = rootfs;
    options.limits_refresh = std::chrono::milliseconds(0);  // every file, every collection
    return options;
  }
  collector::Sampler sampler_;
};

// A copy of the fixture tree; a churn thread adds and removes copies of its
// container's cgroup (new ids) and rewrites a counter while scrapes run.
class ChurningTree {
 public:
  ChurningTree() {
    char pattern[] = "/tmp/berth-concurrent-scrape.XXXXXX";
    root_ = mkdtemp(pattern);
    fs::copy(fs::path(BERTH_FIXTURES_DIR) / kFixture, root_,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    docker_ = root_ + "/sys/fs/cgroup/docker";
  }
  ~ChurningTree() {
    Stop();
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  const std::string& root() const { return root_; }

  void Start() {
    thread_ = std::thread([this] {
      for (uint64_t round = 0; !stop_; ++round) {
        char id[65];
        std::snprintf(id, sizeof(id), "%064llx", static_cast<unsigned long long>(0xfeed0000 + round % 6));
        const fs::path dir = fs::path(docker_) / id;
        std::error_code ignored;
        if (fs::exists(dir)) {
          fs::remove_all(dir, ignored);
        } else {
          fs::copy(fs::path(docker_) / kKeptId, dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks,
                   ignored);
        }
        std::ofstream(fs::path(docker_) / kKeptId / "memory.current") << (100000 + round) * 4096 << "\n";
        rounds_ = round + 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t rounds() const { return rounds_; }

 private:
  std::string root_, docker_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> rounds_{0};
};

int PortOf(const std::string& bound) { return std::stoi(bound.substr(bound.rfind(':') + 1)); }

// Failures gathered from the client threads (gtest assertions are reported
// from the main thread).
class Problems {
 public:
  void Add(std::string what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (list_.size() < 20) list_.push_back(std::move(what));
    ++count_;
  }
  std::string Text() const {
    std::string out;
    for (const auto& p : list_) out += p + "\n";
    return out;
  }
  size_t count() const { return count_; }

 private:
  std::mutex mutex_;
  std::vector<std::string> list_;
  size_t count_ = 0;
};

// A whole page: the container families, the kept container and the
// process_* group at the end.
std::string CheckMetricsBody(const std::string& text) {
  if (text.empty() || text.back() != '\n') return "does not end in a newline";
  if (text.find("container_cpu_usage_seconds_total{") == std::string::npos) return "no cpu family";
  if (text.find(kKeptId) == std::string::npos) return "the kept container is missing";
  if (text.find("\nberth_containers ") == std::string::npos) return "no berth_containers";
  if (text.find("\nprocess_open_fds ") == std::string::npos) return "no process_open_fds (cut short?)";
  return "";
}

void ScrapeMetrics(int port, bool gzip, Problems& problems, std::atomic<int>& served) {
  httplib::Client client("127.0.0.1", port);
  client.set_decompress(false);
  client.set_keep_alive(true);
  client.set_read_timeout(60, 0);
  httplib::Headers headers;
  if (gzip) headers.emplace("Accept-Encoding", "gzip");
  for (int i = 0; i < kRequestsPerClient; ++i) {
    auto reply = client.Get("/metrics", headers);
    if (!reply) return problems.Add("/metrics: " + httplib::to_string(reply.error()));
    if (reply->status != 200) return problems.Add("/metrics: status " + std::to_string(reply->status));
    std::string text = reply->body;
    if (gzip) {
      if (reply->get_header_value("Content-Encoding") != "gzip") return problems.Add("/metrics: not gzip");
      auto plain = GzipDecompress(reply->body);
      if (!plain) return problems.Add("/metrics: gzip body does not decompress");
      text = std::move(*plain);
    }
    if (std::string why = CheckMetricsBody(text); !why.empty()) return problems.Add("/metrics: " + why);
    ++served;
  }
}

void ScrapeHealth(int port, Problems& problems, std::atomic<int>& served) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_read_timeout(60, 0);
  for (int i = 0; i < kRequestsPerClient; ++i) {
    auto reply = client.Get("/healthz");
    if (!reply) return problems.Add("/healthz: " + httplib::to_string(reply.error()));
    if (reply->status != 200 || reply->body != "ok\n") {
      return problems.Add("/healthz: " + std::to_string(reply->status) + " " + reply->body);
    }
    ++served;
  }
}

void ScrapeJson(int port, Problems& problems, std::atomic<int>& served) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_read_timeout(60, 0);
  const std::string one = std::string("/api/v1/containers/") + kKeptId;
  for (int i = 0; i < kRequestsPerClient; ++i) {
    const std::string path = i % 2 == 0 ? "/api/v1/containers" : one;
    auto reply = client.Get(path);
    if (!reply) return problems.Add(path + ": " + httplib::to_string(reply.error()));
    if (reply->status != 200) return problems.Add(path + ": status " + std::to_string(reply->status));
    const nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, false);
    if (body.is_discarded()) return problems.Add(path + ": not JSON");
    if (i % 2 == 0) {
      if (body.value("schema", "") != "berth.containers.v1" || !body["containers"].is_array() ||
          body["containers"].empty()) {
        return problems.Add(path + ": " + reply->body.substr(0, 200));
      }
    } else if (body.value("id", "") != kKeptId) {
      return problems.Add(path + ": " + reply->body.substr(0, 200));
    }
    ++served;
  }
}

// One kept-alive connection; each request sent a byte per send(), its
// reply read whole before the next.
void Dribble(int port, Problems& problems, std::atomic<int>& served) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return problems.Add("dribbler: cannot connect");
  }
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  const std::string want = "ok\n";
  for (int i = 0; i < kRequestsPerClient / 4; ++i) {
    for (char ch : request) {
      if (send(fd, &ch, 1, MSG_NOSIGNAL) != 1) {
        close(fd);
        return problems.Add("dribbler: send failed");
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    std::string reply;
    while (reply.size() < want.size() || reply.compare(reply.size() - want.size(), want.size(), want) != 0) {
      pollfd p{fd, POLLIN, 0};
      char buffer[4096];
      if (poll(&p, 1, 60'000) <= 0) break;
      const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      reply.append(buffer, static_cast<size_t>(n));
    }
    if (reply.rfind("HTTP/1.1 200 OK\r\n", 0) != 0 || reply.find("\r\n\r\nok\n") == std::string::npos) {
      close(fd);
      return problems.Add("dribbler: reply " + reply.substr(0, 100));
    }
    ++served;
  }
  close(fd);
}

TEST(ConcurrentScrapeTest, ScrapesHealthAndJsonWhileCollectionsRefreshAndAClientDribbles) {
  ChurningTree tree;
  SamplerSource source(tree.root());
  SharedCollection collection(source, std::chrono::milliseconds(0));  // every request collects
  HttpHandlers handlers(collection, FamilyOptions{}, "/metrics");
  BasicAuth no_auth({});
  HttpServer server(handlers, no_auth, std::nullopt);
  std::string error;
  const std::optional<ListenAddress> address = ParseListenAddress("127.0.0.1:0", &error);
  ASSERT_TRUE(address) << error;
  ASSERT_TRUE(server.Bind(*address, &error)) << error;
  server.Start(nullptr);
  const int port = PortOf(server.bound()[0]);

  tree.Start();
  Problems problems;
  std::atomic<int> served{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] { ScrapeMetrics(port, i % 2 == 1, problems, served); });
  }
  for (int i = 0; i < 2; ++i) clients.emplace_back([&] { ScrapeHealth(port, problems, served); });
  for (int i = 0; i < 2; ++i) clients.emplace_back([&] { ScrapeJson(port, problems, served); });
  clients.emplace_back([&] { Dribble(port, problems, served); });
  for (std::thread& client : clients) client.join();
  tree.Stop();
  EXPECT_TRUE(server.Stop());

  EXPECT_EQ(problems.count(), 0u) << problems.Text();
  EXPECT_EQ(served, 8 * kRequestsPerClient + kRequestsPerClient / 4);
  EXPECT_GT(collection.collections(), static_cast<uint64_t>(kRequestsPerClient));
  EXPECT_GT(tree.rounds(), 2u) << "the tree did not change during the scrapes";
}

}  // namespace
}  // namespace berth::exporter
