#include "collector/runtimes/kubelet_log_names.h"

#include <cctype>
#include <vector>

namespace berth::collector {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Splits on '_' into exactly `n` non-empty parts.
std::optional<std::vector<std::string_view>> SplitUnderscore(std::string_view s, size_t n) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find('_', start);
    std::string_view part = s.substr(start, pos == std::string_view::npos ? s.npos : pos - start);
    if (part.empty()) return std::nullopt;
    parts.push_back(part);
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  if (parts.size() != n) return std::nullopt;
  return parts;
}

}  // namespace

std::optional<ContainerLogName> ParseContainerLogName(std::string_view file_name) {
  constexpr std::string_view kSuffix = ".log";
  constexpr size_t kIdLen = 64;
  if (!file_name.ends_with(kSuffix)) return std::nullopt;
  file_name.remove_suffix(kSuffix.size());
  if (file_name.size() < kIdLen + 1 + 5) return std::nullopt;  // "a_b_c-" + id
  std::string_view id = file_name.substr(file_name.size() - kIdLen);
  if (!IsLowerHex(id) || file_name[file_name.size() - kIdLen - 1] != '-') return std::nullopt;
  auto parts = SplitUnderscore(file_name.substr(0, file_name.size() - kIdLen - 1), 3);
  if (!parts) return std::nullopt;
  return ContainerLogName{std::string((*parts)[0]), std::string((*parts)[1]),
                          std::string((*parts)[2]), std::string(id)};
}

std::optional<PodLogDir> ParsePodLogDirName(std::string_view dir_name) {
  auto parts = SplitUnderscore(dir_name, 3);
  if (!parts) return std::nullopt;
  std::string_view uid = (*parts)[2];
  size_t hex = 0;
  for (char c : uid) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      ++hex;
    } else if (c != '-') {
      return std::nullopt;
    }
  }
  if (hex != 32) return std::nullopt;
  return PodLogDir{std::string((*parts)[0]), std::string((*parts)[1]), std::string(uid)};
}

std::string NormalisePodUid(std::string_view uid) {
  std::string out;
  out.reserve(uid.size());
  for (char c : uid) {
    if (c == '-' || c == '_') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string KubernetesDisplayName(std::string_view namespace_name, std::string_view pod,
                                  std::string_view container) {
  std::string out;
  out.reserve(namespace_name.size() + pod.size() + container.size() + 2);
  out.append(namespace_name).append("/").append(pod).append("/").append(container);
  return out;
}

}  // namespace berth::collector
