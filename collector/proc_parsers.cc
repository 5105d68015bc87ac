#include "collector/proc_parsers.h"

#include <algorithm>

#include "collector/parse_util.h"

namespace berth::collector {
namespace {

using parse::NextLine;
using parse::NextToken;
using parse::ToU64;
using parse::Trim;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134.
std::string UnescapeOctal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
        s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
                                      (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// v1 super options that are not controllers.
bool IsCgroupV1Option(std::string_view opt) {
  if (opt.starts_with("name=")) return false;  // a named hierarchy: kept
  return opt == "rw" || opt == "ro" || opt == "none" || opt == "noprefix" ||
         opt == "xattr" || opt == "clone_children" || opt == "cpuset_v2_mode" ||
         opt == "favordynmods" || opt.find('=') != std::string_view::npos;
}

void SplitCsv(std::string_view s, std::vector<std::string>* out) {
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    if (!part.empty()) out->emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text, uint64_t user_hz) {
  if (user_hz == 0) return std::nullopt;
  ProcStat out;
  bool have_cpu = false;
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (line.starts_with("cpu")) {
      if (line.size() > 3 && IsDigit(line[3])) {
        ++out.online_cpus;
        continue;
      }
      if (line.size() <= 3 || !parse::IsSpace(line[3])) continue;  // not a cpu line
      // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
      std::string_view rest = line.substr(3), token;
      uint64_t fields[7] = {};
      int n = 0;
      while (NextToken(&rest, &token)) {
        uint64_t v = 0;
        if (!ToU64(token, &v)) return std::nullopt;
        if (n < 7) fields[n] = v;
        ++n;
      }
      if (n < 7) return std::nullopt;  // truncated
      uint64_t total_ticks = 0;
      for (uint64_t f : fields) {
        if (!parse::AddU64(total_ticks, f, &total_ticks)) return std::nullopt;
      }
      uint64_t idle_ticks = 0;
      if (!parse::AddU64(fields[3], fields[4], &idle_ticks) ||
          !parse::TicksToNs(total_ticks, user_hz, &out.cpu_total_ns) ||
          !parse::TicksToNs(idle_ticks, user_hz, &out.cpu_idle_ns)) {
        return std::nullopt;
      }
      have_cpu = true;
    } else if (line.starts_with("btime")) {
      std::string_view rest = line.substr(5), token, extra;
      uint64_t v = 0;
      if (!NextToken(&rest, &token) || NextToken(&rest, &extra) || !ToU64(token, &v)) {
        return std::nullopt;
      }
      out.boot_time_seconds = static_cast<double>(v);
    }
  }
  if (!have_cpu) return std::nullopt;
  return out;
}

std::optional<uint64_t> ParseVmstatOomKills(std::string_view text) {
  std::string_view line, key, value, extra;
  while (NextLine(&text, &line)) {
    if (!NextToken(&line, &key) || key != "oom_kill") continue;
    uint64_t v = 0;
    if (!NextToken(&line, &value) || !ToU64(value, &v) || NextToken(&line, &extra)) {
      return std::nullopt;
    }
    return v;
  }
  return std::nullopt;
}

std::optional<MemInfo> ParseMemInfo(std::string_view text) {
  MemInfo out;
  bool have_total = false;
  std::string_view line;
  while (NextLine(&text, &line)) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::optional<uint64_t>* dest = nullptr;
    if (key == "MemAvailable") {
      dest = &out.mem_available_bytes;
    } else if (key == "SwapTotal") {
      dest = &out.swap_total_bytes;
    } else if (key != "MemTotal") {
      continue;
    }
    std::string_view rest = line.substr(colon + 1), value, unit, extra;
    uint64_t v = 0;
    if (!NextToken(&rest, &value) || !ToU64(value, &v)) return std::nullopt;
    if (NextToken(&rest, &unit)) {
      if (unit != "kB" || NextToken(&rest, &extra) || !parse::MulU64(v, 1024, &v)) {
        return std::nullopt;
      }
    }
    if (dest == nullptr) {
      out.mem_total_bytes = v;
      have_total = true;
    } else {
      *dest = v;
    }
    if (have_total && out.mem_available_bytes && out.swap_total_bytes) break;
  }
  if (!have_total) return std::nullopt;
  return out;
}

std::optional<std::vector<NetInterfaceStats>> ParseNetDev(std::string_view text) {
  if (parse::IsBlank(text)) return std::nullopt;
  std::vector<NetInterfaceStats> out;
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (line.find('|') != std::string_view::npos) continue;  // the two header lines
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (parse::IsBlank(line)) continue;
      return std::nullopt;
    }
    std::string_view name = Trim(line.substr(0, colon));
    if (name.empty()) return std::nullopt;
    std::string_view rest = line.substr(colon + 1), token;
    uint64_t f[16];
    int n = 0;
    while (NextToken(&rest, &token)) {
      if (n == 16 || !ToU64(token, &f[n])) return std::nullopt;
      ++n;
    }
    if (n != 16) return std::nullopt;
    NetInterfaceStats& s = out.emplace_back();
    s.name.assign(name);
    s.rx_bytes = f[0];
    s.rx_packets = f[1];
    s.rx_errors = f[2];
    s.rx_dropped = f[3];
    s.tx_bytes = f[8];
    s.tx_packets = f[9];
    s.tx_errors = f[10];
    s.tx_dropped = f[11];
  }
  std::sort(out.begin(), out.end(),
            [](const NetInterfaceStats& a, const NetInterfaceStats& b) { return a.name < b.name; });
  return out;
}

