#include "history/frame_codec.h"

#include <bit>
#include <chrono>
#include <cstring>

#include "history/byte_io.h"

namespace berth::history {
namespace {

using collector::ContainerIdentity;
using collector::ContainerStats;
using collector::Snapshot;
using Numbers = std::vector<std::optional<uint64_t>>;

// --- the slot tables (append only: a slot's index is its meaning) ----------
struct Slot {
  std::optional<uint64_t> (*get)(const ContainerStats&);
  void (*set)(ContainerStats&, uint64_t);
};

#define BERTH_OPT(path) \
  Slot{[](const ContainerStats& c) { return c.path; }, [](ContainerStats& c, uint64_t v) { c.path = v; }}
// A pressure line is present when its total slot is; its averages are doubles by bits.
#define BERTH_PSI(res, line)                                                                     \
  Slot{[](const ContainerStats& c) -> std::optional<uint64_t> {                                  \
         if (!c.res.line) return std::nullopt;                                                   \
         return c.res.line->total_usec;                                                          \
       },                                                                                        \
       [](ContainerStats& c, uint64_t v) { c.res.line.emplace().total_usec = v; }},              \
      BERTH_PSI_AVG(res, line, avg10), BERTH_PSI_AVG(res, line, avg60),                          \
      BERTH_PSI_AVG(res, line, avg300)
#define BERTH_PSI_AVG(res, line, field)                                                          \
  Slot{[](const ContainerStats& c) -> std::optional<uint64_t> {                                  \
         if (!c.res.line) return std::nullopt;                                                   \
         return std::bit_cast<uint64_t>(c.res.line->field);                                      \
       },                                                                                        \
       [](ContainerStats& c, uint64_t v) {                                                       \
         if (c.res.line) c.res.line->field = std::bit_cast<double>(v);                           \
       }}

const Slot kContainerSlots[] = {
    BERTH_OPT(cpu.usage_ns),
    BERTH_OPT(cpu.user_ns),
    BERTH_OPT(cpu.system_ns),
    BERTH_OPT(cpu.nr_periods),
    BERTH_OPT(cpu.nr_throttled),
    BERTH_OPT(cpu.throttled_ns),
    BERTH_OPT(cpu_limits.quota_us),
    BERTH_OPT(cpu_limits.period_us),
    BERTH_OPT(cpu_limits.shares),
    BERTH_OPT(cpu_limits.weight),
    BERTH_OPT(memory.usage_bytes),
    BERTH_OPT(memory.limit_bytes),
    BERTH_OPT(memory.high_bytes),
    BERTH_OPT(memory.reservation_bytes),
    BERTH_OPT(memory.peak_bytes),
    BERTH_OPT(memory.failcnt),
    BERTH_OPT(memory.swap_bytes),
    BERTH_OPT(memory.swap_limit_bytes),
    BERTH_OPT(memory.swap_high_bytes),
    BERTH_OPT(memory.stat.anon),
    BERTH_OPT(memory.stat.file),
    BERTH_OPT(memory.stat.active_anon),
    BERTH_OPT(memory.stat.inactive_anon),
    BERTH_OPT(memory.stat.active_file),
    BERTH_OPT(memory.stat.inactive_file),
    BERTH_OPT(memory.stat.shmem),
    BERTH_OPT(memory.stat.slab),
    BERTH_OPT(memory.stat.sock),
    BERTH_OPT(memory.stat.file_mapped),
    BERTH_OPT(memory.stat.file_dirty),
    BERTH_OPT(memory.stat.file_writeback),
    BERTH_OPT(memory.stat.pgfault),
    BERTH_OPT(memory.stat.pgmajfault),
    BERTH_OPT(memory.stat.workingset_refault_anon),
    BERTH_OPT(memory.stat.workingset_refault_file),
    BERTH_OPT(memory.stat.swap),
    BERTH_OPT(memory.events.low),
    BERTH_OPT(memory.events.high),
    BERTH_OPT(memory.events.max),
    BERTH_OPT(memory.events.oom),
    BERTH_OPT(memory.events.oom_kill),
    BERTH_OPT(pids_current),
    BERTH_OPT(pids_max),
    BERTH_OPT(threads),
    BERTH_PSI(cpu_pressure, some),
    BERTH_PSI(cpu_pressure, full),
    BERTH_PSI(memory_pressure, some),
    BERTH_PSI(memory_pressure, full),
    BERTH_PSI(io_pressure, some),
    BERTH_PSI(io_pressure, full),
};
#undef BERTH_OPT
#undef BERTH_PSI
#undef BERTH_PSI_AVG
constexpr size_t kFixedSlots = std::size(kContainerSlots);
constexpr size_t kDeviceSlots = 4;     // read/write bytes, read/write ios
constexpr size_t kInterfaceSlots = 8;  // rx/tx bytes, packets, errors, dropped
constexpr size_t kHostSlots = 7;

// Shape tags (append only).
enum Tag : uint64_t {
  kId = 1, kName, kImage, kRuntime, kCgroupPath, kLabel, kPodUid, kQosClass, kK8sNamespace,
  kK8sPod, kK8sContainer, kSandbox, kStartTime, kRestartCount, kHealth,
  kNetworkMode = 20, kBlockIoKnown, kDevice, kInterface,
};
enum HostTag : uint64_t { kCgroupMode = 1, kKernel, kHostname };

// Bounds on what one frame may hold (far above any real host; a fuzzed
// frame cannot make the decoder allocate beyond its own size times these).
constexpr uint64_t kMaxSlots = 1 << 16;

void Field(ByteWriter& w, Tag tag, std::string_view value) {
  if (value.empty()) return;
  w.Varint(tag);
  w.Bytes(value);
}
std::string VarintBytes(uint64_t v) {
  std::string s;
  ByteWriter(&s).Varint(v);
  return s;
}

void EncodeIdentity(ByteWriter& w, const ContainerIdentity& id) {
  Field(w, kId, id.id);
  Field(w, kName, id.name);
  Field(w, kImage, id.image);
  w.Varint(kRuntime);
  w.Bytes(VarintBytes(static_cast<uint64_t>(id.runtime)));
  Field(w, kCgroupPath, id.cgroup_path);
  for (const auto& [key, value] : id.labels) {
    std::string kv;
    ByteWriter lw(&kv);
    lw.Bytes(key);
    lw.Bytes(value);
    w.Varint(kLabel);
    w.Bytes(kv);
  }
  Field(w, kPodUid, id.pod_uid);
  Field(w, kQosClass, id.qos_class);
  Field(w, kK8sNamespace, id.k8s_namespace);
  Field(w, kK8sPod, id.k8s_pod);
  Field(w, kK8sContainer, id.k8s_container);
  if (id.is_sandbox) Field(w, kSandbox, VarintBytes(1));
  if (id.start_time_seconds) {
    Field(w, kStartTime, VarintBytes(std::bit_cast<uint64_t>(*id.start_time_seconds)));
  }
  if (id.restart_count) Field(w, kRestartCount, VarintBytes(ZigZag(*id.restart_count)));
  Field(w, kHealth, id.health_status);
}

std::string ContainerShape(const ContainerStats& c) {
  std::string s;
  ByteWriter w(&s);
  EncodeIdentity(w, c.identity);
  Field(w, kNetworkMode, VarintBytes(static_cast<uint64_t>(c.network_mode)));
  if (c.block_io_known) Field(w, kBlockIoKnown, VarintBytes(1));
  for (const auto& d : c.block_devices) {
    std::string v;
    ByteWriter dw(&v);
    dw.Varint(d.major);
    dw.Varint(d.minor);
    dw.Bytes(d.name);
    w.Varint(kDevice);
    w.Bytes(v);
  }
  for (const auto& i : c.net_interfaces) {
    w.Varint(kInterface);
    w.Bytes(i.name);
  }
  return s;
}

Numbers ContainerNumbers(const ContainerStats& c) {
  Numbers n;
  n.reserve(kFixedSlots + c.block_devices.size() * kDeviceSlots +
            c.net_interfaces.size() * kInterfaceSlots);
  for (const Slot& slot : kContainerSlots) n.push_back(slot.get(c));
  for (const auto& d : c.block_devices) {
    n.insert(n.end(), {d.read_bytes, d.write_bytes, d.read_ios, d.write_ios});
  }
  for (const auto& i : c.net_interfaces) {
    n.insert(n.end(), {i.rx_bytes, i.rx_packets, i.rx_errors, i.rx_dropped, i.tx_bytes,
                       i.tx_packets, i.tx_errors, i.tx_dropped});
  }
  return n;
}

std::string HostShape(const collector::HostFacts& h) {
  std::string s;
  ByteWriter w(&s);
  w.Varint(kCgroupMode);
  w.Bytes(VarintBytes(static_cast<uint64_t>(h.cgroup_mode)));
  if (!h.kernel_release.empty()) {
    w.Varint(kKernel);
    w.Bytes(h.kernel_release);
  }
  if (!h.hostname.empty()) {
    w.Varint(kHostname);
    w.Bytes(h.hostname);
  }
  return s;
}

Numbers HostNumbers(const collector::HostFacts& h) {
  std::optional<uint64_t> boot;
  if (h.boot_time_seconds) boot = std::bit_cast<uint64_t>(*h.boot_time_seconds);
  std::optional<uint64_t> cpus;
  if (h.online_cpus) cpus = *h.online_cpus;
  return {cpus, h.cpu_total_ns, h.cpu_idle_ns, h.mem_total_bytes, h.mem_available_bytes,
          h.swap_total_bytes, boot};
}

// numbers := varint count, presence bitmap, zigzag deltas against `base`.
void EncodeNumbers(ByteWriter& w, const Numbers& n, const Numbers* base) {
  w.Varint(n.size());
  for (size_t i = 0; i < n.size(); i += 8) {
    uint8_t bits = 0;
    for (size_t j = i; j < n.size() && j < i + 8; ++j) {
      if (n[j]) bits |= static_cast<uint8_t>(1u << (j - i));
    }
    w.Byte(bits);
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i]) continue;
    uint64_t b = 0;
    if (base != nullptr && i < base->size() && (*base)[i]) b = *(*base)[i];
    w.Signed(static_cast<int64_t>(*n[i] - b));  // modular: exact for any pair
  }
}

