// CrioMetadata: a MetadataProvider that names CRI-O containers
// (Runtime::kCrio) from CRI-O's HTTP inspect endpoint,
// GET /containers/<id> on its socket (--crio.socket, default
// /var/run/crio/crio.sock): name, image, labels, and the Kubernetes
// namespace/pod/container from the io.kubernetes.* labels. Kubernetes
// containers are named "<namespace>/<pod>/<container>" (as the kubelet
// provider does; the sandbox's container is "POD" and is_sandbox is set),
// others by CRI-O's own name.
//
// Each id is inspected once (the answer is fixed for its lifetime, so the
// label set never changes), at most options.max_lookups_per_annotate per
// Annotate(), all sharing one deadline of options.total_timeout. An id CRI-O
// does not know (HTTP 404) is remembered (UnknownIds, the negative cache the
// other followers share) and asked again only after options.unknown_retry
// (CRI-O has no event stream here). The caches are pruned when containers
// disappear.
//
// Errors: with no CRI-O identity the socket is never touched. A missing,
// dead, hung or confused socket leaves the containers named by id (or by the
// kubelet provider); the failure is logged once and retried with backoff
// (SourceHealth). Annotate() returns 1 when the socket failed, else 0.
//
// Thread-safety: Annotate() from one thread at a time (MetadataProvider's
// contract); no background threads.
#ifndef BERTH_COLLECTOR_CRIO_METADATA_H_
#define BERTH_COLLECTOR_CRIO_METADATA_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/runtimes/crio_parsers.h"
#include "collector/runtimes/unix_http_client.h"
#include "collector/runtimes/unknown_ids.h"
#include "collector/metadata.h"
#include "collector/source_health.h"

namespace berth::collector {

struct CrioOptions {
  // Used as given (not under --path.rootfs).
  std::string socket_path = "/var/run/crio/crio.sock";
  std::chrono::milliseconds connect_timeout{300};
  std::chrono::milliseconds total_timeout{1000};
  size_t max_lookups_per_annotate = 32;
  std::chrono::milliseconds unknown_retry{30000};
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
};

class CrioMetadata : public MetadataProvider {
 public:
  explicit CrioMetadata(CrioOptions options);

  const char* source() const override { return "crio"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;

  const std::string& last_error() const { return health_.last_error(); }

 private:
  using Clock = std::chrono::steady_clock;
  static void Apply(const CrioContainerInfo& info, ContainerIdentity& identity);

  CrioOptions options_;
  UnixHttpClient client_;
  SourceHealth health_;
  std::unordered_map<std::string, CrioContainerInfo> cache_;  // by id
  UnknownIds unknown_;  // ids CRI-O answered 404 for
};

std::unique_ptr<MetadataProvider> MakeCrioMetadata(const CrioOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CRIO_METADATA_H_
