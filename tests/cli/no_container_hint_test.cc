// The "no containers" line: its wording for each mix of socket results, and
// what a connect() to real unix sockets in a private directory gives.
#include "cli/no_container_hint.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace berth::cli {
namespace {

TEST(NoContainerHintTest, LineNamesEachSocketItsResultTheCgroupsAndTheFlag) {
  struct Case {
    std::vector<SocketProbe> probes;
    size_t cgroups;
    std::string want;
  };
  const Case cases[] = {
      {{{"docker", "/run/docker.sock", "no such file"},
        {"podman", "/run/podman/podman.sock", "permission denied"}},
       12,
       "no containers found; docker: /run/docker.sock: no such file; podman: "
       "/run/podman/podman.sock: permission denied; 12 cgroups seen (--all-cgroups shows "
       "every cgroup)"},
      {{{"crio", "/var/run/crio/crio.sock", "accepts connections"}},
       1,
       "no containers found; crio: /var/run/crio/crio.sock: accepts connections; 1 cgroup "
       "seen (--all-cgroups shows every cgroup)"},
      {{},
       0,
       "no containers found; no runtime socket configured; 0 cgroups seen (--all-cgroups "
       "shows every cgroup)"},
  };
  for (const Case& c : cases) EXPECT_EQ(NoContainerLine(c.probes, c.cgroups), c.want);
}

class SocketDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/berth-hint-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (int fd : fds_) ::close(fd);
    std::filesystem::remove_all(dir_);
  }
  // A unix socket bound at `name`; listening when `listen`.
  std::string Bind(const std::string& name, bool listen) {
    const std::string path = dir_ + "/" + name;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    if (listen) {
      EXPECT_EQ(::listen(fd, 4), 0);
    }
    fds_.push_back(fd);
    return path;
  }
  std::string dir_;
  std::vector<int> fds_;
};

TEST_F(SocketDir, ProbeSaysWhatConnectGives) {
  const std::string listening = Bind("up.sock", true);
  const std::string bound_only = Bind("down.sock", false);  // bound, nobody listens
  const std::string file = dir_ + "/plain";
  std::ofstream(file) << "x";
  struct Case {
    std::string path, want;
  };
  const Case cases[] = {
      {listening, "accepts connections"},
      {bound_only, "connection refused"},
      {file, "not a socket"},
      {dir_ + "/missing.sock", "no such file"},
      {dir_ + "/plain/below", "not a directory"},
      {"/" + std::string(200, 'x'), "no such file"},
  };
  for (const Case& c : cases) EXPECT_EQ(ProbeUnixSocket(c.path), c.want) << c.path;
}

TEST_F(SocketDir, DescribeTriesOnlyConfiguredSocketsAndCountsFixtureCgroups) {
  CommonOptions options;
  options.docker_socket = Bind("docker.sock", true);
  options.podman_socket = dir_ + "/none.sock";
  options.crio_socket = "";  // turned off: not tried
  options.containerd_socket = dir_ + "/containerd.sock";
  const std::string line = DescribeNoContainers(options, collector::RootFs(dir_));
  EXPECT_EQ(line, "no containers found; docker: " + options.docker_socket +
                      ": accepts connections; podman: " + options.podman_socket +
                      ": no such file; containerd: " + options.containerd_socket +
                      ": no such file; 0 cgroups seen (--all-cgroups shows every cgroup)");
}

}  // namespace
}  // namespace berth::cli