bool DecodeNumbers(ByteReader& r, const Numbers* base, Numbers* out) {
  const uint64_t count = r.Varint();
  // Each slot needs at least one presence bit: the bitmap bounds the count.
  if (!r.ok() || count > kMaxSlots || (count + 7) / 8 > r.remaining()) return false;
  out->assign(count, std::nullopt);
  std::vector<uint8_t> bitmap((count + 7) / 8);
  for (auto& b : bitmap) b = r.Byte();
  for (size_t i = 0; i < count; ++i) {
    if ((bitmap[i / 8] & (1u << (i % 8))) == 0) continue;
    uint64_t b = 0;
    if (base != nullptr && i < base->size() && (*base)[i]) b = *(*base)[i];
    (*out)[i] = b + static_cast<uint64_t>(r.Signed());
  }
  return r.ok();
}

bool DecodeIdentityField(uint64_t tag, std::string_view value, ContainerIdentity* id) {
  ByteReader v(value);
  switch (tag) {
    case kId: id->id = value; break;
    case kName: id->name = value; break;
    case kImage: id->image = value; break;
    case kRuntime: {
      const uint64_t rt = v.Varint();
      if (!v.ok() || rt > static_cast<uint64_t>(collector::Runtime::kCgroup)) return false;
      id->runtime = static_cast<collector::Runtime>(rt);
      break;
    }
    case kCgroupPath: id->cgroup_path = value; break;
    case kLabel: {
      std::string_view key = v.Bytes(), val = v.Bytes();
      if (!v.ok()) return false;
      id->labels[std::string(key)] = val;
      break;
    }
    case kPodUid: id->pod_uid = value; break;
    case kQosClass: id->qos_class = value; break;
    case kK8sNamespace: id->k8s_namespace = value; break;
    case kK8sPod: id->k8s_pod = value; break;
    case kK8sContainer: id->k8s_container = value; break;
    case kSandbox: id->is_sandbox = v.Varint() != 0; break;
    case kStartTime: id->start_time_seconds = std::bit_cast<double>(v.Varint()); break;
    case kRestartCount: id->restart_count = UnZigZag(v.Varint()); break;
    case kHealth: id->health_status = value; break;
    default: return true;  // not an identity field (or a newer one): skipped
  }
  return v.ok();
}

