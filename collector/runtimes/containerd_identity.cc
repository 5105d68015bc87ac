#include "collector/runtimes/containerd_identity.h"

#include "collector/runtimes/kubelet_log_names.h"

namespace berth::collector {
namespace {

const std::string& Label(const ContainerdContainer& c, const char* key) {
  static const std::string kNone;
  auto it = c.labels.find(key);
  return it == c.labels.end() ? kNone : it->second;
}

void SetIfEmpty(std::string& field, const std::string& value) {
  if (field.empty()) field = value;
}

}  // namespace

void ApplyContainerdContainer(const ContainerdContainer& c, ContainerIdentity& identity) {
  identity.runtime = Runtime::kContainerd;
  const std::string& pod = Label(c, "io.kubernetes.pod.name");
  const std::string& pod_namespace = Label(c, "io.kubernetes.pod.namespace");
  const std::string& kind = Label(c, "io.cri-containerd.kind");
  std::string container = Label(c, "io.kubernetes.container.name");
  const bool sandbox = kind == "sandbox";
  if (sandbox && !pod.empty()) container = std::string(kSandboxContainerName);
  if (!pod.empty() && !container.empty()) {
    SetIfEmpty(identity.name, KubernetesDisplayName(pod_namespace, pod, container));
    SetIfEmpty(identity.k8s_namespace, pod_namespace);
    SetIfEmpty(identity.k8s_pod, pod);
    SetIfEmpty(identity.k8s_container, container);
    SetIfEmpty(identity.pod_uid, Label(c, "io.kubernetes.pod.uid"));
    identity.is_sandbox = identity.is_sandbox || sandbox;
  } else if (const std::string& nerdctl = Label(c, "nerdctl/name"); !nerdctl.empty()) {
    SetIfEmpty(identity.name, c.namespace_name == "default" || c.namespace_name.empty()
                                  ? nerdctl
                                  : c.namespace_name + "/" + nerdctl);
  }
  SetIfEmpty(identity.image, c.image);
  for (const auto& [key, value] : c.labels) identity.labels.emplace(key, value);
}

}  // namespace berth::collector
