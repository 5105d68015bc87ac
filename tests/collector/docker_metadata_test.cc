// DockerMetadata against a test HTTP server on a unix socket: naming, API
// version negotiation, dead / hung / confused sockets, backoff, log-once.
#include "collector/runtimes/docker_metadata.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/collector/fake_unix_http_server.h"
#include "tests/log_capture.h"

namespace berth::collector {
namespace {

using berth::testing::FakeResponse;
using berth::testing::FakeUnixHttpServer;
using std::chrono::milliseconds;

const std::string kWebId(64, 'a');
const std::string kDbId(64, 'b');
const std::string kStoppedId(64, 'c');
const std::string kUnknownId(64, 'd');

std::string VersionBody(const std::string& api, const std::string& min_api) {
  std::string body = R"({"Version":"test-engine","ApiVersion":")" + api + "\"";
  if (!min_api.empty()) body += R"(,"MinAPIVersion":")" + min_api + "\"";
  return body + "}";
}

std::string ListBody() {
  return R"([{"Id":")" + kWebId +
         R"(","Names":["/web"],"Image":"nginx:1.25","Created":1700000000,"State":"running",
            "Labels":{"com.docker.compose.project":"shop"}},
           {"Id":")" + kDbId +
         R"(","Names":["/db"],"Image":"postgres:16","Created":1700000001,"State":"running",
            "Labels":null},
           {"Id":")" + kStoppedId +
         R"(","Names":["/old"],"Image":"busybox","Created":1600000000,"State":"exited"}])";
}

std::string InspectBody(const std::string& id) {
  return R"({"Id":")" + id +
         R"(","State":{"Status":"running","StartedAt":"2023-11-14T22:13:20.5Z"},"RestartCount":0})";
}

// A Docker Engine speaking API versions `min_api` (or 1.12) to `api`, like
// dockerd: /vX.Y below the minimum is refused with HTTP 400.
FakeUnixHttpServer::Handler Engine(const std::string& api, const std::string& min_api) {
  return [api, min_api](const std::string& path) -> FakeResponse {
    if (path == "/version") return {200, VersionBody(api, min_api)};
    size_t slash = path.find('/', 1);
    auto version = ParseApiVersion(path.substr(2, slash == std::string::npos ? 0 : slash - 2));
    if (path.rfind("/v", 0) != 0 || !version || *version > *ParseApiVersion(api)) {
      return {404, R"({"message":"page not found"})"};
    }
    auto minimum = ParseApiVersion(min_api.empty() ? "1.12" : min_api);
    if (*version < *minimum) {
      return {400, R"({"message":"client version )" + version->ToString() +
                       " is too old. Minimum supported API version is " +
                       minimum->ToString() + R"(, please upgrade your client to a newer version"})"};
    }
    const std::string rest = path.substr(slash);
    if (rest == "/containers/json?all=1") return {200, ListBody()};
    for (const std::string& id : {kWebId, kDbId}) {
      if (rest == "/containers/" + id + "/json") return {200, InspectBody(id)};
    }
    return {404, R"({"message":"page not found"})"};
  };
}

FakeResponse Hang() {
  FakeResponse response;
  response.hang = true;
  return response;
}

struct Identities {
  std::vector<ContainerIdentity> storage;
  std::vector<ContainerIdentity*> pointers;
  explicit Identities(std::vector<std::string> ids, Runtime runtime = Runtime::kDocker) {
    for (const std::string& id : ids) {
      ContainerIdentity identity;
      identity.id = id;
      identity.runtime = runtime;
      storage.push_back(identity);
    }
    for (ContainerIdentity& identity : storage) pointers.push_back(&identity);
  }
  const ContainerIdentity& at(size_t i) const { return storage[i]; }
};

DockerOptions OptionsFor(const std::string& socket_path) {
  DockerOptions options;
  options.socket_path = socket_path;
  options.connect_timeout = milliseconds(200);
  options.total_timeout = milliseconds(400);
  options.min_backoff = milliseconds(0);
  options.follow_events = false;  // the events tests turn it on
  return options;
}

using berth::testing::LogCapture;

