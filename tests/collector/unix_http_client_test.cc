// UnixHttpClient over a test unix-socket HTTP server: status and body pass
// through, errors are classified, bodies and waits are bounded.
#include "collector/runtimes/unix_http_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/collector/fake_unix_http_server.h"

namespace berth::collector {
namespace {

using berth::testing::FakeResponse;
using berth::testing::FakeUnixHttpServer;
using std::chrono::milliseconds;

TEST(UnixHttpClient, PassesStatusAndBodyThrough) {
  FakeUnixHttpServer server([](const std::string& path) -> FakeResponse {
    if (path == "/v1.41/containers/json?all=1") return {200, "[]"};
    return {404, R"({"message":"page not found"})"};
  });
  UnixHttpClient client({.socket_path = server.socket_path()});
  UnixHttpResponse ok = client.Get("/v1.41/containers/json?all=1");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "[]");
  UnixHttpResponse missing = client.Get("/nope");
  EXPECT_EQ(missing.error, UnixHttpResponse::Error::kNone);
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"message":"page not found"})");
}

TEST(UnixHttpClient, ClassifiesMissingAndRefusingSockets) {
  UnixHttpClient absent({.socket_path = "/nonexistent/berth/docker.sock"});
  UnixHttpResponse r = absent.Get("/version");
  EXPECT_EQ(r.error, UnixHttpResponse::Error::kNoSocket);
  EXPECT_NE(r.detail.find("/nonexistent/berth/docker.sock"), std::string::npos);

  // A socket file nobody listens on any more (a dead daemon's leftover).
  std::string dir = std::filesystem::temp_directory_path() / "berth-client-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::string path = dir + "/dead.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
  UnixHttpClient dead({.socket_path = path});
  EXPECT_EQ(dead.Get("/version").error, UnixHttpResponse::Error::kConnect);
  std::filesystem::remove_all(dir);
}

TEST(UnixHttpClient, TimesOutOnASilentServerWithinTheShorterBudget) {
  FakeUnixHttpServer server([](const std::string&) {
    FakeResponse response;
    response.hang = true;
    return response;
  });
  UnixHttpClient client({.socket_path = server.socket_path(), .total_timeout = milliseconds(2000)});
  auto start = std::chrono::steady_clock::now();
  UnixHttpResponse r = client.Get("/version", milliseconds(150));
  EXPECT_EQ(r.error, UnixHttpResponse::Error::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(150 + 500));
}

TEST(UnixHttpClient, RefusesBodiesAboveTheCap) {
  FakeUnixHttpServer server(
      [](const std::string&) { return FakeResponse{200, std::string(10000, 'x')}; });
  UnixHttpClient client({.socket_path = server.socket_path(), .max_body_bytes = 4096});
  UnixHttpResponse r = client.Get("/containers/json");
  EXPECT_EQ(r.error, UnixHttpResponse::Error::kTransport);
  EXPECT_TRUE(r.body.empty());
  EXPECT_NE(r.detail.find("cap of 4096 bytes"), std::string::npos) << r.detail;
}

// kB of a "VmHWM:" / "VmRSS:" line of /proc/self/status.
long StatusKb(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return -1;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerAllocator = true;
#else
constexpr bool kSanitizerAllocator = false;
#endif

// Resets VmHWM (the peak RSS) to the current RSS.
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// A 50 MB reply (a hostile or broken runtime) is refused at the 16 MiB cap,
// with or without a Content-Length, without the process holding it: peak RSS
// grows by at most the cap, and the partial body is freed. (With the old
// 64 MiB cap the reply came through whole: +50 MB peak, held by the caller.)
TEST(UnixHttpClient, AFiftyMegabyteReplyIsRefusedAtTheCapAndFreed) {
  for (bool announced : {true, false}) {
    SCOPED_TRACE(announced ? "with Content-Length" : "without Content-Length");
    FakeUnixHttpServer server([announced](const std::string&) {
      FakeResponse response{200, "["};
      response.filler_bytes = 50'000'000;
      response.no_length = !announced;
      return response;
    });
    UnixHttpClient client({.socket_path = server.socket_path()});
    EXPECT_EQ(client.options().max_body_bytes, 16u << 20);
    for (int round = 0; round < 2; ++round) {  // the second after malloc saw a big free
      ResetPeakRss();
      const long rss_before = StatusKb("VmRSS:");
      UnixHttpResponse r = client.Get("/v1.41/containers/json?all=1");
      const long peak_growth = StatusKb("VmHWM:") - rss_before;
      EXPECT_EQ(r.error, UnixHttpResponse::Error::kTransport);
      EXPECT_NE(r.detail.find(server.socket_path()), std::string::npos) << r.detail;
      EXPECT_NE(r.detail.find("cap of 16 MiB"), std::string::npos) << r.detail;
      EXPECT_EQ(r.body.capacity(), std::string().capacity());  // freed, not just cleared
      // Unannounced: the body is read up to the cap, no further. (Under a
      // sanitizer, freed memory sits in its quarantine: RSS says nothing.)
      if (!kSanitizerAllocator) {
        EXPECT_LT(peak_growth, (announced ? 4 : 16 + 4) * 1024) << "kB";
        EXPECT_LT(StatusKb("VmRSS:") - rss_before, 4 * 1024) << "kB left behind";
      }
    }
  }
}

// A reply just under the cap comes through whole, in a buffer no larger
// than the cap (doubling growth stops there).
TEST(UnixHttpClient, AReplyJustUnderTheCapComesThrough) {
  const size_t size = (16u << 20) - 1;
  FakeUnixHttpServer server([size](const std::string&) {
    FakeResponse response;
    response.filler_bytes = size;
    response.no_length = true;
    return response;
  });
  UnixHttpClient client({.socket_path = server.socket_path()});
  UnixHttpResponse r = client.Get("/containers/json");
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body.size(), size);
  EXPECT_LE(r.body.capacity(), size_t{16} << 20);
}

}  // namespace
}  // namespace berth::collector
