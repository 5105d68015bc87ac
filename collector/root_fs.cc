#include "collector/root_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "collector/control_file.h"

namespace berth::collector {

RootFs::RootFs(std::string prefix) : prefix_(std::move(prefix)) {
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

std::string RootFs::Path(std::string_view host_path) const {
  std::string out;
  out.reserve(prefix_.size() + host_path.size() + 1);
  out += prefix_;
  if (host_path.empty() || host_path.front() != '/') out += '/';
  out += host_path;
  return out;
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  const int fd = OpenControlFile(path.c_str());
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[8192];
  int err = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > kMaxControlFileBytes) {
      err = kTooLargeErrno;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (err != 0) {
    errno = err;
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> RootFs::ReadFile(std::string_view host_path) const {
  return ReadWholeFile(Path(host_path));
}

std::optional<std::vector<RootFs::DirEntry>> RootFs::ListDir(
    std::string_view host_path) const {
  const std::string path = Path(host_path);
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return std::nullopt;
  std::vector<DirEntry> entries;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
      struct stat st;
      is_dir = ::stat((path + "/" + e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    entries.push_back({std::string(name), is_dir});
  }
  ::closedir(dir);
  return entries;
}

bool RootFs::Exists(std::string_view host_path) const {
  struct stat st;
  return ::stat(Path(host_path).c_str(), &st) == 0;
}

}  // namespace berth::collector