TEST(DockerMetadata, NamesImagesLabelsAndStartTime) {
  FakeUnixHttpServer server(Engine("1.51", "1.24"));
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId, kDbId, kUnknownId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 0);
  EXPECT_EQ(ids.at(0).name, "web");
  EXPECT_EQ(ids.at(0).image, "nginx:1.25");
  EXPECT_EQ(ids.at(0).labels.at("com.docker.compose.project"), "shop");
  ASSERT_TRUE(ids.at(0).start_time_seconds.has_value());
  EXPECT_DOUBLE_EQ(*ids.at(0).start_time_seconds, 1700000000.5);
  EXPECT_EQ(ids.at(1).name, "db");
  EXPECT_EQ(ids.at(1).image, "postgres:16");
  EXPECT_TRUE(ids.at(2).name.empty());  // not Docker's: left for the short-id fallback
  // min(server 1.51, berth's 1.47).
  EXPECT_EQ(docker.api_version(), (ApiVersion{1, 47}));
  EXPECT_EQ(server.requests("/v1.47/containers/json?all=1"), 1);
  EXPECT_EQ(server.requests("/v1.47/containers/" + kWebId + "/json"), 1);
  EXPECT_TRUE(docker.last_error().empty());

  // Next sample: one list again, no new inspect, no new /version.
  Identities again({kWebId, kDbId});
  EXPECT_EQ(docker.Annotate(again.pointers), 0);
  EXPECT_EQ(again.at(0).name, "web");
  EXPECT_TRUE(again.at(0).start_time_seconds.has_value());
  EXPECT_EQ(server.requests("/v1.47/containers/json?all=1"), 2);
  EXPECT_EQ(server.requests("/v1.47/containers/" + kWebId + "/json"), 1);
  EXPECT_EQ(server.requests("/version"), 1);

  // db is running: not reported as stopped even though its id is not seen.
  auto stopped = docker.KnownWithoutCgroup({kWebId});
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].id, kStoppedId);
  EXPECT_EQ(stopped[0].name, "old");
  EXPECT_EQ(stopped[0].runtime, Runtime::kDocker);
}

TEST(DockerMetadata, SpeaksTheServersOlderVersion) {
  FakeUnixHttpServer server(Engine("1.41", "1.12"));
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 0);
  EXPECT_EQ(ids.at(0).name, "web");
  EXPECT_EQ(docker.api_version(), (ApiVersion{1, 41}));
}

TEST(DockerMetadata, InspectsAtMostTheConfiguredNumberPerCall) {
  FakeUnixHttpServer server(Engine("1.41", ""));
  DockerOptions options = OptionsFor(server.socket_path());
  options.max_inspects_per_annotate = 1;
  DockerMetadata docker(options);
  Identities ids({kWebId, kDbId});
  docker.Annotate(ids.pointers);
  EXPECT_EQ(server.requests("/v1.41/containers/" + kWebId + "/json") +
                server.requests("/v1.41/containers/" + kDbId + "/json"),
            1);
  EXPECT_EQ(ids.at(1).name, "db");  // named from the list all the same
  Identities again({kWebId, kDbId});
  docker.Annotate(again.pointers);
  EXPECT_EQ(server.requests("/v1.41/containers/" + kDbId + "/json"), 1);
  EXPECT_TRUE(again.at(1).start_time_seconds.has_value());
}

TEST(DockerMetadata, MissingSocketLeavesIdsAndSaysWhyOnce) {
  LogCapture log;
  DockerMetadata docker(OptionsFor("/nonexistent/berth-test/docker.sock"));
  for (int i = 0; i < 3; ++i) {
    Identities ids({kWebId});
    EXPECT_EQ(docker.Annotate(ids.pointers), 1);
    EXPECT_TRUE(ids.at(0).name.empty());
  }
  EXPECT_NE(docker.last_error().find("no Docker socket"), std::string::npos)
      << docker.last_error();
  EXPECT_EQ(log.Count(spdlog::level::warn), 1) << log.Text();
  EXPECT_NE(log.Text().find("/nonexistent/berth-test/docker.sock"), std::string::npos);
}

