#include "collector/cgroup_parsers.h"

#include <algorithm>
#include <array>
#include <bit>

namespace berth::collector {
namespace {

using parse::NextLine;
using parse::NextToken;
using parse::ToU64;
using parse::Trim;

// Values at or above 2^62 are v1's "no limit" (PAGE_COUNTER_MAX * page size,
// LONG_MAX rounded down to a page, …): no real limit is that large.
constexpr uint64_t kUnlimitedThreshold = uint64_t{1} << 62;

// One wanted key of a flat-keyed file: where its value goes and by how much
// it is multiplied on the way (usec -> ns). Tables list keys in the kernel's
// order (documentation only: lookups go through KeyIndex).
template <typename T>
struct KeyField {
  std::string_view key;
  std::optional<uint64_t> T::*field;
  uint64_t scale = 1;
  int slot = 0;  // which output the value goes to (v1 memory.stat: 0 total, 1 local)
};

// Open-addressing index over a key table, built at compile time: an unknown
// key (most lines of memory.stat) usually costs one hash and one probe.
template <typename T, size_t N>
class KeyIndex {
 public:
  constexpr explicit KeyIndex(const std::array<KeyField<T>, N>& table) : table_(table) {
    for (auto& s : slots_) s = -1;
    for (size_t e = 0; e < N; ++e) {
      size_t s = Hash(table[e].key);
      while (slots_[s] >= 0) s = (s + 1) & (kSlots - 1);
      slots_[s] = static_cast<int16_t>(e);
    }
  }

  const KeyField<T>* Find(std::string_view key) const {
    for (size_t s = Hash(key);; s = (s + 1) & (kSlots - 1)) {
      int e = slots_[s];
      if (e < 0) return nullptr;
      if (table_[e].key == key) return &table_[e];
    }
  }

 private:
  // A power of two with at most 25 % of slots used.
  static constexpr size_t kSlots = std::bit_ceil(N * 4);

  static constexpr size_t Hash(std::string_view k) {
    if (k.empty()) return 0;
    size_t h = k.size() * 0x9E3779B1u;
    h ^= static_cast<unsigned char>(k[0]) * 0x85EBCA77u;
    h ^= static_cast<unsigned char>(k[k.size() / 2]) * 0xC2B2AE3Du;
    h ^= static_cast<unsigned char>(k[k.size() - 1]) * 0x27D4EB2Fu;
    return (h ^ (h >> 15)) & (kSlots - 1);
  }

