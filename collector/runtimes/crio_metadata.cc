#include "collector/runtimes/crio_metadata.h"

#include <algorithm>
#include <unordered_set>

#include "collector/runtimes/kubelet_log_names.h"
#include "collector/runtimes/socket_failure.h"

namespace berth::collector {

CrioMetadata::CrioMetadata(CrioOptions options)
    : options_(std::move(options)),
      client_(UnixHttpClientOptions{options_.socket_path, options_.connect_timeout,
                                  options_.total_timeout}),
      health_("crio", options_.min_backoff, options_.max_backoff),
      unknown_(options_.unknown_retry) {}

void CrioMetadata::Apply(const CrioContainerInfo& info, ContainerIdentity& identity) {
  const bool k8s = !info.k8s_pod.empty() && !info.k8s_container.empty();
  if (identity.name.empty()) {
    identity.name = k8s ? KubernetesDisplayName(info.k8s_namespace, info.k8s_pod,
                                                info.k8s_container)
                        : info.name;
  }
  if (identity.image.empty()) identity.image = info.image;
  if (identity.labels.empty()) identity.labels = info.labels;
  if (identity.k8s_namespace.empty()) identity.k8s_namespace = info.k8s_namespace;
  if (identity.k8s_pod.empty()) identity.k8s_pod = info.k8s_pod;
  if (identity.k8s_container.empty()) identity.k8s_container = info.k8s_container;
  if (identity.pod_uid.empty()) identity.pod_uid = info.pod_uid;
  identity.is_sandbox = identity.is_sandbox || info.is_sandbox;
}

int CrioMetadata::Annotate(std::vector<ContainerIdentity*>& identities) {
  std::vector<ContainerIdentity*> crio;
  for (ContainerIdentity* identity : identities) {
    if (identity->runtime == Runtime::kCrio) crio.push_back(identity);
  }
  std::unordered_set<std::string> present;
  for (ContainerIdentity* identity : crio) present.insert(identity->id);
  std::erase_if(cache_, [&](const auto& entry) { return !present.contains(entry.first); });
  unknown_.Retain([&](const std::string& id) { return present.contains(id); });
  if (crio.empty()) return 0;

  const auto now = Clock::now();
  const auto deadline = now + options_.total_timeout;
  size_t lookups = 0;
  int errors = 0;
  for (ContainerIdentity* identity : crio) {
    auto it = cache_.find(identity->id);
    const bool due = it == cache_.end() && !unknown_.Contains(identity->id, now);
    if (due && errors == 0 && health_.ShouldTry(now) &&
        lookups < options_.max_lookups_per_annotate) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
      if (left.count() <= 0) break;
      ++lookups;
      UnixHttpResponse response = client_.Get("/containers/" + identity->id, left);
      if (response.error == UnixHttpResponse::Error::kNone && response.status == 404) {
        health_.Succeeded();
        unknown_.Remember(identity->id, now);
      } else if (!response.ok()) {
        health_.Failed(DescribeSocketFailure(response, options_.socket_path), Clock::now());
        errors = 1;
      } else if (auto info = ParseCrioContainerInfo(response.body)) {
        health_.Succeeded();
        unknown_.Forget(identity->id);
        it = cache_.insert_or_assign(identity->id, std::move(*info)).first;
      } else {
        health_.Failed("not a CRI-O container info from " + options_.socket_path, Clock::now());
        errors = 1;
      }
    }
    if (it != cache_.end()) Apply(it->second, *identity);
  }
  return errors;
}

std::unique_ptr<MetadataProvider> MakeCrioMetadata(const CrioOptions& options) {
  return std::make_unique<CrioMetadata>(options);
}

}  // namespace berth::collector
