// ClassifyCgroupPath: every runtime layout berth recognises, and the paths it
// must not take for containers.
#include "collector/discovery.h"

#include <gtest/gtest.h>

namespace berth::collector {
namespace {

constexpr const char* kId = "3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d";

struct Case {
  const char* name;
  std::string path;
  std::optional<ContainerRef> want;
};

ContainerRef Ref(Runtime runtime, std::string id, std::string name = "", std::string pod = "",
                 std::string qos = "") {
  return ContainerRef{runtime, std::move(id), std::move(name), std::move(pod), std::move(qos)};
}

class ClassifyTest : public ::testing::TestWithParam<Case> {};

TEST_P(ClassifyTest, Classifies) {
  const Case& c = GetParam();
  auto got = ClassifyCgroupPath(c.path);
  ASSERT_EQ(got.has_value(), c.want.has_value()) << c.path;
  if (got) {
    EXPECT_EQ(RuntimeName(got->runtime), RuntimeName(c.want->runtime)) << c.path;
    EXPECT_EQ(got->id, c.want->id);
    EXPECT_EQ(got->name, c.want->name);
    EXPECT_EQ(got->pod_uid, c.want->pod_uid);
    EXPECT_EQ(got->qos_class, c.want->qos_class);
  }
}

const std::string id = kId;
const std::string pod_uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const std::string pod_us = "0a1b2c3d_4e5f_6789_abcd_ef0123456789";

INSTANTIATE_TEST_SUITE_P(
    Paths, ClassifyTest,
    ::testing::Values(
        // Docker.
        Case{"docker_cgroupfs", "/docker/" + id, Ref(Runtime::kDocker, id)},
        Case{"docker_systemd", "/system.slice/docker-" + id + ".scope", Ref(Runtime::kDocker, id)},
        Case{"docker_cgroup_parent", "/ci-jobs/build/" + id, Ref(Runtime::kDocker, id)},
        Case{"docker_trailing_slash", "/docker/" + id + "/", Ref(Runtime::kDocker, id)},
        Case{"docker_rootless", "/user.slice/user-1000.slice/user@1000.service/docker-" + id + ".scope",
             Ref(Runtime::kDocker, id)},
        // Podman.
        Case{"podman_rootful", "/machine.slice/libpod-" + id + ".scope", Ref(Runtime::kPodman, id)},
        Case{"podman_rootless_container",
             "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope/container",
             Ref(Runtime::kPodman, id)},
        Case{"podman_cgroupfs", "/libpod_parent/libpod-" + id, Ref(Runtime::kPodman, id)},
        Case{"podman_conmon", "/machine.slice/libpod-conmon-" + id + ".scope", std::nullopt},
        // containerd / Kubernetes, systemd driver.
        Case{"k8s_guaranteed_systemd",
             "/kubepods.slice/kubepods-pod" + pod_us + ".slice/cri-containerd-" + id + ".scope",
             Ref(Runtime::kContainerd, id, "", pod_uid, "guaranteed")},
        Case{"k8s_burstable_systemd",
             "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + pod_us +
                 ".slice/cri-containerd-" + id + ".scope",
             Ref(Runtime::kContainerd, id, "", pod_uid, "burstable")},
        Case{"k8s_besteffort_systemd",
             "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + pod_us +
                 ".slice/cri-containerd-" + id + ".scope",
             Ref(Runtime::kContainerd, id, "", pod_uid, "besteffort")},
        // containerd / Kubernetes, cgroupfs driver.
        Case{"k8s_guaranteed_cgroupfs", "/kubepods/pod" + pod_uid + "/" + id,
             Ref(Runtime::kContainerd, id, "", pod_uid, "guaranteed")},
        Case{"k8s_burstable_cgroupfs", "/kubepods/burstable/pod" + pod_uid + "/" + id,
             Ref(Runtime::kContainerd, id, "", pod_uid, "burstable")},
        Case{"k8s_besteffort_cgroupfs", "/kubepods/besteffort/pod" + pod_uid + "/" + id,
             Ref(Runtime::kContainerd, id, "", pod_uid, "besteffort")},
        Case{"k8s_docker_runtime",
             "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + pod_us +
                 ".slice/docker-" + id + ".scope",
             Ref(Runtime::kDocker, id, "", pod_uid, "burstable")},
        Case{"k8s_pod_slice_is_not_a_container",
             "/kubepods.slice/kubepods-pod" + pod_us + ".slice", std::nullopt},
        Case{"k8s_qos_slice", "/kubepods.slice/kubepods-burstable.slice", std::nullopt},
        // nerdctl: systemd scope; its cgroupfs /<namespace>/<id> is a bare id
        // (Docker's look; the containerd provider claims what containerd knows).
        Case{"nerdctl_systemd", "/system.slice/nerdctl-" + id + ".scope",
             Ref(Runtime::kContainerd, id)},
        Case{"nerdctl_cgroupfs", "/default/" + id, Ref(Runtime::kDocker, id)},
        Case{"nerdctl_scope_bad_id", "/system.slice/nerdctl-xyz.scope", std::nullopt},
        // CRI-O.
        Case{"crio_systemd",
             "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + pod_us +
                 ".slice/crio-" + id + ".scope",
             Ref(Runtime::kCrio, id, "", pod_uid, "besteffort")},
        Case{"crio_plain", "/machine.slice/crio-" + id + ".scope", Ref(Runtime::kCrio, id)},
        Case{"crio_conmon", "/machine.slice/crio-conmon-" + id + ".scope", std::nullopt},
        // LXC and systemd-nspawn.
        Case{"lxc", "/lxc.payload.web01", Ref(Runtime::kLxc, "lxc.payload.web01", "web01")},
        Case{"lxc_monitor", "/lxc.monitor.web01", std::nullopt},
        Case{"nspawn", "/machine.slice/machine-debian\\x2d12.scope",
             Ref(Runtime::kNspawn, "machine-debian\\x2d12.scope", "debian-12")},
        // Negatives.
        Case{"root", "/", std::nullopt},
        Case{"slice", "/system.slice", std::nullopt},
        Case{"service", "/system.slice/docker.service", std::nullopt},
        Case{"mount_unit_with_id",
             "/system.slice/var-lib-docker-overlay2-" + id + "-merged.mount", std::nullopt},
        Case{"mount_unit_named_id", "/system.slice/" + id + ".mount", std::nullopt},
        Case{"sub_cgroup_of_container", "/system.slice/docker-" + id + ".scope/init.scope",
             std::nullopt},
        Case{"short_hex", "/docker/3f4e8a1b2c7d", std::nullopt},
        Case{"uppercase_hex", "/docker/3F4E8A1B2C7D90E5F6A7B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F7A8B9C0D",
             std::nullopt},
        Case{"hex_65", "/docker/" + id + "0", std::nullopt},
        Case{"docker_scope_bad_id", "/system.slice/docker-xyz.scope", std::nullopt},
        Case{"container_not_under_libpod", "/system.slice/foo.scope/container", std::nullopt},
        Case{"machine_without_scope", "/machine.slice/machine-foo", std::nullopt},
        Case{"empty", "", std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(UnescapeSystemdNameTest, DecodesHexEscapes) {
  EXPECT_EQ(UnescapeSystemdName("debian\\x2d12"), "debian-12");
  EXPECT_EQ(UnescapeSystemdName("a\\x2fb\\x5cc"), "a/b\\c");
  EXPECT_EQ(UnescapeSystemdName("plain"), "plain");
  EXPECT_EQ(UnescapeSystemdName("bad\\x2"), "bad\\x2");  // truncated escape kept
  EXPECT_EQ(UnescapeSystemdName("bad\\xzz"), "bad\\xzz");
}

}  // namespace
}  // namespace berth::collector
