// CRI-O: the inspect parser over documented response shapes (container,
// sandbox, unknown fields, errors) and CrioMetadata against a test server on
// a unix socket (404, dead, hung sockets, one lookup per id).
#include "collector/runtimes/crio_metadata.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/collector/fake_unix_http_server.h"

namespace berth::collector {
namespace {

using berth::testing::FakeResponse;
using berth::testing::FakeUnixHttpServer;
using std::chrono::milliseconds;

const std::string kApp(64, '1');
const std::string kPause(64, '2');
const std::string kGone(64, '3');

const std::string kAppBody = R"({"name":"k8s_nginx_web-0_shop_0a1b2c3d-4e5f-6789-abcd-ef0123456789_0",
  "pid":4242,"image":"docker.io/library/nginx:1.25","image_ref":"docker.io/library/nginx@sha256:ab",
  "created_time":1700000000500000000,
  "labels":{"io.kubernetes.container.name":"nginx","io.kubernetes.pod.name":"web-0",
            "io.kubernetes.pod.namespace":"shop",
            "io.kubernetes.pod.uid":"0a1b2c3d-4e5f-6789-abcd-ef0123456789"},
  "annotations":{"io.kubernetes.cri-o.ContainerType":"container"},
  "crio_annotations":{},"log_path":"/var/log/pods/x/nginx/0.log","root":"/var/lib/x",
  "sandbox":")" + kPause + R"(","ip_addresses":["10.0.0.5"],"new_field":[1,2]})";

const std::string kPauseBody = R"({"name":"k8s_POD_web-0_shop_0a1b2c3d-4e5f-6789-abcd-ef0123456789_0",
  "image":"registry.k8s.io/pause:3.9","created_time":1699999999000000000,
  "labels":{"io.kubernetes.container.name":"POD","io.kubernetes.pod.name":"web-0",
            "io.kubernetes.pod.namespace":"shop",
            "io.kubernetes.pod.uid":"0a1b2c3d-4e5f-6789-abcd-ef0123456789"},
  "annotations":{"io.kubernetes.cri-o.ContainerType":"sandbox"},"sandbox":")" + kPause + R"("})";

TEST(ParseCrioContainerInfoTest, Table) {
  CrioContainerInfo app;
  app.name = "k8s_nginx_web-0_shop_0a1b2c3d-4e5f-6789-abcd-ef0123456789_0";
  app.image = "docker.io/library/nginx:1.25";
  app.labels = {{"io.kubernetes.container.name", "nginx"},
                {"io.kubernetes.pod.name", "web-0"},
                {"io.kubernetes.pod.namespace", "shop"},
                {"io.kubernetes.pod.uid", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}};
  app.created_seconds = 1700000000.5;
  app.sandbox_id = kPause;
  app.k8s_namespace = "shop";
  app.k8s_pod = "web-0";
  app.k8s_container = "nginx";
  app.pod_uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

  CrioContainerInfo pause = app;
  pause.name = "k8s_POD_web-0_shop_0a1b2c3d-4e5f-6789-abcd-ef0123456789_0";
  pause.image = "registry.k8s.io/pause:3.9";
  pause.labels["io.kubernetes.container.name"] = "POD";
  pause.created_seconds = 1699999999;
  pause.k8s_container = "POD";
  pause.is_sandbox = true;

  CrioContainerInfo plain;
  plain.name = "standalone";

  struct Case {
    std::string name, body;
    std::optional<CrioContainerInfo> want;
  };
  const Case cases[] = {
      {"kubernetes_container", kAppBody, app},
      {"sandbox", kPauseBody, pause},
      {"no_labels_null_fields", R"({"name":"standalone","labels":null,"created_time":0})", plain},
      {"not_found_text", "can't find the container with id " + kGone, std::nullopt},
      {"array", "[]", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseCrioContainerInfo(c.body), c.want) << c.name;
  }
}

FakeUnixHttpServer::Handler Crio() {
  return [](const std::string& path) -> FakeResponse {
    if (path == "/containers/" + kApp) return {200, kAppBody};
    if (path == "/containers/" + kPause) return {200, kPauseBody};
    return {404, "can't find the container with id " + path.substr(12)};
  };
}