  const std::array<KeyField<T>, N>& table_;
  int16_t slots_[kSlots] = {};
};

// Parses a flat-keyed file into out[slot] through `index`. Returns false when
// the file is malformed, a scaled value overflows, or no wanted key is
// present.
template <typename T, size_t N>
bool ParseKeyed(std::string_view text, const KeyIndex<T, N>& index, T* out) {
  bool found = false;
  bool overflow = false;
  bool ok = ForEachKeyed(text, [&](std::string_view key, uint64_t value) {
    const KeyField<T>* kf = index.Find(key);
    if (kf == nullptr) return;
    uint64_t scaled = value;
    if (kf->scale != 1 && !parse::MulU64(value, kf->scale, &scaled)) {
      overflow = true;
      return;
    }
    out[kf->slot].*(kf->field) = scaled;
    found = true;
  });
  return ok && !overflow && found;
}

constexpr std::array<KeyField<CpuStats>, 6> kCpuStatV2Keys{{
    {"usage_usec", &CpuStats::usage_ns, 1000},
    {"user_usec", &CpuStats::user_ns, 1000},
    {"system_usec", &CpuStats::system_ns, 1000},
    {"nr_periods", &CpuStats::nr_periods},
    {"nr_throttled", &CpuStats::nr_throttled},
    {"throttled_usec", &CpuStats::throttled_ns, 1000},
}};
constexpr KeyIndex kCpuStatV2Index(kCpuStatV2Keys);

constexpr std::array<KeyField<CpuStats>, 3> kCpuStatV1Keys{{
    {"nr_periods", &CpuStats::nr_periods},
    {"nr_throttled", &CpuStats::nr_throttled},
    {"throttled_time", &CpuStats::throttled_ns},
}};
constexpr KeyIndex kCpuStatV1Index(kCpuStatV1Keys);

// In the order of the kernel's memory_stat_format() (6.x).
constexpr std::array<KeyField<MemoryStat>, 16> kMemoryStatV2Keys{{
    {"anon", &MemoryStat::anon},
    {"file", &MemoryStat::file},
    {"sock", &MemoryStat::sock},
    {"shmem", &MemoryStat::shmem},
    {"file_mapped", &MemoryStat::file_mapped},
    {"file_dirty", &MemoryStat::file_dirty},
    {"file_writeback", &MemoryStat::file_writeback},
    {"inactive_anon", &MemoryStat::inactive_anon},
    {"active_anon", &MemoryStat::active_anon},
    {"inactive_file", &MemoryStat::inactive_file},
    {"active_file", &MemoryStat::active_file},
    {"slab", &MemoryStat::slab},
    {"workingset_refault_anon", &MemoryStat::workingset_refault_anon},
    {"workingset_refault_file", &MemoryStat::workingset_refault_file},
    {"pgfault", &MemoryStat::pgfault},
    {"pgmajfault", &MemoryStat::pgmajfault},
}};
constexpr KeyIndex kMemoryStatV2Index(kMemoryStatV2Keys);

// v1: slot 0 = hierarchical total_* keys, slot 1 = the cgroup's own keys (the
// fallback). In the kernel's order: own keys first, then total_*.
constexpr int kTotal = 0;
constexpr int kLocal = 1;
constexpr std::array<KeyField<MemoryStat>, 30> kMemoryStatV1Keys{{
    {"cache", &MemoryStat::file, 1, kLocal},
    {"rss", &MemoryStat::anon, 1, kLocal},
    {"shmem", &MemoryStat::shmem, 1, kLocal},
    {"mapped_file", &MemoryStat::file_mapped, 1, kLocal},
    {"dirty", &MemoryStat::file_dirty, 1, kLocal},
    {"writeback", &MemoryStat::file_writeback, 1, kLocal},
    {"workingset_refault_anon", &MemoryStat::workingset_refault_anon, 1, kLocal},
    {"workingset_refault_file", &MemoryStat::workingset_refault_file, 1, kLocal},
    {"swap", &MemoryStat::swap, 1, kLocal},
    {"pgfault", &MemoryStat::pgfault, 1, kLocal},
    {"pgmajfault", &MemoryStat::pgmajfault, 1, kLocal},
    {"inactive_anon", &MemoryStat::inactive_anon, 1, kLocal},
    {"active_anon", &MemoryStat::active_anon, 1, kLocal},
    {"inactive_file", &MemoryStat::inactive_file, 1, kLocal},
    {"active_file", &MemoryStat::active_file, 1, kLocal},
    {"total_cache", &MemoryStat::file, 1, kTotal},
    {"total_rss", &MemoryStat::anon, 1, kTotal},
    {"total_shmem", &MemoryStat::shmem, 1, kTotal},
    {"total_mapped_file", &MemoryStat::file_mapped, 1, kTotal},
    {"total_dirty", &MemoryStat::file_dirty, 1, kTotal},
    {"total_writeback", &MemoryStat::file_writeback, 1, kTotal},
    {"total_workingset_refault_anon", &MemoryStat::workingset_refault_anon, 1, kTotal},
    {"total_workingset_refault_file", &MemoryStat::workingset_refault_file, 1, kTotal},
    {"total_swap", &MemoryStat::swap, 1, kTotal},
    {"total_pgfault", &MemoryStat::pgfault, 1, kTotal},
    {"total_pgmajfault", &MemoryStat::pgmajfault, 1, kTotal},
    {"total_inactive_anon", &MemoryStat::inactive_anon, 1, kTotal},
    {"total_active_anon", &MemoryStat::active_anon, 1, kTotal},
    {"total_inactive_file", &MemoryStat::inactive_file, 1, kTotal},
    {"total_active_file", &MemoryStat::active_file, 1, kTotal},
}};
constexpr KeyIndex kMemoryStatV1Index(kMemoryStatV1Keys);

constexpr std::array<KeyField<MemoryEvents>, 5> kMemoryEventsKeys{{
    {"low", &MemoryEvents::low},
    {"high", &MemoryEvents::high},
    {"max", &MemoryEvents::max},
    {"oom", &MemoryEvents::oom},
    {"oom_kill", &MemoryEvents::oom_kill},
}};
constexpr KeyIndex kMemoryEventsIndex(kMemoryEventsKeys);

// "8:16" -> (8, 16).
bool ParseDevice(std::string_view token, uint32_t* major, uint32_t* minor) {
  size_t colon = token.find(':');
  if (colon == std::string_view::npos) return false;
  uint64_t ma = 0, mi = 0;
  if (!ToU64(token.substr(0, colon), &ma) || !ToU64(token.substr(colon + 1), &mi) ||
      ma > UINT32_MAX || mi > UINT32_MAX) {
    return false;
  }
  *major = static_cast<uint32_t>(ma);
  *minor = static_cast<uint32_t>(mi);
  return true;
}

void SortDevices(std::vector<BlockDeviceStats>* devices) {
  auto less = [](const BlockDeviceStats& a, const BlockDeviceStats& b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  };
  if (!std::is_sorted(devices->begin(), devices->end(), less)) {
    std::sort(devices->begin(), devices->end(), less);
  }
}

// One "some ..." / "full ..." line after its first word.
bool ParsePressureLine(std::string_view rest, PressureLine* out) {
  bool have_avg10 = false, have_avg60 = false, have_avg300 = false, have_total = false;
  std::string_view token;
  while (NextToken(&rest, &token)) {
    size_t eq = token.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view name = token.substr(0, eq);
    std::string_view value = token.substr(eq + 1);
    if (name == "avg10") {
      have_avg10 = parse::ToDouble(value, &out->avg10);
      if (!have_avg10) return false;
    } else if (name == "avg60") {
      have_avg60 = parse::ToDouble(value, &out->avg60);
      if (!have_avg60) return false;
    } else if (name == "avg300") {
      have_avg300 = parse::ToDouble(value, &out->avg300);
      if (!have_avg300) return false;
    } else if (name == "total") {
      have_total = ToU64(value, &out->total_usec);
      if (!have_total) return false;
    }
  }
  return have_avg10 && have_avg60 && have_avg300 && have_total;
}

}  // namespace

std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t v = 0;
  if (!ToU64(Trim(text), &v)) return std::nullopt;
  return v;
}