TEST(DockerMetadata, MissingSocketIsNoNewsWithoutDockerContainers) {
  LogCapture log;
  DockerMetadata docker(OptionsFor("/nonexistent/berth-test/docker.sock"));
  Identities ids({"machine-test.scope"}, Runtime::kNspawn);
  EXPECT_EQ(docker.Annotate(ids.pointers), 0);
  EXPECT_EQ(log.Count(spdlog::level::warn), 0) << log.Text();
}

// Podman's containers are the Podman provider's: with no Docker socket on a
// host that runs Podman (the default --docker.socket on a Podman-only host),
// they are no Docker error and no Docker warning.
TEST(DockerMetadata, MissingSocketIsNoNewsForPodmanContainers) {
  LogCapture log;
  DockerMetadata docker(OptionsFor("/nonexistent/berth-test/docker.sock"));
  for (int i = 0; i < 3; ++i) {
    Identities ids({kWebId, kDbId}, Runtime::kPodman);
    EXPECT_EQ(docker.Annotate(ids.pointers), 0);
    EXPECT_TRUE(ids.at(0).name.empty());
  }
  EXPECT_TRUE(docker.last_error().empty()) << docker.last_error();
  EXPECT_EQ(log.Count(spdlog::level::warn), 0) << log.Text();
  // A Docker container among them: now it is news.
  Identities mixed({kWebId});
  Identities podman({kDbId}, Runtime::kPodman);
  mixed.pointers.push_back(podman.pointers[0]);
  EXPECT_EQ(docker.Annotate(mixed.pointers), 1);
  EXPECT_EQ(log.Count(spdlog::level::warn), 1) << log.Text();
}

// A Docker socket that is Podman's compatible API (podman-docker): its
// containers are named through it, and the stopped ones it reports are
// Podman's, not Docker's.
TEST(DockerMetadata, APodmanCompatibleSocketNamesAndMarksPodmanContainers) {
  auto docker_engine = Engine("1.41", "1.24");
  FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
    if (path == "/version") {
      return {200, R"({"Components":[{"Name":"Podman Engine","Version":"4.3.1"}],)"
                   R"("Version":"4.3.1","ApiVersion":"1.41","MinAPIVersion":"1.24"})"};
    }
    return docker_engine(path);
  });
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId, kDbId}, Runtime::kPodman);
  EXPECT_EQ(docker.Annotate(ids.pointers), 0);
  EXPECT_EQ(ids.at(0).name, "web");
  EXPECT_EQ(ids.at(1).name, "db");
  auto stopped = docker.KnownWithoutCgroup({kWebId, kDbId});
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].name, "old");
  EXPECT_EQ(stopped[0].runtime, Runtime::kPodman);
}

// Negotiation by GET /_ping's Api-Version header (the docker CLI's way): no
// /version at all, which on Podman takes about a second (here: never answers).
TEST(DockerMetadata, NegotiatesWithThePingHeaderWithoutVersion) {
  struct Case {
    std::string name, headers;
    std::string list_prefix;
    Runtime stopped_runtime;
  };
  const Case cases[] = {
      {"docker", "Api-Version: 1.52\r\nServer: Docker/29.0.1 (linux)\r\n", "/v1.47", Runtime::kDocker},
      {"podman", "API-Version: 1.41\r\nLibpod-Api-Version: 4.3.1\r\n", "/v1.41", Runtime::kPodman},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto docker_engine = Engine("1.52", "1.24");
    FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
      if (path == "/_ping") {
        FakeResponse ping{200, "OK"};
        ping.headers = c.headers;
        return ping;
      }
      if (path == "/version") return Hang();
      return docker_engine(path);
    });
    DockerMetadata docker(OptionsFor(server.socket_path()));
    Identities ids({kWebId});
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(docker.Annotate(ids.pointers), 0) << docker.last_error();
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(400));
    EXPECT_EQ(ids.at(0).name, "web");
    EXPECT_EQ(server.requests("/version"), 0);
    EXPECT_EQ(server.requests(c.list_prefix + "/containers/json?all=1"), 1);
    auto stopped = docker.KnownWithoutCgroup({kWebId, kDbId});
    ASSERT_EQ(stopped.size(), 1u);
    EXPECT_EQ(stopped[0].runtime, c.stopped_runtime);
  }
}