CrioOptions Options(const std::string& socket) {
  CrioOptions options;
  options.socket_path = socket;
  options.total_timeout = milliseconds(300);
  options.min_backoff = milliseconds(60000);
  return options;
}

ContainerIdentity Identity(const std::string& id) {
  ContainerIdentity identity;
  identity.id = id;
  identity.runtime = Runtime::kCrio;
  return identity;
}

TEST(CrioMetadataTest, KubernetesNamesAndSandboxOncePerId) {
  FakeUnixHttpServer server(Crio());
  CrioMetadata provider(Options(server.socket_path()));
  for (int round = 0; round < 3; ++round) {
    ContainerIdentity app = Identity(kApp);
    ContainerIdentity pause = Identity(kPause);
    ContainerIdentity gone = Identity(kGone);
    std::vector<ContainerIdentity*> ids{&app, &pause, &gone};
    EXPECT_EQ(provider.Annotate(ids), 0);
    EXPECT_EQ(app.name, "shop/web-0/nginx");
    EXPECT_EQ(app.image, "docker.io/library/nginx:1.25");
    EXPECT_EQ(app.k8s_namespace, "shop");
    EXPECT_EQ(app.k8s_pod, "web-0");
    EXPECT_EQ(app.k8s_container, "nginx");
    EXPECT_FALSE(app.is_sandbox);
    EXPECT_EQ(pause.name, "shop/web-0/POD");
    EXPECT_TRUE(pause.is_sandbox);
    EXPECT_TRUE(gone.name.empty());  // 404: by id
  }
  EXPECT_EQ(server.requests("/containers/" + kApp), 1);
  EXPECT_EQ(server.requests("/containers/" + kGone), 1);  // retried only after 30 s
}

// The 404'd ids sit in the followers' negative cache (UnknownIds): with no
// retry interval every sample asks again, which is what the cache saves.
TEST(CrioMetadataTest, UnknownIdsAreAskedAgainOnlyAfterTheRetry) {
  FakeUnixHttpServer server(Crio());
  CrioOptions options = Options(server.socket_path());
  options.unknown_retry = milliseconds(0);
  CrioMetadata provider(options);
  for (int round = 0; round < 3; ++round) {
    ContainerIdentity app = Identity(kApp), gone = Identity(kGone);
    std::vector<ContainerIdentity*> ids{&app, &gone};
    EXPECT_EQ(provider.Annotate(ids), 0);
    EXPECT_EQ(app.name, "shop/web-0/nginx");
  }
  EXPECT_EQ(server.requests("/containers/" + kApp), 1);
  EXPECT_EQ(server.requests("/containers/" + kGone), 3);
}

TEST(CrioMetadataTest, DeadSocketBacksOffAndHungSocketIsBounded) {
  CrioMetadata dead(Options("/tmp/berth-no-such-dir/crio.sock"));
  ContainerIdentity app = Identity(kApp);
  std::vector<ContainerIdentity*> ids{&app};
  EXPECT_EQ(dead.Annotate(ids), 1);
  EXPECT_NE(dead.last_error().find("no socket"), std::string::npos);
  EXPECT_EQ(dead.Annotate(ids), 0);  // backoff
  EXPECT_TRUE(app.name.empty());

  FakeUnixHttpServer hung([](const std::string&) {
    FakeResponse r;
    r.hang = true;
    return r;
  });
  CrioMetadata provider(Options(hung.socket_path()));
  ContainerIdentity a = Identity(kApp), b = Identity(kPause);
  std::vector<ContainerIdentity*> both{&a, &b};
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(provider.Annotate(both), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_EQ(hung.requests("/containers/"), 1);  // stops at the first failure
}

TEST(CrioMetadataTest, OtherRuntimesUntouched) {
  FakeUnixHttpServer server(Crio());
  CrioMetadata provider(Options(server.socket_path()));
  ContainerIdentity other = Identity(kApp);
  other.runtime = Runtime::kContainerd;
  std::vector<ContainerIdentity*> ids{&other};
  EXPECT_EQ(provider.Annotate(ids), 0);
  EXPECT_TRUE(other.name.empty());
  EXPECT_EQ(server.requests("/"), 0);
}

}  // namespace
}  // namespace berth::collector