std::optional<std::vector<MountInfoEntry>> ParseMountInfo(std::string_view text) {
  if (parse::IsBlank(text)) return std::nullopt;
  std::vector<MountInfoEntry> out;
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (parse::IsBlank(line)) continue;
    // id parent maj:min root mount_point options [optional…] - fstype source super_options
    std::string_view token, fields[6];
    int index = 0;
    bool separator = false;
    while (NextToken(&line, &token)) {
      if (index < 6) fields[index] = token;
      if (index >= 6 && token == "-") {
        separator = true;
        break;
      }
      ++index;
    }
    std::string_view fstype, source, super_options;
    if (!separator || !NextToken(&line, &fstype) || !NextToken(&line, &source)) {
      return std::nullopt;
    }
    NextToken(&line, &super_options);  // may be missing for some filesystems
    MountInfoEntry m;
    const size_t colon = fields[2].find(':');
    uint64_t major = 0, minor = 0;
    if (!ToU64(fields[0], &m.mount_id) || !ToU64(fields[1], &m.parent_id) ||
        colon == std::string_view::npos || !ToU64(fields[2].substr(0, colon), &major) ||
        !ToU64(fields[2].substr(colon + 1), &minor) || major > UINT32_MAX || minor > UINT32_MAX) {
      return std::nullopt;
    }
    m.major = static_cast<uint32_t>(major);
    m.minor = static_cast<uint32_t>(minor);
    m.root = UnescapeOctal(fields[3]);
    m.mount_point = UnescapeOctal(fields[4]);
    m.mount_options = std::string(fields[5]);
    m.fs_type = std::string(fstype);
    m.source = UnescapeOctal(source);
    m.super_options = std::string(super_options);
    std::vector<std::string> options;
    SplitCsv(fields[5], &options);
    m.read_only = std::find(options.begin(), options.end(), "ro") != options.end();
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<std::vector<CgroupMount>> ParseCgroupMounts(std::string_view text) {
  auto mounts = ParseMountInfo(text);
  if (!mounts) return std::nullopt;
  std::vector<CgroupMount> out;
  for (MountInfoEntry& entry : *mounts) {
    const bool is_v2 = entry.fs_type == "cgroup2";
    if (!is_v2 && entry.fs_type != "cgroup") continue;
    CgroupMount& m = out.emplace_back();
    m.mount_point = std::move(entry.mount_point);
    m.root = std::move(entry.root);
    m.is_v2 = is_v2;
    if (!is_v2) {
      std::vector<std::string> options;
      SplitCsv(entry.super_options, &options);
      for (auto& opt : options) {
        if (!IsCgroupV1Option(opt)) m.controllers.push_back(std::move(opt));
      }
    }
  }
  return out;
}

std::optional<std::vector<ProcCgroupLine>> ParseProcCgroup(std::string_view text) {
  std::vector<ProcCgroupLine> out;
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (parse::IsBlank(line)) continue;
    size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) return std::nullopt;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return std::nullopt;
    ProcCgroupLine& l = out.emplace_back();
    if (!parse::ToInt(line.substr(0, c1), &l.hierarchy_id) || l.hierarchy_id < 0) {
      return std::nullopt;
    }
    SplitCsv(line.substr(c1 + 1, c2 - c1 - 1), &l.controllers);
    l.path.assign(line.substr(c2 + 1));  // may itself contain ':'
    if (l.path.empty() || l.path.front() != '/') return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<ProcPidStat> ParseProcPidStat(std::string_view text) {
  // "pid (comm) state ppid …": comm may hold spaces and ')', so it ends at
  // the last ')'.
  size_t open = text.find(" (");
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcPidStat out;
  if (!parse::ToInt(Trim(text.substr(0, open)), &out.pid) || out.pid <= 0) return std::nullopt;
  out.comm.assign(text.substr(open + 2, close - open - 2));
  std::string_view rest = text.substr(close + 1), token;
  // Token i is field i + 3 of proc(5).
  int i = 0;
  while (NextToken(&rest, &token)) {
    uint64_t* target = nullptr;
    switch (i) {
      case 0:
        if (token.size() != 1) return std::nullopt;
        out.state = token[0];
        break;
      case 11: target = &out.utime_ticks; break;
      case 12: target = &out.stime_ticks; break;
      case 17: target = &out.num_threads; break;
      case 19: target = &out.start_time_ticks; break;
      case 20: target = &out.vsize_bytes; break;
      case 21: target = &out.rss_pages; break;
      default: break;
    }
    if (target != nullptr && !ToU64(token, target)) return std::nullopt;
    if (++i > 21) break;
  }
  if (i <= 21) return std::nullopt;  // truncated
  return out;
}

std::optional<std::string> ParseDevName(std::string_view uevent_text) {
  std::string_view line;
  while (NextLine(&uevent_text, &line)) {
    if (line.starts_with("DEVNAME=")) {
      std::string_view name = Trim(line.substr(8));
      if (name.empty()) return std::nullopt;
      return std::string(name);
    }
  }
  return std::nullopt;
}

}  // namespace berth::collector