bool DecodeIdentity(std::string_view shape, ContainerIdentity* id) {
  ByteReader r(shape);
  while (r.ok() && !r.empty()) {
    const uint64_t tag = r.Varint();
    std::string_view value = r.Bytes();
    if (!r.ok() || !DecodeIdentityField(tag, value, id)) return false;
  }
  return r.ok() && !id->id.empty();
}

// Shape + numbers -> one container. Numbers beyond what the shape lists are
// ignored; missing ones are absent.
bool DecodeContainer(std::string_view shape, const Numbers& n, ContainerStats* c) {
  if (!DecodeIdentity(shape, &c->identity)) return false;
  ByteReader r(shape);
  while (r.ok() && !r.empty()) {
    const uint64_t tag = r.Varint();
    const std::string_view value = r.Bytes();
    ByteReader v(value);
    if (!r.ok()) return false;
    switch (tag) {
      case kNetworkMode: {
        const uint64_t mode = v.Varint();
        if (mode > static_cast<uint64_t>(collector::NetworkMode::kHost)) return false;
        c->network_mode = static_cast<collector::NetworkMode>(mode);
        break;
      }
      case kBlockIoKnown: c->block_io_known = v.Varint() != 0; break;
      case kDevice: {
        collector::BlockDeviceStats d;
        const uint64_t major = v.Varint(), minor = v.Varint();
        if (major > UINT32_MAX || minor > UINT32_MAX) return false;
        d.major = static_cast<uint32_t>(major);
        d.minor = static_cast<uint32_t>(minor);
        d.name = v.Bytes();
        c->block_devices.push_back(std::move(d));
        break;
      }
      case kInterface: c->net_interfaces.emplace_back().name = value; break;
      default: break;
    }
    if (!v.ok()) return false;
  }
  auto at = [&n](size_t i) -> std::optional<uint64_t> {
    return i < n.size() ? n[i] : std::nullopt;
  };
  // The slot counts this frame wrote come first (see EncodeContainerNumbers).
  const size_t fixed = at(0).value_or(0), per_dev = at(1).value_or(0), per_if = at(2).value_or(0);
  if (fixed > kMaxSlots || per_dev > kMaxSlots || per_if > kMaxSlots) return false;
  // Every loop stops at the end of the numbers: their count bounds the work.
  size_t pos = 3;
  for (size_t i = 0; i < fixed && pos < n.size(); ++i, ++pos) {
    if (i < kFixedSlots && n[pos]) kContainerSlots[i].set(*c, *n[pos]);
  }
  for (auto& d : c->block_devices) {
    std::optional<uint64_t>* fields[] = {&d.read_bytes, &d.write_bytes, &d.read_ios, &d.write_ios};
    for (size_t i = 0; i < per_dev && pos < n.size(); ++i, ++pos) {
      if (i < kDeviceSlots) *fields[i] = n[pos];
    }
  }
  for (auto& f : c->net_interfaces) {
    uint64_t* fields[] = {&f.rx_bytes, &f.rx_packets, &f.rx_errors, &f.rx_dropped,
                          &f.tx_bytes, &f.tx_packets, &f.tx_errors, &f.tx_dropped};
    for (size_t i = 0; i < per_if && pos < n.size(); ++i, ++pos) {
      if (i < kInterfaceSlots) *fields[i] = n[pos].value_or(0);
    }
  }
  return true;
}