// /_ping gives no minimum: a server whose minimum (named in its "too old"
// answer) is above what berth speaks is refused with that reason.
TEST(DockerMetadata, PingThenTooOldAboveBerthsMaximumIsRefused) {
  FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
    if (path == "/_ping") {
      FakeResponse ping{200, "OK"};
      ping.headers = "Api-Version: 1.60\r\n";
      return ping;
    }
    return {400, R"({"message":"client version 1.47 is too old. Minimum supported API version is 1.50, please upgrade your client to a newer version"})"};
  });
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 1);
  EXPECT_NE(docker.last_error().find("requires API 1.50"), std::string::npos)
      << docker.last_error();
}

TEST(DockerMetadata, HungSocketReturnsWithinTheTimeout) {
  FakeUnixHttpServer server([](const std::string&) { return Hang(); });
  DockerOptions options = OptionsFor(server.socket_path());
  options.total_timeout = milliseconds(300);
  DockerMetadata docker(options);
  Identities ids({kWebId, kDbId});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(docker.Annotate(ids.pointers), 1);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, milliseconds(300 + 500));
  EXPECT_TRUE(ids.at(0).name.empty());
  EXPECT_NE(docker.last_error().find("timed out"), std::string::npos) << docker.last_error();
}

TEST(DockerMetadata, ATimeoutBacksOffForFiveBudgets) {
  FakeUnixHttpServer server([](const std::string&) { return Hang(); });
  DockerOptions options = OptionsFor(server.socket_path());
  options.total_timeout = milliseconds(100);
  options.min_backoff = milliseconds(10);
  DockerMetadata docker(options);
  Identities first({kWebId});
  EXPECT_EQ(docker.Annotate(first.pointers), 1);
  const size_t requests = server.paths().size();
  std::this_thread::sleep_for(milliseconds(50));  // past min_backoff, within 5 × 100 ms
  Identities second({kWebId});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(docker.Annotate(second.pointers), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(50));
  EXPECT_EQ(server.paths().size(), requests);
}

TEST(DockerMetadata, HangAfterVersionStillBoundedByOneBudget) {
  // /version answers, the list hangs: the two requests share one deadline.
  FakeUnixHttpServer server([](const std::string& path) {
    if (path == "/version") return FakeResponse{200, VersionBody("1.41", "")};
    return Hang();
  });
  DockerOptions options = OptionsFor(server.socket_path());
  options.total_timeout = milliseconds(300);
  DockerMetadata docker(options);
  Identities ids({kWebId});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(docker.Annotate(ids.pointers), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(300 + 500));
}

TEST(DockerMetadata, RenegotiatesWhenTheDaemonSaysClientTooOld) {
  // The daemon was upgraded after berth negotiated 1.41: /version now says
  // 1.52 (minimum 1.44) and 1.41 requests are refused with HTTP 400.
  std::atomic<int> version_calls{0};
  FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
    if (path == "/version") {
      return {200, ++version_calls == 1 ? VersionBody("1.41", "1.12") : VersionBody("1.52", "1.44")};
    }
    if (path.rfind("/v1.41/", 0) == 0) {
      return {400, R"({"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"})"};
    }
    if (path == "/v1.47/containers/json?all=1") return {200, ListBody()};
    if (path == "/v1.47/containers/" + kWebId + "/json") return {200, InspectBody(kWebId)};
    return {404, R"({"message":"page not found"})"};
  });
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 0);
  EXPECT_EQ(ids.at(0).name, "web");
  EXPECT_EQ(docker.api_version(), (ApiVersion{1, 47}));
  EXPECT_EQ(server.requests("/version"), 2);
}

