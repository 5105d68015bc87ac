// The Sampler's namespaces: read once when a container's processes are first
// seen and again only when its process list changed — counted with inotify
// (IN_OPEN of the process's uid_map, which each read opens once) while the
// list itself is re-read every collection — and shared/host/private as the
// fixture's links say.
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collector/sampler.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using testing::TempTree;

constexpr const char* kWeb = "3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d";

std::string WebDir() { return std::string("sys/fs/cgroup/system.slice/docker-") + kWeb + ".scope"; }

// Counts opens of one file.
class OpenCounter {
 public:
  explicit OpenCounter(const std::string& path) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    EXPECT_GE(fd_, 0);
    EXPECT_GE(::inotify_add_watch(fd_, path.c_str(), IN_OPEN), 0) << path;
  }
  ~OpenCounter() { ::close(fd_); }
  int Take() {
    alignas(inotify_event) char buf[4096];
    int n = 0;
    for (;;) {
      const ssize_t got = ::read(fd_, buf, sizeof buf);
      if (got <= 0) break;
      for (ssize_t at = 0; at < got;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
        if (e->mask & IN_OPEN) ++n;
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
    return n;
  }

 private:
  int fd_ = -1;
};

void Relink(const TempTree& t, const std::string& rel, const std::string& target) {
  std::filesystem::remove(t / rel);
  std::filesystem::create_symlink(target, t / rel);
}

TEST(NamespacesSamplerTest, ReadOnceAndWhenTheProcessesChangeNotPerCollection) {
  TempTree t("v2-docker-systemd");
  SamplerOptions options{t.path(), false, true};
  options.limits_refresh = std::chrono::milliseconds(0);  // the list is re-read every time
  Sampler sampler(options);
  OpenCounter uid_map_opens(t / "proc/4123/uid_map");
  SnapshotPtr s = sampler.Collect();
  const ContainerStats* web = s->Find(kWeb);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->namespaces.pid, 4123);
  EXPECT_EQ(web->namespaces[NamespaceKind::kPid].inode, 4026544611u);
  EXPECT_EQ(uid_map_opens.Take(), 1);

  // Another link text now: not read while the processes stay the same.
  Relink(t, "proc/4123/ns/pid", "pid:[4026531836]");
  for (int i = 0; i < 20; ++i) {
    s = sampler.Collect();
    EXPECT_EQ(s->Find(kWeb)->namespaces[NamespaceKind::kPid].inode, 4026544611u);
  }
  EXPECT_EQ(uid_map_opens.Take(), 0);

  // A process more (docker exec): read again, now the host's pid namespace.
  t.Write(WebDir() + "/cgroup.procs", "4123\n4150\n4160\n");
  s = sampler.Collect();
  EXPECT_EQ(uid_map_opens.Take(), 1);
  EXPECT_EQ(s->Find(kWeb)->namespaces[NamespaceKind::kPid].inode, 4026531836u);
  EXPECT_EQ(s->Find(kWeb)->namespaces[NamespaceKind::kPid].sharing, NamespaceSharing::kHost);
  for (int i = 0; i < 5; ++i) sampler.Collect();
  EXPECT_EQ(uid_map_opens.Take(), 0);
}

TEST(NamespacesSamplerTest, WithoutTheRecheckTheListIsNotReadNorTheLinks) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  OpenCounter uid_map_opens(t / "proc/4123/uid_map");
  sampler.Collect();
  EXPECT_EQ(uid_map_opens.Take(), 1);
  t.Write(WebDir() + "/cgroup.procs", "4123\n4150\n4160\n");
  for (int i = 0; i < 10; ++i) sampler.Collect();
  EXPECT_EQ(uid_map_opens.Take(), 0);  // no re-check due: the list was not read
}

TEST(NamespacesSamplerTest, HostPidAndNetworkAgentAndPrivateWeb) {
  TempTree t("v2-docker-systemd");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  SnapshotPtr s = sampler.Collect();
  const ContainerStats* web = s->Find(kWeb);
  ASSERT_NE(web, nullptr);
  for (const NamespaceInfo& info : web->namespaces.kinds) {
    ASSERT_TRUE(info.inode);
  }
  EXPECT_EQ(web->namespaces[NamespaceKind::kNet].sharing, NamespaceSharing::kPrivate);
  EXPECT_EQ(web->namespaces[NamespaceKind::kPid].sharing, NamespaceSharing::kPrivate);
  EXPECT_EQ(web->namespaces[NamespaceKind::kUser].sharing, NamespaceSharing::kHost);
  EXPECT_EQ(web->namespaces[NamespaceKind::kTime].sharing, NamespaceSharing::kHost);
  ASSERT_TRUE(web->namespaces.uid_map);
  EXPECT_THAT(*web->namespaces.uid_map, ::testing::ElementsAre(IdMapRange{0, 0, 4294967295u}));
  int host_pid_net = 0;
  for (const ContainerStats& c : s->containers) {
    if (c.namespaces[NamespaceKind::kPid].sharing == NamespaceSharing::kHost &&
        c.namespaces[NamespaceKind::kNet].sharing == NamespaceSharing::kHost) {
      ++host_pid_net;
      EXPECT_EQ(c.namespaces.pid, 5001);
      EXPECT_EQ(c.network_mode, NetworkMode::kHost);  // the net reader agrees
      EXPECT_EQ(c.namespaces[NamespaceKind::kIpc].sharing, NamespaceSharing::kPrivate);
    }
  }
  EXPECT_EQ(host_pid_net, 1);
}

TEST(NamespacesSamplerTest, ProcessesThatCameLaterAreReadThen) {
  TempTree t("v2-docker-systemd");
  t.Write(WebDir() + "/cgroup.procs", "");
  Sampler sampler(SamplerOptions{t.path(), false, true, std::chrono::hours(1)});
  EXPECT_FALSE(sampler.Collect()->Find(kWeb)->namespaces.known());
  t.Write(WebDir() + "/cgroup.procs", "4150\n");
  const ContainerStats* web = nullptr;
  SnapshotPtr s = sampler.Collect();  // asked for the list: no process seen yet
  web = s->Find(kWeb);
  EXPECT_EQ(web->namespaces.pid, 4150);
  EXPECT_TRUE(web->namespaces.known());
}

TEST(NamespacesSamplerTest, MalformedLinksAreAbsentAndCounted) {
  TempTree t("broken");
  Sampler sampler(SamplerOptions{t.path(), false, true});
  SnapshotPtr s = sampler.Collect();
  const ContainerStats* broken = nullptr;
  for (const ContainerStats& c : s->containers) {
    if (c.namespaces.pid == 4400) broken = &c;
  }
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->namespaces[NamespaceKind::kNet].inode, 4026533100u);
  EXPECT_EQ(broken->namespaces[NamespaceKind::kUts].inode, 4026533103u);
  EXPECT_FALSE(broken->namespaces[NamespaceKind::kPid].inode);   // "pid:[garbage]"
  EXPECT_FALSE(broken->namespaces[NamespaceKind::kIpc].inode);   // a net link's text
  EXPECT_FALSE(broken->namespaces[NamespaceKind::kUser].inode);  // missing
  EXPECT_FALSE(broken->namespaces.uid_map);                     // "0 0"
  EXPECT_GE(s->errors.at("proc"), 3u);  // two links and uid_map (net/dev too)
}

}  // namespace
}  // namespace berth::collector
