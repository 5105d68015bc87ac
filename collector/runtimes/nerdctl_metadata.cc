#include "collector/runtimes/nerdctl_metadata.h"

#include <algorithm>

namespace berth::collector {

std::optional<NerdctlName> ParseNerdctlNameEntry(std::string_view namespace_name,
                                                 std::string_view name,
                                                 std::string_view content) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = content.find_first_not_of(kSpace);
  if (first == std::string_view::npos || namespace_name.empty() || name.empty()) {
    return std::nullopt;
  }
  content = content.substr(first, content.find_last_not_of(kSpace) - first + 1);
  if (content.size() != 64) return std::nullopt;
  for (char c : content) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  std::string display = namespace_name == "default"
                            ? std::string(name)
                            : std::string(namespace_name) + "/" + std::string(name);
  return NerdctlName{std::string(content), std::move(display)};
}

NerdctlMetadata::NerdctlMetadata(NerdctlOptions options)
    : options_(std::move(options)), rootfs_(options_.rootfs) {}

void NerdctlMetadata::Scan() {
  ++scans_;
  scanned_ = true;
  scanned_at_ = Clock::now();
  std::unordered_map<std::string, std::string> names;
  auto stores = rootfs_.ListDir(options_.data_root);
  for (const auto& store : stores.value_or(std::vector<RootFs::DirEntry>{})) {
    const std::string names_dir = options_.data_root + "/" + store.name + "/names";
    auto namespaces = rootfs_.ListDir(names_dir);
    for (const auto& ns : namespaces.value_or(std::vector<RootFs::DirEntry>{})) {
      auto entries = rootfs_.ListDir(names_dir + "/" + ns.name);
      for (const auto& entry : entries.value_or(std::vector<RootFs::DirEntry>{})) {
        if (entry.is_dir) continue;
        auto content = rootfs_.ReadFile(names_dir + "/" + ns.name + "/" + entry.name);
        if (!content) continue;
        if (auto parsed = ParseNerdctlNameEntry(ns.name, entry.name, *content)) {
          names[parsed->id] = std::move(parsed->name);
        }
      }
    }
  }
  names_ = std::move(names);
}

int NerdctlMetadata::Annotate(std::vector<ContainerIdentity*>& identities) {
  std::vector<ContainerIdentity*> plain;
  for (ContainerIdentity* identity : identities) {
    if (identity->runtime == Runtime::kContainerd && identity->pod_uid.empty() &&
        identity->name.empty()) {
      plain.push_back(identity);
    }
  }
  if (plain.empty()) return 0;
  const auto since = Clock::now() - scanned_at_;
  const bool unknown = std::any_of(plain.begin(), plain.end(), [&](ContainerIdentity* i) {
    return !names_.contains(i->id);
  });
  if (!scanned_ || since >= options_.rescan || (unknown && since >= options_.unknown_rescan)) {
    Scan();
  }
  for (ContainerIdentity* identity : plain) {
    if (auto it = names_.find(identity->id); it != names_.end()) identity->name = it->second;
  }
  return 0;
}

std::unique_ptr<MetadataProvider> MakeNerdctlMetadata(const NerdctlOptions& options) {
  return std::make_unique<NerdctlMetadata>(options);
}

}  // namespace berth::collector
