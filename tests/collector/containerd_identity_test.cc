// containerd record -> identity: CRI's Kubernetes labels (sandbox and
// container), nerdctl's name per namespace, plain ctr containers, and what an
// identity already had.
#include "collector/runtimes/containerd_identity.h"

#include <gtest/gtest.h>

namespace berth::collector {
namespace {

const std::string kUid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

ContainerdContainer Cri(const std::string& kind, const std::string& container) {
  ContainerdContainer c;
  c.namespace_name = "k8s.io";
  c.id = std::string(64, 'a');
  c.image = "docker.io/library/nginx:1.25";
  c.labels = {{"io.kubernetes.pod.name", "web-0"},
              {"io.kubernetes.pod.namespace", "shop"},
              {"io.kubernetes.pod.uid", kUid},
              {"io.cri-containerd.kind", kind}};
  if (!container.empty()) c.labels["io.kubernetes.container.name"] = container;
  return c;
}

struct Want {
  std::string name, image, k8s_namespace, k8s_pod, k8s_container, pod_uid;
  bool sandbox = false;
};

struct Case {
  const char* label;
  ContainerdContainer container;
  Want want;
};

ContainerdContainer Nerdctl(const std::string& ns, const std::string& name) {
  ContainerdContainer c;
  c.namespace_name = ns;
  c.id = std::string(64, 'b');
  c.image = "docker.io/library/alpine:3.19";
  c.labels = {{"nerdctl/name", name}};
  return c;
}

ContainerdContainer Plain() {
  ContainerdContainer c;
  c.namespace_name = "default";
  c.id = std::string(64, 'c');
  c.labels = {{"io.containerd.image.config.stop-signal", "SIGTERM"}};
  return c;
}

class ApplyContainerdTest : public ::testing::TestWithParam<Case> {};

TEST_P(ApplyContainerdTest, Maps) {
  const Case& c = GetParam();
  ContainerIdentity identity;
  identity.id = c.container.id;
  identity.runtime = Runtime::kDocker;  // a bare-id cgroup discovery took for Docker's
  ApplyContainerdContainer(c.container, identity);
  EXPECT_EQ(identity.runtime, Runtime::kContainerd);
  EXPECT_EQ(identity.name, c.want.name);
  EXPECT_EQ(identity.image, c.want.image);
  EXPECT_EQ(identity.k8s_namespace, c.want.k8s_namespace);
  EXPECT_EQ(identity.k8s_pod, c.want.k8s_pod);
  EXPECT_EQ(identity.k8s_container, c.want.k8s_container);
  EXPECT_EQ(identity.pod_uid, c.want.pod_uid);
  EXPECT_EQ(identity.is_sandbox, c.want.sandbox);
  EXPECT_EQ(identity.labels, c.container.labels);
}

INSTANTIATE_TEST_SUITE_P(
    Records, ApplyContainerdTest,
    ::testing::Values(
        Case{"cri_container", Cri("container", "nginx"),
             {"shop/web-0/nginx", "docker.io/library/nginx:1.25", "shop", "web-0", "nginx", kUid,
              false}},
        Case{"cri_sandbox", Cri("sandbox", ""),
             {"shop/web-0/POD", "docker.io/library/nginx:1.25", "shop", "web-0", "POD", kUid,
              true}},
        // A sandbox label wins over a container name label (CRI sets none).
        Case{"cri_sandbox_named", Cri("sandbox", "odd"),
             {"shop/web-0/POD", "docker.io/library/nginx:1.25", "shop", "web-0", "POD", kUid,
              true}},
        // A pod name without a container name is not a whole identity.
        Case{"cri_container_without_name", Cri("container", ""),
             {"", "docker.io/library/nginx:1.25", "", "", "", "", false}},
        Case{"nerdctl_default", Nerdctl("default", "web"),
             {"web", "docker.io/library/alpine:3.19", "", "", "", "", false}},
        Case{"nerdctl_other_namespace", Nerdctl("build", "web"),
             {"build/web", "docker.io/library/alpine:3.19", "", "", "", "", false}},
        Case{"ctr_plain", Plain(), {"", "", "", "", "", "", false}}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(ApplyContainerdTest, KeepsWhatTheIdentityHad) {
  ContainerIdentity identity;
  identity.name = "given";
  identity.image = "given:1";
  identity.pod_uid = "from-cgroup";
  identity.labels = {{"io.kubernetes.pod.name", "kept"}};
  ApplyContainerdContainer(Cri("container", "nginx"), identity);
  EXPECT_EQ(identity.name, "given");
  EXPECT_EQ(identity.image, "given:1");
  EXPECT_EQ(identity.pod_uid, "from-cgroup");
  EXPECT_EQ(identity.labels.at("io.kubernetes.pod.name"), "kept");
  EXPECT_EQ(identity.labels.at("io.kubernetes.container.name"), "nginx");
  EXPECT_EQ(identity.k8s_container, "nginx");
}

}  // namespace
}  // namespace berth::collector
