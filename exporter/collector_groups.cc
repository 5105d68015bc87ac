#include "exporter/collector_groups.h"

#include <array>
#include <utility>

namespace berth::exporter {
namespace {

constexpr std::array<std::pair<std::string_view, Group>, 12> kNames = {{
    {"cpu", Group::kCpu},
    {"memory", Group::kMemory},
    {"spec", Group::kSpec},
    {"io", Group::kIo},
    {"disk", Group::kDisk},
    {"blkio", Group::kBlkio},
    {"network", Group::kNetwork},
    {"pressure", Group::kPressure},
    {"processes", Group::kProcesses},
    {"info", Group::kInfo},
    {"machine", Group::kMachine},
    {"process", Group::kProcess},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<Group> GroupFromName(std::string_view name) {
  for (const auto& [group_name, group] : kNames) {
    if (group_name == name) return group;
  }
  return std::nullopt;
}

std::vector<std::string> GroupNames() {
  std::vector<std::string> names;
  for (const auto& entry : kNames) names.emplace_back(entry.first);
  return names;
}

std::optional<GroupSet> ParseGroups(const std::vector<std::string>& names, std::string* error) {
  GroupSet set;
  for (const std::string& entry : names) {
    std::string_view rest = entry;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view name = Trim(rest.substr(0, comma));
      if (!name.empty()) {
        const std::optional<Group> group = GroupFromName(name);
        if (!group) {
          std::string known;
          for (const auto& n : GroupNames()) known += (known.empty() ? "" : ", ") + n;
          if (error) {
            *error = "unknown collector group \"" + std::string(name) + "\" (known: " + known + ")";
          }
          return std::nullopt;
        }
        set.set(static_cast<size_t>(*group));
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return set;
}

}  // namespace berth::exporter