std::optional<uint64_t> ParseUintOrMax(std::string_view text) {
  std::string_view t = Trim(text);
  if (t == "max") return kUnlimited;
  uint64_t v = 0;
  if (!ToU64(t, &v)) return std::nullopt;
  return v >= kUnlimitedThreshold ? kUnlimited : v;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  if (!parse::ToI64(Trim(text), &v)) return std::nullopt;
  return v;
}

bool ForEachKeyed(std::string_view text,
                  const std::function<void(std::string_view, uint64_t)>& fn) {
  return ForEachKeyed(text, [&fn](std::string_view key, uint64_t value) { fn(key, value); });
}

std::optional<CpuStats> ParseCpuStatV2(std::string_view text) {
  CpuStats out;
  if (!ParseKeyed(text, kCpuStatV2Index, &out)) return std::nullopt;
  return out;
}

std::optional<CpuLimits> ParseCpuMax(std::string_view text) {
  std::string_view quota, period, extra;
  std::string_view rest = text;
  if (!NextToken(&rest, &quota) || !NextToken(&rest, &period) || NextToken(&rest, &extra)) {
    return std::nullopt;
  }
  CpuLimits out;
  uint64_t v = 0;
  if (quota == "max") {
    out.quota_us = kUnlimited;
  } else if (ToU64(quota, &v)) {
    out.quota_us = v;
  } else {
    return std::nullopt;
  }
  if (!ToU64(period, &v)) return std::nullopt;
  out.period_us = v;
  return out;
}

std::optional<MemoryStat> ParseMemoryStatV2(std::string_view text) {
  MemoryStat out;
  if (!ParseKeyed(text, kMemoryStatV2Index, &out)) return std::nullopt;
  return out;
}

std::optional<MemoryEvents> ParseMemoryEvents(std::string_view text) {
  MemoryEvents out;
  if (!ParseKeyed(text, kMemoryEventsIndex, &out)) return std::nullopt;
  return out;
}

std::optional<std::vector<BlockDeviceStats>> ParseIoStat(std::string_view text) {
  std::vector<BlockDeviceStats> devices;
  std::string_view line, token;
  while (NextLine(&text, &line)) {
    if (!NextToken(&line, &token)) continue;  // blank line
    BlockDeviceStats dev;
    if (!ParseDevice(token, &dev.major, &dev.minor)) return std::nullopt;
    bool any = false;
    while (NextToken(&line, &token)) {
      size_t eq = token.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      any = true;
      std::string_view key = token.substr(0, eq);
      std::optional<uint64_t>* field = nullptr;
      if (key == "rbytes") {
        field = &dev.read_bytes;
      } else if (key == "wbytes") {
        field = &dev.write_bytes;
      } else if (key == "rios") {
        field = &dev.read_ios;
      } else if (key == "wios") {
        field = &dev.write_ios;
      } else {
        continue;  // dbytes, dios, cost.*, io.latency's depth=max …
      }
      uint64_t v = 0;
      if (!ToU64(token.substr(eq + 1), &v)) return std::nullopt;
      *field = v;
    }
    if (!any) return std::nullopt;  // "8:0" alone: truncated
    devices.push_back(std::move(dev));
  }
  SortDevices(&devices);
  return devices;
}