// A container's numbers, led by the three slot counts (so a reader knows the
// layout whatever its own tables hold).
Numbers EncodeContainerNumbers(const ContainerStats& c) {
  Numbers n = {kFixedSlots, kDeviceSlots, kInterfaceSlots};
  Numbers rest = ContainerNumbers(c);
  n.insert(n.end(), rest.begin(), rest.end());
  return n;
}

std::string EncodeStopped(const std::vector<ContainerIdentity>& stopped) {
  std::string s;
  ByteWriter w(&s);
  w.Varint(stopped.size());
  for (const auto& id : stopped) {
    std::string one;
    ByteWriter ow(&one);
    EncodeIdentity(ow, id);
    w.Bytes(one);
  }
  return s;
}

bool DecodeStopped(std::string_view bytes, std::vector<ContainerIdentity>* out) {
  ByteReader r(bytes);
  const uint64_t n = r.Varint();
  if (!r.ok() || n > r.remaining()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    ContainerIdentity id;
    if (!DecodeIdentity(r.Bytes(), &id) || !r.ok()) return false;
    out->push_back(std::move(id));
  }
  return r.ok() && r.empty();
}

bool DecodeHost(std::string_view shape, const Numbers& n, collector::HostFacts* h) {
  ByteReader r(shape);
  while (r.ok() && !r.empty()) {
    const uint64_t tag = r.Varint();
    std::string_view value = r.Bytes();
    ByteReader v(value);
    if (tag == kCgroupMode) {
      const uint64_t mode = v.Varint();
      if (!v.ok() || mode > static_cast<uint64_t>(collector::CgroupMode::kHybrid)) return false;
      h->cgroup_mode = static_cast<collector::CgroupMode>(mode);
    } else if (tag == kKernel) {
      h->kernel_release = value;
    } else if (tag == kHostname) {
      h->hostname = value;
    }
  }
  if (!r.ok()) return false;
  auto at = [&n](size_t i) { return i < n.size() ? n[i] : std::nullopt; };
  if (at(0)) {
    if (*at(0) > UINT32_MAX) return false;
    h->online_cpus = static_cast<uint32_t>(*at(0));
  }
  h->cpu_total_ns = at(1);
  h->cpu_idle_ns = at(2);
  h->mem_total_bytes = at(3);
  h->mem_available_bytes = at(4);
  h->swap_total_bytes = at(5);
  if (at(6)) h->boot_time_seconds = std::bit_cast<double>(*at(6));
  return true;
}

