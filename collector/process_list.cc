#include "collector/process_list.h"

#include <unistd.h>

#include <unordered_map>

#include "collector/parse_util.h"
#include "collector/proc_parsers.h"

namespace berth::collector {

namespace {

std::optional<uint32_t> ToU32(std::string_view s) {
  uint32_t v = 0;
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t next = uint64_t{v} * 10 + static_cast<uint64_t>(c - '0');
    if (next > UINT32_MAX) return std::nullopt;
    v = static_cast<uint32_t>(next);
  }
  return v;
}

}  // namespace

std::optional<uint32_t> ParseStatusUid(std::string_view status_text) {
  while (!status_text.empty()) {
    const size_t nl = status_text.find('\n');
    std::string_view line = status_text.substr(0, nl);
    status_text = nl == std::string_view::npos ? std::string_view() : status_text.substr(nl + 1);
    if (!line.starts_with("Uid:")) continue;
    std::string_view rest = parse::Trim(line.substr(4));
    size_t end = 0;
    while (end < rest.size() && !parse::IsSpace(rest[end])) ++end;
    return ToU32(rest.substr(0, end));
  }
  return std::nullopt;
}

std::string ParseCmdline(std::string_view cmdline_text) {
  while (!cmdline_text.empty() && cmdline_text.back() == '\0') cmdline_text.remove_suffix(1);
  std::string out;
  out.reserve(cmdline_text.size());
  for (char c : cmdline_text) {
    if (c == '\0') {
      out += ' ';
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

std::map<uint32_t, std::string> ParsePasswd(std::string_view passwd_text) {
  std::map<uint32_t, std::string> users;
  while (!passwd_text.empty()) {
    const size_t nl = passwd_text.find('\n');
    std::string_view line = passwd_text.substr(0, nl);
    passwd_text = nl == std::string_view::npos ? std::string_view() : passwd_text.substr(nl + 1);
    // name:password:uid:gid:gecos:home:shell
    const size_t c1 = line.find(':');
    if (c1 == std::string_view::npos || c1 == 0) continue;
    const size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    const size_t c3 = line.find(':', c2 + 1);
    if (c3 == std::string_view::npos) continue;
    std::optional<uint32_t> uid = ToU32(line.substr(c2 + 1, c3 - c2 - 1));
    if (!uid) continue;
    users.emplace(*uid, std::string(line.substr(0, c1)));
  }
  return users;
}

ProcessReader::ProcessReader(const RootFs& rootfs)
    : rootfs_(rootfs), page_size_bytes_(static_cast<uint64_t>(sysconf(_SC_PAGESIZE))) {}

std::string ProcessReader::UserName(std::optional<uint32_t> uid) {
  if (!uid) return "?";
  if (!users_) {
    std::optional<std::string> text = rootfs_.ReadFile("/etc/passwd");
    users_ = text ? ParsePasswd(*text) : std::map<uint32_t, std::string>{};
  }
  auto it = users_->find(*uid);
  return it != users_->end() ? it->second : std::to_string(*uid);
}

std::vector<ProcessSample> ProcessReader::Read(const std::vector<int>& pids) {
  std::vector<ProcessSample> out;
  out.reserve(pids.size());
  for (int pid : pids) {
    const std::string dir = "/proc/" + std::to_string(pid);
    std::optional<std::string> stat_text = rootfs_.ReadFile(dir + "/stat");
    if (!stat_text) continue;  // exited
    std::optional<ProcPidStat> stat = ParseProcPidStat(*stat_text);
    if (!stat) continue;
    ProcessSample s;
    s.pid = pid;
    s.state = stat->state;
    s.cpu_ticks = stat->utime_ticks + stat->stime_ticks;
    s.start_time_ticks = stat->start_time_ticks;
    s.rss_bytes = stat->rss_pages * page_size_bytes_;
    std::optional<std::string> status = rootfs_.ReadFile(dir + "/status");
    s.user = UserName(status ? ParseStatusUid(*status) : std::nullopt);
    std::optional<std::string> cmdline = rootfs_.ReadFile(dir + "/cmdline");
    s.command = cmdline ? ParseCmdline(*cmdline) : "";
    if (s.command.empty()) s.command = "[" + stat->comm + "]";
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::optional<double>> ProcessCpuPercents(const std::vector<ProcessSample>& prev,
                                                      const std::vector<ProcessSample>& cur,
                                                      double elapsed_seconds, uint64_t user_hz) {
  std::unordered_map<int, const ProcessSample*> before;
  for (const ProcessSample& p : prev) before.emplace(p.pid, &p);
  std::vector<std::optional<double>> out(cur.size());
  if (elapsed_seconds <= 0 || user_hz == 0) return out;
  for (size_t i = 0; i < cur.size(); ++i) {
    auto it = before.find(cur[i].pid);
    if (it == before.end() || it->second->start_time_ticks != cur[i].start_time_ticks ||
        it->second->cpu_ticks > cur[i].cpu_ticks) {
      continue;
    }
    const double seconds =
        static_cast<double>(cur[i].cpu_ticks - it->second->cpu_ticks) / static_cast<double>(user_hz);
    out[i] = seconds / elapsed_seconds * 100.0;
  }
  return out;
}

}  // namespace berth::collector
