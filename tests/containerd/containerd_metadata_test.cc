// ContainerdMetadata against an in-process fake containerd (FakeContainerd):
// names from the list, no requests in steady state, events (create, update,
// delete) followed, Docker's namespace and unknown ids left alone, and the
// error paths: no socket, a dead socket after the first try, a hung call
// bounded by the timeout, a reply over the cap, a restart.
#include "collector/runtimes/containerd/containerd_metadata.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "tests/containerd/fake_containerd.h"

namespace berth::collector {
namespace {

using berth::testing::FakeContainerd;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const std::string kSandbox(64, 'a');
const std::string kApp(64, 'b');
const std::string kNerdctl(64, 'c');
const std::string kDocker(64, 'd');
const std::string kUnknown(64, 'e');
const std::string kNew(64, 'f');
const std::string kUid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

std::map<std::string, std::string> Cri(const std::string& kind, const std::string& container) {
  std::map<std::string, std::string> labels = {{"io.kubernetes.pod.name", "web-0"},
                                               {"io.kubernetes.pod.namespace", "shop"},
                                               {"io.kubernetes.pod.uid", kUid},
                                               {"io.cri-containerd.kind", kind}};
  if (!container.empty()) labels["io.kubernetes.container.name"] = container;
  return labels;
}

void Populate(FakeContainerd& fake) {
  fake.Add("k8s.io", {kSandbox, "registry.k8s.io/pause:3.9", Cri("sandbox", "")});
  fake.Add("k8s.io", {kApp, "docker.io/library/nginx:1.25", Cri("container", "nginx")});
  fake.Add("default", {kNerdctl, "docker.io/library/alpine:3.19", {{"nerdctl/name", "web"}}});
  fake.Add("moby", {kDocker, "busybox", {{"com.docker.compose.project", "x"}}});
}

ContainerIdentity Pod(const std::string& id) {
  ContainerIdentity identity;
  identity.id = id;
  identity.runtime = Runtime::kContainerd;
  identity.cgroup_path = "/kubepods/burstable/pod" + kUid + "/" + id;
  identity.pod_uid = kUid;
  return identity;
}

ContainerIdentity Bare(const std::string& id) {  // cgroupfs /<ns>/<id>: looks like Docker's
  ContainerIdentity identity;
  identity.id = id;
  identity.runtime = Runtime::kDocker;
  identity.cgroup_path = "/default/" + id;
  return identity;
}

// One sample: fresh identities (as the Sampler makes them), annotated.
struct Sample {
  std::vector<ContainerIdentity> identities;
  int errors = 0;
  const ContainerIdentity& at(const std::string& id) const {
    for (const auto& identity : identities) {
      if (identity.id == id) return identity;
    }
    throw std::out_of_range(id);
  }
};

Sample Annotate(ContainerdMetadata& metadata, std::vector<ContainerIdentity> identities) {
  Sample sample{std::move(identities)};
  std::vector<ContainerIdentity*> pointers;
  for (auto& identity : sample.identities) pointers.push_back(&identity);
  sample.errors = metadata.Annotate(pointers);
  return sample;
}

std::vector<ContainerIdentity> All() {
  return {Pod(kSandbox), Pod(kApp), Bare(kNerdctl), Bare(kDocker)};
}

ContainerdOptions Options(const std::string& socket) {
  ContainerdOptions options;
  options.socket_path = socket;
  options.total_timeout = milliseconds(2000);
  options.min_backoff = milliseconds(100);
  options.max_backoff = milliseconds(400);
  return options;
}

// Until `done` holds, annotating each round (the provider learns events at samples).
template <typename Done>
bool Eventually(ContainerdMetadata& metadata, std::vector<ContainerIdentity> identities,
                Done done, Sample* last) {
  const auto end = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < end) {
    *last = Annotate(metadata, identities);
    if (done(*last)) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST(ContainerdMetadataTest, NamesEveryNamespaceButDockers) {
  FakeContainerd fake;
  Populate(fake);
  ContainerdOptions options = Options(fake.socket_path());
  options.follow_events = false;
  ContainerdMetadata metadata(options);
  Sample s = Annotate(metadata, All());
  EXPECT_EQ(s.errors, 0);
  const ContainerIdentity& sandbox = s.at(kSandbox);
  EXPECT_EQ(sandbox.name, "shop/web-0/POD");
  EXPECT_EQ(sandbox.image, "registry.k8s.io/pause:3.9");
  EXPECT_TRUE(sandbox.is_sandbox);
  EXPECT_EQ(sandbox.k8s_container, "POD");
  const ContainerIdentity& app = s.at(kApp);
  EXPECT_EQ(app.name, "shop/web-0/nginx");
  EXPECT_EQ(app.k8s_namespace, "shop");
  EXPECT_EQ(app.k8s_pod, "web-0");
  EXPECT_EQ(app.k8s_container, "nginx");
  EXPECT_FALSE(app.is_sandbox);
  EXPECT_EQ(app.image, "docker.io/library/nginx:1.25");
  const ContainerIdentity& nerdctl = s.at(kNerdctl);
  EXPECT_EQ(nerdctl.name, "web");
  EXPECT_EQ(nerdctl.runtime, Runtime::kContainerd);  // claimed from Docker's look-alike
  EXPECT_EQ(nerdctl.image, "docker.io/library/alpine:3.19");
  // Docker's container lives in "moby": Docker's provider names it.
  const ContainerIdentity& docker = s.at(kDocker);
  EXPECT_EQ(docker.runtime, Runtime::kDocker);
  EXPECT_TRUE(docker.name.empty());
  EXPECT_TRUE(docker.labels.empty());
  EXPECT_EQ(fake.calls("Containers.List"), 2);  // default, k8s.io: not moby
  EXPECT_EQ(fake.calls("Containers.Get"), 0);
}

TEST(ContainerdMetadataTest, SteadyStateSendsNothing) {
  FakeContainerd fake;
  Populate(fake);
  ContainerdMetadata metadata(Options(fake.socket_path()));
  Annotate(metadata, All());
  ASSERT_TRUE(fake.WaitForSubscribers(1));
  Sample s;
  ASSERT_TRUE(Eventually(metadata, All(), [&](const Sample&) { return metadata.events_in_sync(); },
                         &s));
  EXPECT_EQ(fake.filters(), std::vector<std::string>{ContainerdEventStream::Filter()});
  const int lists = fake.calls("Namespaces.List") + fake.calls("Containers.List");
  const int gets = fake.calls("Containers.Get");
  // An unknown containerd id costs one Get per namespace, once.
  std::vector<ContainerIdentity> with_unknown = All();
  with_unknown.push_back(Pod(kUnknown));
  for (int i = 0; i < 20; ++i) s = Annotate(metadata, with_unknown);
  EXPECT_EQ(s.at(kApp).name, "shop/web-0/nginx");
  EXPECT_EQ(s.at(kUnknown).name, "");
  EXPECT_EQ(fake.calls("Namespaces.List") + fake.calls("Containers.List"), lists);
  EXPECT_EQ(fake.calls("Containers.Get"), gets + 2);  // default and k8s.io, once
}

TEST(ContainerdMetadataTest, FollowsCreateUpdateDelete) {
  FakeContainerd fake;
  Populate(fake);
  ContainerdMetadata metadata(Options(fake.socket_path()));
  Annotate(metadata, All());
  Sample s;
  ASSERT_TRUE(Eventually(metadata, All(), [&](const Sample&) { return metadata.events_in_sync(); },
                         &s));
  const int lists = fake.calls("Containers.List");

  // Created: its cgroup is not there yet, or is unknown so far; the event
  // makes the next sample Get it.
  std::vector<ContainerIdentity> with_new = All();
  with_new.push_back(Pod(kNew));
  Annotate(metadata, with_new);  // unknown: one Get per namespace, remembered
  fake.Add("k8s.io", {kNew, "docker.io/library/redis:7", Cri("container", "redis")});
  berth::collector::containerd_api::payloads::ContainerCreate create;
  create.set_id(kNew);
  create.set_image("docker.io/library/redis:7");
  fake.Publish("k8s.io", "/containers/create", create);
  ASSERT_TRUE(Eventually(
      metadata, with_new, [](const Sample& x) { return x.at(kNew).name == "shop/web-0/redis"; },
      &s));
  EXPECT_EQ(s.at(kNew).image, "docker.io/library/redis:7");

  // Updated: labels and image from the event itself, no request.
  const int gets = fake.calls("Containers.Get");
  berth::collector::containerd_api::payloads::ContainerUpdate update;
  update.set_id(kNerdctl);
  update.set_image("docker.io/library/alpine:3.20");
  (*update.mutable_labels())["nerdctl/name"] = "renamed";
  fake.Publish("default", "/containers/update", update);
  ASSERT_TRUE(Eventually(
      metadata, with_new, [](const Sample& x) { return x.at(kNerdctl).name == "renamed"; }, &s));
  EXPECT_EQ(s.at(kNerdctl).image, "docker.io/library/alpine:3.20");
  EXPECT_EQ(fake.calls("Containers.Get"), gets);

  // Deleted: forgotten (the cache alone would keep the name: only the event
  // tells).
  fake.Remove("k8s.io", kApp);
  berth::collector::containerd_api::payloads::ContainerDelete del;
  del.set_id(kApp);
  fake.Publish("k8s.io", "/containers/delete", del);
  ASSERT_TRUE(Eventually(
      metadata, with_new, [](const Sample& x) { return x.at(kApp).name.empty(); }, &s));
  // Docker's namespace is filtered by containerd; were it sent, it is ignored.
  del.set_id(kSandbox);
  fake.Publish("moby", "/containers/delete", del);
  create.set_id(kNerdctl);
  fake.Publish("default", "/containers/create", create);  // a marker after it
  const int marker = fake.calls("Containers.Get") + 1;
  ASSERT_TRUE(Eventually(
      metadata, with_new, [&](const Sample&) { return fake.calls("Containers.Get") >= marker; },
      &s));
  s = Annotate(metadata, with_new);
  EXPECT_EQ(s.at(kSandbox).name, "shop/web-0/POD");
  EXPECT_EQ(fake.calls("Containers.List"), lists);  // no list for any of it
}

TEST(ContainerdMetadataTest, NoSocketIsSilentForDockerLookAlikesAndCountedForOwn) {
  ContainerdOptions options = Options("/nonexistent/berth-test/containerd.sock");
  ContainerdMetadata metadata(options);
  Sample docker_only = Annotate(metadata, {Bare(kDocker)});
  EXPECT_EQ(docker_only.errors, 0);
  EXPECT_EQ(metadata.last_error(), "no socket at /nonexistent/berth-test/containerd.sock");
  std::this_thread::sleep_for(milliseconds(150));  // past the first backoff
  Sample own = Annotate(metadata, {Pod(kApp)});
  EXPECT_EQ(own.errors, 1);
  EXPECT_EQ(own.at(kApp).name, "");
  EXPECT_EQ(metadata.lists(), 2);
  // No candidate at all: nothing is tried.
  Annotate(metadata, {});
  EXPECT_EQ(metadata.lists(), 2);
}

// A socket file nobody listens on (containerd died): bound, never listened.
class DeadSocket {
 public:
  DeadSocket() {
    char dir[] = "/tmp/berth-dead-containerd.XXXXXX";
    dir_ = ::mkdtemp(dir);
    path_ = dir_ + "/containerd.sock";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::close(fd);
  }
  ~DeadSocket() { std::filesystem::remove_all(dir_); }
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

TEST(ContainerdMetadataTest, DeadSocketCostsNothingAfterTheFirstTry) {
  DeadSocket dead;
  ContainerdOptions options = Options(dead.path());
  options.min_backoff = milliseconds(60000);
  options.max_backoff = milliseconds(60000);
  ContainerdMetadata metadata(options);
  Sample s = Annotate(metadata, All());
  EXPECT_EQ(s.errors, 1);
  EXPECT_NE(metadata.last_error().find("cannot reach containerd at " + dead.path()),
            std::string::npos)
      << metadata.last_error();
  for (int i = 0; i < 50; ++i) s = Annotate(metadata, All());
  EXPECT_EQ(s.errors, 0);  // backing off: no try, no new error
  EXPECT_EQ(metadata.lists(), 1);
}

TEST(ContainerdMetadataTest, HungCallIsBoundedByTheTimeoutThenBacksOff) {
  FakeContainerd fake;
  Populate(fake);
  ContainerdOptions options = Options(fake.socket_path());
  options.total_timeout = milliseconds(300);
  options.follow_events = false;
  ContainerdMetadata metadata(options);
  fake.Hang();
  const auto start = Clock::now();
  Sample s = Annotate(metadata, All());
  const auto took = Clock::now() - start;
  EXPECT_EQ(s.errors, 1);
  EXPECT_LT(took, std::chrono::seconds(5)) << "bounded by the 300 ms budget (wide margin)";
  EXPECT_NE(metadata.last_error().find("in time (300 ms budget)"), std::string::npos)
      << metadata.last_error();
  // The next tries wait at least five budgets: no call meanwhile.
  for (int i = 0; i < 5; ++i) Annotate(metadata, All());
  EXPECT_EQ(fake.calls("Namespaces.List"), 1);
  fake.Release();
}

TEST(ContainerdMetadataTest, ReplyOverTheCapIsRefusedWithAMessage) {
  FakeContainerd fake;
  Populate(fake);
  fake.SetListPadding(2 << 20);
  ContainerdOptions options = Options(fake.socket_path());
  options.max_reply_bytes = 1 << 20;
  options.follow_events = false;
  ContainerdMetadata metadata(options);
  Sample s = Annotate(metadata, All());
  EXPECT_EQ(s.errors, 1);
  EXPECT_EQ(s.at(kApp).name, "");
  EXPECT_NE(metadata.last_error().find("MiB cap"), std::string::npos) << metadata.last_error();
}

TEST(ContainerdMetadataTest, KeepsNamesThroughARestartAndListsAgainAfterIt) {
  FakeContainerd fake;
  Populate(fake);
  ContainerdMetadata metadata(Options(fake.socket_path()));
  Annotate(metadata, All());
  Sample s;
  ASSERT_TRUE(Eventually(metadata, All(), [&](const Sample&) { return metadata.events_in_sync(); },
                         &s));
  fake.Stop();
  s = Annotate(metadata, All());
  EXPECT_EQ(s.at(kApp).name, "shop/web-0/nginx");  // the cache, not the short id
  // Back with a container renamed meanwhile (no event for it): the stream's
  // reconnect makes the next sample list again.
  fake.Remove("default", kNerdctl);
  fake.Add("default", {kNerdctl, "docker.io/library/alpine:3.19", {{"nerdctl/name", "again"}}});
  fake.Start();
  ASSERT_TRUE(Eventually(
      metadata, All(), [](const Sample& x) { return x.at(kNerdctl).name == "again"; }, &s));
  EXPECT_EQ(s.at(kApp).name, "shop/web-0/nginx");
  EXPECT_TRUE(metadata.last_error().empty());
}

TEST(ContainerdMetadataTest, HostileLabelCostsOthersNothing) {
  FakeContainerd fake;
  Populate(fake);
  // The fake serialises it as given (C++ logs, Go's gogo does not even check).
  fake.Add("k8s.io", {kNew, "img\xff", {{"bad\xfe", "\xff\xff"}, {"io.cri-containerd.kind", "x"}}});
  ContainerdOptions options = Options(fake.socket_path());
  options.follow_events = false;
  ContainerdMetadata metadata(options);
  std::vector<ContainerIdentity> identities = All();
  identities.push_back(Pod(kNew));
  Sample s = Annotate(metadata, identities);
  EXPECT_EQ(s.errors, 0);
  EXPECT_EQ(s.at(kApp).name, "shop/web-0/nginx");
  EXPECT_EQ(s.at(kNew).image, "img\xff");  // kept as sent; outputs sanitise
  EXPECT_EQ(s.at(kNew).labels.at("bad\xfe"), "\xff\xff");
}

}  // namespace
}  // namespace berth::collector