int64_t Ns(std::chrono::nanoseconds d) { return d.count(); }

}  // namespace

std::string EncodeFrame(const Snapshot& snap, bool key, FrameState* state) {
  const bool delta = !key && state->valid;
  FrameState next;
  next.valid = true;
  next.wall_ns = Ns(snap.wall_time.time_since_epoch());
  next.monotonic_ns = Ns(snap.monotonic_time.time_since_epoch());
  std::string out;
  ByteWriter w(&out);
  w.Signed(next.wall_ns - (delta ? state->wall_ns : 0));
  w.Signed(next.monotonic_ns - (delta ? state->monotonic_ns : 0));
  w.Varint(static_cast<uint64_t>(std::max<int64_t>(0, snap.collect_duration.count())));
  // Host: shape only when it changed, numbers as deltas.
  next.host_shape = HostShape(snap.host);
  next.host_numbers = HostNumbers(snap.host);
  const bool host_same = delta && next.host_shape == state->host_shape;
  w.Byte(host_same ? 0 : 1);
  if (!host_same) w.Bytes(next.host_shape);
  EncodeNumbers(w, next.host_numbers, delta ? &state->host_numbers : nullptr);
  // Containers: each refers to the previous frame's entry of the same id.
  w.Varint(snap.containers.size());
  size_t p = 0;  // both lists are sorted by id: one merge pass
  next.containers.reserve(snap.containers.size());
  for (const ContainerStats& c : snap.containers) {
    FrameState::Entry entry{c.identity.id, ContainerShape(c), EncodeContainerNumbers(c)};
    const FrameState::Entry* base = nullptr;
    size_t base_index = 0;
    if (delta) {
      while (p < state->containers.size()) {
        const std::string& prev_id = state->containers[p].id;
        if (prev_id < c.identity.id) {
          ++p;
          continue;
        }
        if (prev_id == c.identity.id) {
          base = &state->containers[p];
          base_index = p;
        }
        break;
      }
    }
    w.Varint(base != nullptr ? base_index + 1 : 0);
    const bool same_shape = base != nullptr && base->shape == entry.shape;
    w.Byte(same_shape ? 0 : 1);
    if (!same_shape) w.Bytes(entry.shape);
    EncodeNumbers(w, entry.numbers, base != nullptr ? &base->numbers : nullptr);
    next.containers.push_back(std::move(entry));
  }
  next.stopped = EncodeStopped(snap.stopped);
  const bool stopped_same = delta && next.stopped == state->stopped;
  w.Byte(stopped_same ? 0 : 1);
  if (!stopped_same) w.Bytes(next.stopped);
  w.Varint(snap.errors.size());
  for (const auto& [source, count] : snap.errors) {
    w.Bytes(source);
    w.Varint(count);
  }
  *state = std::move(next);
  return out;
}

