// NerdctlMetadata: names for containerd containers outside Kubernetes
// (Runtime::kContainerd without a pod uid) from nerdctl's own state, readable
// without containerd's gRPC API. nerdctl keeps a name store under its data
// root, one file per name whose content is the container id:
//   /var/lib/nerdctl/<8-hex hash of the containerd address>/names/<namespace>/<name>
// (…/containers/<namespace>/<id>/ beside it holds only hostname, hosts,
// resolv.conf and logs: no name or image; the image and other labels such as
// `nerdctl/name` live in containerd's metadata database and need gRPC, so
// berth reports no image for these containers.) The name is the nerdctl name
// in namespace "default" and "<namespace>/<name>" elsewhere (names are unique
// per namespace only). Containers started by ctr or other clients have no
// entry and keep the short id.
//
// Cost: the name store is re-read at most once per Annotate(), only when a
// containerd container has no name yet (at most every options.unknown_rescan)
// or every options.rescan (so renames show). Under --path.rootfs.
//
// Errors: a missing data root is normal (no nerdctl) and silent. Annotate()
// returns 0.
//
// Thread-safety: Annotate() from one thread at a time; no threads.
#ifndef BERTH_COLLECTOR_NERDCTL_METADATA_H_
#define BERTH_COLLECTOR_NERDCTL_METADATA_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "collector/metadata.h"
#include "collector/root_fs.h"

namespace berth::collector {

struct NerdctlOptions {
  std::string rootfs = "/";
  std::string data_root = "/var/lib/nerdctl";
  std::chrono::milliseconds unknown_rescan{2000};
  std::chrono::milliseconds rescan{10000};
};

// A name-store file: `content` must be a 64-hex id (surrounding whitespace
// allowed). Returns {id, display name} or nullopt.
struct NerdctlName {
  std::string id, name;
  bool operator==(const NerdctlName&) const = default;
};
std::optional<NerdctlName> ParseNerdctlNameEntry(std::string_view namespace_name,
                                                 std::string_view name,
                                                 std::string_view content);

class NerdctlMetadata : public MetadataProvider {
 public:
  explicit NerdctlMetadata(NerdctlOptions options);

  const char* source() const override { return "nerdctl"; }
  int Annotate(std::vector<ContainerIdentity*>& identities) override;

  int scans() const { return scans_; }

 private:
  using Clock = std::chrono::steady_clock;
  void Scan();

  NerdctlOptions options_;
  RootFs rootfs_;
  std::unordered_map<std::string, std::string> names_;  // id -> display name
  Clock::time_point scanned_at_{};
  bool scanned_ = false;
  int scans_ = 0;
};

std::unique_ptr<MetadataProvider> MakeNerdctlMetadata(const NerdctlOptions& options);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_NERDCTL_METADATA_H_