std::optional<Pressure> ParsePressure(std::string_view text) {
  Pressure out;
  bool any = false;
  std::string_view line, kind;
  while (NextLine(&text, &line)) {
    if (!NextToken(&line, &kind)) continue;
    std::optional<PressureLine>* target = nullptr;
    if (kind == "some") {
      target = &out.some;
    } else if (kind == "full") {
      target = &out.full;
    } else {
      continue;
    }
    PressureLine pl;
    if (!ParsePressureLine(line, &pl)) return std::nullopt;
    *target = pl;
    any = true;
  }
  if (!any) return std::nullopt;
  return out;
}

std::optional<CpuStats> ParseCpuacctStat(std::string_view text, uint64_t user_hz) {
  if (user_hz == 0) return std::nullopt;
  CpuStats out;
  bool found = false;
  bool overflow = false;
  bool ok = ForEachKeyed(text, [&](std::string_view key, uint64_t ticks) {
    std::optional<uint64_t>* field = nullptr;
    if (key == "user") {
      field = &out.user_ns;
    } else if (key == "system") {
      field = &out.system_ns;
    } else {
      return;
    }
    uint64_t ns = 0;
    if (!parse::TicksToNs(ticks, user_hz, &ns)) {
      overflow = true;
      return;
    }
    *field = ns;
    found = true;
  });
  if (!ok || overflow || !found) return std::nullopt;
  return out;
}

std::optional<CpuStats> ParseCpuStatV1(std::string_view text) {
  CpuStats out;
  if (!ParseKeyed(text, kCpuStatV1Index, &out)) return std::nullopt;
  return out;
}

std::optional<MemoryStat> ParseMemoryStatV1(std::string_view text) {
  MemoryStat parts[2];  // [kTotal], [kLocal]
  if (!ParseKeyed(text, kMemoryStatV1Index, parts)) return std::nullopt;
  MemoryStat& out = parts[kTotal];
  const MemoryStat& local = parts[kLocal];
  for (const auto& kf : kMemoryStatV1Keys) {
    if (kf.slot == kLocal && !(out.*(kf.field)).has_value()) out.*(kf.field) = local.*(kf.field);
  }
  return out;
}

std::optional<uint64_t> ParseOomControlKills(std::string_view text) {
  std::optional<uint64_t> kills;
  if (!ForEachKeyed(text, [&](std::string_view key, uint64_t value) {
        if (key == "oom_kill") kills = value;
      })) {
    return std::nullopt;
  }
  return kills;
}

std::optional<std::vector<BlockDeviceStats>> ParseBlkioV1(std::string_view text, bool ios) {
  std::vector<BlockDeviceStats> devices;
  std::string_view line, first, op, value, extra;
  while (NextLine(&text, &line)) {
    if (!NextToken(&line, &first)) continue;  // blank line
    if (!NextToken(&line, &op)) return std::nullopt;
    uint64_t v = 0;
    if (!NextToken(&line, &value)) {
      // "Total 127": the sum over devices, which berth computes itself.
      if (first != "Total" || !ToU64(op, &v)) return std::nullopt;
      continue;
    }
    if (NextToken(&line, &extra) || !ToU64(value, &v)) return std::nullopt;
    uint32_t major = 0, minor = 0;
    if (!ParseDevice(first, &major, &minor)) return std::nullopt;
    // A device's lines are consecutive: look at the last entry first.
    BlockDeviceStats* dev = nullptr;
    for (auto it = devices.rbegin(); it != devices.rend(); ++it) {
      if (it->major == major && it->minor == minor) {
        dev = &*it;
        break;
      }
    }
    if (dev == nullptr) {
      dev = &devices.emplace_back();
      dev->major = major;
      dev->minor = minor;
    }
    if (op == "Read") {
      (ios ? dev->read_ios : dev->read_bytes) = v;
    } else if (op == "Write") {
      (ios ? dev->write_ios : dev->write_bytes) = v;
    }
    // Sync, Async, Discard, Total: not used.
  }
  SortDevices(&devices);
  return devices;
}

}  // namespace berth::collector
