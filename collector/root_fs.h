// RootFs: the path prefix every kernel read goes through (--path.rootfs,
// node_exporter's convention). Tests point it at fixture trees, a
// containerised berth at "/host". No reader hard-codes "/sys" or "/proc".
//
// Thread-safety: immutable after construction; all methods are const and safe
// from any thread. Errors: reads return std::nullopt (and errno is preserved)
// instead of throwing.
#ifndef BERTH_COLLECTOR_ROOT_FS_H_
#define BERTH_COLLECTOR_ROOT_FS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::collector {

class RootFs {
 public:
  // `prefix` "/" (or "") means the real root.
  explicit RootFs(std::string prefix = "/");

  const std::string& prefix() const { return prefix_; }

  // Host path "/proc/stat" -> "<prefix>/proc/stat".
  std::string Path(std::string_view host_path) const;

  // Whole file, or nullopt when it cannot be opened or read (ReadWholeFile).
  std::optional<std::string> ReadFile(std::string_view host_path) const;

  // Names in a directory (no "." / ".."), or nullopt when it cannot be listed.
  struct DirEntry {
    std::string name;
    bool is_dir = false;
  };
  std::optional<std::vector<DirEntry>> ListDir(std::string_view host_path) const;

  bool Exists(std::string_view host_path) const;

 private:
  std::string prefix_;  // no trailing slash; "" for the real root
};

// Reads a whole file at an absolute path (no prefix) with one read() loop:
// opened with OpenControlFile() (regular files only, never blocks) and capped
// at kMaxControlFileBytes (control_file.h); nullopt with errno otherwise.
std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_ROOT_FS_H_
