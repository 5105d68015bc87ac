#include "collector/subtree_pids.h"

#include <dirent.h>

#include <algorithm>

#include "collector/extra_parsers.h"
#include "collector/root_fs.h"

namespace berth::collector {
namespace {

void Visit(const std::string& dir, const char* threads_file, size_t depth, SubtreeTasks& out,
           std::vector<int>& scratch) {
  if (depth == 0) return;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d)) {
    const char* n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    if (e->d_type == DT_DIR) children.push_back(dir + "/" + n);
  }
  ::closedir(d);
  std::sort(children.begin(), children.end());
  for (const std::string& child : children) {
    if (auto procs = ReadWholeFile(child + "/cgroup.procs")) {
      ParsePidList(*procs, scratch);
      out.pids.insert(out.pids.end(), scratch.begin(), scratch.end());
    }
    if (auto threads = ReadWholeFile(child + "/" + threads_file)) {
      if (auto n = CountIdLines(*threads)) out.threads += *n;
    }
    Visit(child, threads_file, depth - 1, out, scratch);
  }
}

}  // namespace

SubtreeTasks CollectSubtreePids(const std::string& dir, const char* threads_file,
                                size_t max_depth) {
  SubtreeTasks out;
  std::vector<int> scratch;
  Visit(dir, threads_file, max_depth, out, scratch);
  std::sort(out.pids.begin(), out.pids.end());
  out.pids.erase(std::unique(out.pids.begin(), out.pids.end()), out.pids.end());
  return out;
}

}  // namespace berth::collector