bool DecodeFrame(std::string_view raw, bool key, FrameState* state, Snapshot* out,
                 std::string* error) {
  auto fail = [&](const char* why) {
    *error = why;
    state->valid = false;
    return false;
  };
  if (!key && !state->valid) return fail("delta frame without the frame before it");
  const bool delta = !key;
  ByteReader r(raw);
  FrameState next;
  next.valid = true;
  next.wall_ns = r.Signed() + (delta ? state->wall_ns : 0);
  next.monotonic_ns = r.Signed() + (delta ? state->monotonic_ns : 0);
  const uint64_t duration = r.Varint();
  const uint8_t host_shape_follows = r.Byte();
  if (!r.ok() || host_shape_follows > 1) return fail("bad frame header");
  if (host_shape_follows) {
    next.host_shape = r.Bytes();
  } else {
    if (!delta) return fail("key frame without host facts");
    next.host_shape = state->host_shape;
  }
  if (!DecodeNumbers(r, delta ? &state->host_numbers : nullptr, &next.host_numbers)) {
    return fail("bad host numbers");
  }
  Snapshot snap;
  snap.wall_time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(next.wall_ns)));
  snap.monotonic_time = std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::nanoseconds(next.monotonic_ns)));
  snap.collect_duration = std::chrono::nanoseconds(static_cast<int64_t>(duration & INT64_MAX));
  const bool build = out != nullptr;  // else only the state advances (a seek's chain)
  if (build && !DecodeHost(next.host_shape, next.host_numbers, &snap.host)) {
    return fail("bad host facts");
  }
  const uint64_t n = r.Varint();
  // A container takes at least three bytes (reference, shape flag, count).
  if (!r.ok() || n > r.remaining() / 3) return fail("bad container count");
  next.containers.reserve(n);
  snap.containers.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t ref = r.Varint();
    const uint8_t shape_follows = r.Byte();
    if (!r.ok() || shape_follows > 1) return fail("bad container record");
    const FrameState::Entry* base = nullptr;
    if (ref != 0) {
      if (!delta || ref > state->containers.size()) return fail("bad container reference");
      base = &state->containers[ref - 1];
    }
    FrameState::Entry entry;
    if (shape_follows) {
      entry.shape = r.Bytes();
    } else if (base != nullptr) {
      entry.shape = base->shape;
    } else {
      return fail("container without identity");
    }
    if (!r.ok() || !DecodeNumbers(r, base != nullptr ? &base->numbers : nullptr, &entry.numbers)) {
      return fail("bad container numbers");
    }
    if (build) {
      ContainerStats c;
      if (!DecodeContainer(entry.shape, entry.numbers, &c)) return fail("bad container shape");
      if (!snap.containers.empty() && !(snap.containers.back().identity.id < c.identity.id)) {
        return fail("containers out of order");
      }
      snap.containers.push_back(std::move(c));
    }
    next.containers.push_back(std::move(entry));
  }
  const uint8_t stopped_follows = r.Byte();
  if (!r.ok() || stopped_follows > 1) return fail("bad stopped list");
  if (stopped_follows) {
    next.stopped = r.Bytes(64 << 20);
  } else {
    if (!delta) return fail("key frame without stopped list");
    next.stopped = state->stopped;
  }
  if (!r.ok() || (build && !DecodeStopped(next.stopped, &snap.stopped))) {
    return fail("bad stopped list");
  }
  const uint64_t errors = r.Varint();
  if (!r.ok() || errors > r.remaining()) return fail("bad error counts");
  for (uint64_t i = 0; i < errors; ++i) {
    std::string source(r.Bytes());
    snap.errors[source] = r.Varint();
  }
  if (!r.ok()) return fail("bad error counts");
  if (!r.empty()) return fail("trailing bytes in frame");
  *state = std::move(next);
  if (build) *out = std::move(snap);
  return true;
}

}  // namespace berth::history