TEST(DockerMetadata, UsesTheMinimumNamedInTheTooOldError) {
  // /version claims 1.41 without a minimum, yet 1.41 is refused: take the
  // minimum from the error message when berth knows it.
  FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
    if (path == "/version") return {200, VersionBody("1.41", "")};
    if (path.rfind("/v1.41/", 0) == 0) {
      return {400, R"({"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"})"};
    }
    if (path == "/v1.44/containers/json?all=1") return {200, ListBody()};
    if (path == "/v1.44/containers/" + kWebId + "/json") return {200, InspectBody(kWebId)};
    return {404, R"({"message":"page not found"})"};
  });
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 0);
  EXPECT_EQ(ids.at(0).name, "web");
  EXPECT_EQ(docker.api_version(), (ApiVersion{1, 44}));
}

TEST(DockerMetadata, RefusesAnEngineWhoseMinimumIsAboveBerths) {
  FakeUnixHttpServer server(Engine("1.60", "1.50"));
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 1);
  EXPECT_TRUE(ids.at(0).name.empty());
  EXPECT_NE(docker.last_error().find("requires API 1.50"), std::string::npos)
      << docker.last_error();
  EXPECT_EQ(server.requests("/v1."), 0);
}

TEST(DockerMetadata, NonJsonAndErrorAnswersAreFailuresNotCrashes) {
  FakeUnixHttpServer server([](const std::string& path) -> FakeResponse {
    if (path == "/version") return {200, VersionBody("1.41", "")};
    if (path == "/v1.41/containers/json?all=1") return {200, "<html>proxy says hi</html>"};
    return {500, R"({"message":"boom"})"};
  });
  DockerMetadata docker(OptionsFor(server.socket_path()));
  Identities ids({kWebId});
  EXPECT_EQ(docker.Annotate(ids.pointers), 1);
  EXPECT_NE(docker.last_error().find("not a JSON list"), std::string::npos)
      << docker.last_error();
}

TEST(DockerMetadata, BacksOffWithoutTouchingTheSocket) {
  std::atomic<bool> healthy{false};
  FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
    if (!healthy) return {500, R"({"message":"daemon is starting"})"};
    return Engine("1.41", "")(path);
  });
  DockerOptions options = OptionsFor(server.socket_path());
  options.min_backoff = milliseconds(60000);
  DockerMetadata docker(options);
  Identities first({kWebId});
  EXPECT_EQ(docker.Annotate(first.pointers), 1);
  const size_t requests_after_failure = server.paths().size();
  healthy = true;
  Identities second({kWebId});
  EXPECT_EQ(docker.Annotate(second.pointers), 0);
  EXPECT_EQ(server.paths().size(), requests_after_failure);
  EXPECT_TRUE(second.at(0).name.empty());
}

TEST(DockerMetadata, LogsOncePerStateChangeAndKeepsNamesThroughAnOutage) {
  LogCapture log;
  std::atomic<bool> healthy{true};
  FakeUnixHttpServer server([&](const std::string& path) -> FakeResponse {
    if (!healthy) return {500, R"({"message":"daemon is restarting"})"};
    return Engine("1.41", "")(path);
  });
  DockerMetadata docker(OptionsFor(server.socket_path()));
  auto annotate = [&] {
    Identities ids({kWebId});
    int errors = docker.Annotate(ids.pointers);
    return std::make_pair(errors, ids.at(0).name);
  };
  EXPECT_EQ(annotate(), std::make_pair(0, std::string("web")));
  healthy = false;
  for (int i = 0; i < 3; ++i) {
    // Last known name kept: a daemon restart does not rename the series.
    EXPECT_EQ(annotate(), std::make_pair(1, std::string("web")));
  }
  EXPECT_EQ(log.Count(spdlog::level::warn), 1) << log.Text();
  EXPECT_NE(log.Text().find("daemon is restarting"), std::string::npos) << log.Text();
  const int version_requests = server.requests("/version");
  healthy = true;
  EXPECT_EQ(annotate(), std::make_pair(0, std::string("web")));
  EXPECT_EQ(annotate(), std::make_pair(0, std::string("web")));
  EXPECT_EQ(log.Count(spdlog::level::info), 1) << log.Text();
  EXPECT_TRUE(docker.last_error().empty());
  // /version again after the outage: the daemon may have changed version.
  EXPECT_EQ(server.requests("/version"), version_requests + 1);
}

}  // namespace
}  // namespace berth::collector
