// cgv2_probe: berth's collector on a real, pure cgroup v2 kernel, without
// fixtures. Meant to run as root inside the throw-away VM of
// ../shared/tools/cgv2-vm (tests/e2e/30-cgroup-v2-vm.sh does that).
//
// It builds cgroups shaped like Docker's systemd driver
// (system.slice/docker-<64hex>.scope) and cgroupfs driver (docker/<64hex>),
// sets limits, moves child processes with known load into them (CPU burned,
// MiB touched, bytes written with O_DIRECT, processes forked, an OOM), reads
// everything back through berth::collector::Sampler (rootfs "/") and checks
// the figures against what the load did (and that an unchanged memory.events
// is seen to change through the kernel's file-modified notification). Prints
// one PASS/FAIL line per check.
//
// DESTRUCTIVE: it writes raw to --disk (refused when the device is mounted
// or used as swap) and creates cgroups under /sys/fs/cgroup; it removes its
// cgroups when done.
//
// Exit: 0 all checks passed, 1 a check failed, 2 usage or setup error.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "collector/root_fs.h"
#include "collector/sampler.h"
#include "collector/snapshot.h"
#include "tests/cgv2/cgv2_load.h"

namespace berth::cgv2 {
namespace {

using collector::CgroupMode;
using collector::ContainerStats;
using collector::kUnlimited;
using collector::Pressure;
using collector::Runtime;
using collector::Snapshot;
using collector::SnapshotPtr;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr unsigned long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC
constexpr const char* kControllers = "+cpu +io +memory +pids";

struct Options {
  std::string disk;
  int burn_ms = 300;
  uint64_t mem_mib = 32;
  uint64_t io_mib = 8;
  int procs = 5;
};

// Prints and counts PASS/FAIL lines.
class Checker {
 public:
  bool Check(bool ok, const std::string& name, const std::string& detail) {
    std::printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name.c_str(), detail.c_str());
    std::fflush(stdout);
    ++checks_;
    if (!ok) ++failures_;
    return ok;
  }
  int checks() const { return checks_; }
  int failures() const { return failures_; }

 private:
  int checks_ = 0;
  int failures_ = 0;
};

std::string Opt(const std::optional<uint64_t>& v) {
  if (!v) return "absent";
  if (*v == kUnlimited) return "max";
  return std::to_string(*v);
}

bool WriteFile(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (!ok) std::fprintf(stderr, "cgv2_probe: write %s <- %s: %s\n", path.c_str(), text.c_str(),
                        std::strerror(errno));
  if (fd >= 0) close(fd);
  return ok;
}

std::string RandomHexId() {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 64; ++i) id += kHex[rd() % 16];
  return id;
}

// Total of the "some" line of a PSI file, read directly.
std::optional<uint64_t> RawPsiSomeTotal(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("some ")) continue;
    const size_t at = line.find("total=");
    if (at == std::string::npos) return std::nullopt;
    return std::stoull(line.substr(at + 6));
  }
  return std::nullopt;
}

bool DiskInUse(const std::string& disk) {
  for (const char* table : {"/proc/mounts", "/proc/swaps"}) {
    std::ifstream in(table);
    std::string first;
    std::string rest;
    while (in >> first && std::getline(in, rest)) {
      if (first == disk || first.starts_with(disk)) return true;
    }
  }
  return false;
}

// One test container: its cgroup and the child that loads it.
struct Container {
  std::string label;     // "cpu", "memory" …
  std::string id;        // 64 hex
  std::string rel_path;  // "/system.slice/docker-<id>.scope"
  Child child;

  std::string dir() const { return std::string(kCgroupRoot) + rel_path; }
};

Container SystemdContainer(const std::string& label) {
  Container c{label, RandomHexId(), "", {}};
  c.rel_path = "/system.slice/docker-" + c.id + ".scope";
  return c;
}

Container CgroupfsContainer(const std::string& label) {
  Container c{label, RandomHexId(), "", {}};
  c.rel_path = "/docker/" + c.id;
  return c;
}

// Forks the child, moves it into the container's cgroup, starts it.
bool Launch(Container& c, Work work) {
  c.child = SpawnChild(std::move(work));
  if (c.child.pid <= 0) return false;
  return WriteFile(c.dir() + "/cgroup.procs", std::to_string(c.child.pid)) &&
         StartChild(c.child);
}

const ContainerStats* Find(const Snapshot& snap, const Container& c) {
  for (const auto& s : snap.containers) {
    if (s.identity.id == c.id) return &s;
  }
  return nullptr;
}

bool Within(uint64_t value, uint64_t lo, uint64_t hi) { return value >= lo && value <= hi; }

bool PsiComplete(const Pressure& p) { return p.some.has_value() && p.full.has_value(); }

class Probe {
 public:
  explicit Probe(Options options) : o_(std::move(options)) {}
  int Run();

 private:
  bool Setup();
  void Cleanup();
  void CheckIdentity(const Snapshot& snap);
  void CheckCpu(const ContainerStats& s, uint64_t burned_ns, uint64_t psi_before,
                uint64_t psi_after);
  void CheckMemory(const ContainerStats& s, uint64_t touched);
  void CheckIo(const Snapshot& snap, uint64_t written);
  void CheckPids(const ContainerStats& s, uint64_t forked);
  void CheckOom(uint64_t kills_before);
  void CheckRemoval();

  Options o_;
  Checker check_;
  collector::Sampler sampler_{collector::SamplerOptions{
      .rootfs = "/", .all_cgroups = false, .keep_fds = true, .limits_refresh = {}}};
  // Re-reads memory.events only when inotify reports a change (no periodic
  // re-read within the probe's run): proves the kernel's notification.
  collector::Sampler watching_sampler_{collector::SamplerOptions{
      .rootfs = "/", .all_cgroups = false, .keep_fds = true,
      .limits_refresh = std::chrono::hours(1)}};
  Container cpu_ = SystemdContainer("cpu");
  Container io_ = SystemdContainer("io");
  Container oom_ = SystemdContainer("oom");
  Container mem_ = CgroupfsContainer("memory");
  Container pids_ = CgroupfsContainer("pids");
  std::vector<std::string> dirs_;  // created, in creation order
};

bool Probe::Setup() {
  const std::string root = kCgroupRoot;
  auto mk = [&](const std::string& dir) {
    if (mkdir(dir.c_str(), 0755) != 0) {
      std::fprintf(stderr, "cgv2_probe: mkdir %s: %s\n", dir.c_str(), std::strerror(errno));
      return false;
    }
    dirs_.push_back(dir);
    return true;
  };
  return mk(root + "/system.slice") &&
         WriteFile(root + "/system.slice/cgroup.subtree_control", kControllers) &&
         mk(root + "/docker") && WriteFile(root + "/docker/cgroup.subtree_control", kControllers) &&
         mk(root + "/system.slice/ssh.service") &&  // a decoy: not a container
         mk(cpu_.dir()) && mk(io_.dir()) && mk(oom_.dir()) && mk(mem_.dir()) && mk(pids_.dir()) &&
         WriteFile(cpu_.dir() + "/cpu.max", "50000 100000") &&
         WriteFile(cpu_.dir() + "/cpu.weight", "200") &&
         WriteFile(mem_.dir() + "/memory.max", std::to_string(64 * kMiB)) &&
         WriteFile(mem_.dir() + "/memory.high", std::to_string(48 * kMiB)) &&
         WriteFile(oom_.dir() + "/memory.max", std::to_string(16 * kMiB)) &&
         WriteFile(pids_.dir() + "/pids.max", "20");
}

void Probe::Cleanup() {
  for (Container* c : {&cpu_, &io_, &oom_, &mem_, &pids_}) ReleaseChild(c->child);
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) rmdir(it->c_str());
  dirs_.clear();
}

void Probe::CheckIdentity(const Snapshot& snap) {
  check_.Check(snap.host.cgroup_mode == CgroupMode::kUnified, "mode",
               std::string("cgroup mode ") + collector::CgroupModeName(snap.host.cgroup_mode));
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  check_.Check(snap.host.online_cpus && *snap.host.online_cpus == static_cast<uint32_t>(cpus),
               "host.online_cpus",
               "berth " + Opt(snap.host.online_cpus) + ", sysconf " + std::to_string(cpus));
  check_.Check(snap.errors.empty(), "errors",
               std::to_string(snap.errors.size()) + " error sources in the snapshot");

  std::vector<std::string> want, got;
  for (const Container* c : {&cpu_, &io_, &oom_, &mem_, &pids_}) want.push_back(c->id);
  for (const auto& s : snap.containers) got.push_back(s.identity.id);
  std::sort(want.begin(), want.end());
  check_.Check(got == want, "discovery.set",
               std::to_string(got.size()) + " containers found, " + std::to_string(want.size()) +
                   " created (decoy ssh.service, system.slice, docker not reported)");
  for (const Container* c : {&cpu_, &io_, &oom_, &mem_, &pids_}) {
    const ContainerStats* s = Find(snap, *c);
    check_.Check(s != nullptr && s->identity.runtime == Runtime::kDocker &&
                     s->identity.cgroup_path == c->rel_path &&
                     s->identity.name == collector::ShortId(c->id),
                 "discovery." + c->label,
                 s == nullptr ? "not found: " + c->rel_path
                              : std::string(collector::RuntimeName(s->identity.runtime)) + " " +
                                    s->identity.cgroup_path + " name " + s->identity.name);
  }
}

void Probe::CheckCpu(const ContainerStats& s, uint64_t burned_ns, uint64_t psi_before,
                     uint64_t psi_after) {
  const uint64_t usage = s.cpu.usage_ns.value_or(0);
  const uint64_t slack = std::max<uint64_t>(burned_ns / 20, 20'000'000);  // 5 % or 20 ms
  check_.Check(s.cpu.usage_ns && Within(usage, burned_ns - std::min(slack, burned_ns),
                                        burned_ns + slack),
               "cpu.usage",
               "berth " + Opt(s.cpu.usage_ns) + " ns, child burned " + std::to_string(burned_ns) +
                   " ns (±" + std::to_string(slack / 1000000) + " ms)");
  const uint64_t split = s.cpu.user_ns.value_or(0) + s.cpu.system_ns.value_or(0);
  check_.Check(s.cpu.user_ns && s.cpu.system_ns &&
                   Within(split, usage - std::min(usage, usage / 100 + 1000000),
                          usage + usage / 100 + 1000000),
               "cpu.user+system",
               "user " + Opt(s.cpu.user_ns) + " + system " + Opt(s.cpu.system_ns) + " vs usage " +
                   std::to_string(usage));
  check_.Check(s.cpu_limits.quota_us == 50000 && s.cpu_limits.period_us == 100000 &&
                   s.cpu_limits.weight == 200,
               "cpu.limits",
               "quota " + Opt(s.cpu_limits.quota_us) + " period " + Opt(s.cpu_limits.period_us) +
                   " weight " + Opt(s.cpu_limits.weight) + " (set 50000 100000, 200)");
  check_.Check(s.cpu.nr_periods.value_or(0) > 0 && s.cpu.nr_throttled.value_or(0) > 0 &&
                   s.cpu.throttled_ns.value_or(0) > 0,
               "cpu.throttling",
               "nr_periods " + Opt(s.cpu.nr_periods) + " nr_throttled " +
                   Opt(s.cpu.nr_throttled) + " throttled_ns " + Opt(s.cpu.throttled_ns) +
                   " (burned at 50 % quota)");
  check_.Check(s.pids_max == kUnlimited && s.memory.limit_bytes == kUnlimited,
               "limits.unlimited",
               "pids.max " + Opt(s.pids_max) + " memory.max " + Opt(s.memory.limit_bytes));
  const uint64_t psi = s.cpu_pressure.some ? s.cpu_pressure.some->total_usec : 0;
  check_.Check(PsiComplete(s.cpu_pressure) && PsiComplete(s.memory_pressure) &&
                   PsiComplete(s.io_pressure) && Within(psi, psi_before, psi_after),
               "psi",
               "cpu/memory/io some+full present; cpu some total " + std::to_string(psi) +
                   " usec within direct reads [" + std::to_string(psi_before) + ", " +
                   std::to_string(psi_after) + "]");
  check_.Check(s.network_mode == collector::NetworkMode::kHost, "network.host_netns",
               "a cgroup whose processes share the host netns is marked host network");
}

void Probe::CheckMemory(const ContainerStats& s, uint64_t touched) {
  const uint64_t current = s.memory.usage_bytes.value_or(0);
  check_.Check(s.memory.usage_bytes && Within(current, touched, touched + 4 * kMiB),
               "memory.current",
               "berth " + Opt(s.memory.usage_bytes) + ", child touched " +
                   std::to_string(touched) + " (+4 MiB allowed)");
  const uint64_t anon = s.memory.stat.anon.value_or(0);
  check_.Check(s.memory.stat.anon && Within(anon, touched - touched / 32, touched + 2 * kMiB),
               "memory.anon",
               "berth " + Opt(s.memory.stat.anon) + ", child touched " + std::to_string(touched));
  check_.Check(s.memory.limit_bytes == 64 * kMiB && s.memory.high_bytes == 48 * kMiB,
               "memory.limits",
               "max " + Opt(s.memory.limit_bytes) + " high " + Opt(s.memory.high_bytes) +
                   " (set 64 MiB, 48 MiB)");
}

void Probe::CheckIo(const Snapshot& snap, uint64_t written) {
  struct stat st{};
  if (!check_.Check(stat(o_.disk.c_str(), &st) == 0, "io.device", o_.disk)) return;
  const uint32_t maj = major(st.st_rdev), min = minor(st.st_rdev);
  const std::string dev = std::to_string(maj) + ":" + std::to_string(min);
  const std::string name = o_.disk.substr(o_.disk.rfind('/') + 1);
  auto on_disk = [&](const ContainerStats* s) -> const collector::BlockDeviceStats* {
    if (s == nullptr) return nullptr;
    for (const auto& d : s->block_devices) {
      if (d.major == maj && d.minor == min) return &d;
    }
    return nullptr;
  };
  const ContainerStats* s = Find(snap, io_);
  const collector::BlockDeviceStats* d = on_disk(s);
  check_.Check(s != nullptr && s->block_io_known && d != nullptr && d->write_bytes &&
                   Within(*d->write_bytes, written, written + written / 4) &&
                   d->write_ios.value_or(0) > 0 && d->name == name,
               "io.wbytes",
               d == nullptr ? "no io.stat entry for " + dev
                            : dev + " (" + d->name + ") wbytes " + Opt(d->write_bytes) + " wios " +
                                  Opt(d->write_ios) + ", child wrote " + std::to_string(written));
  const collector::BlockDeviceStats* other = on_disk(Find(snap, cpu_));
  const ContainerStats* cs = Find(snap, cpu_);
  check_.Check(cs != nullptr && cs->block_io_known &&
                   (other == nullptr || other->write_bytes.value_or(0) == 0),
               "io.other_cgroup",
               "the CPU container shows no writes on " + dev + " (" +
                   (other ? Opt(other->write_bytes) : std::string("no entry")) + ")");
}

void Probe::CheckPids(const ContainerStats& s, uint64_t forked) {
  const uint64_t want = forked + 1;
  const std::vector<int> pids = sampler_.Processes(s.identity.id);
  const bool has_leader = std::find(pids.begin(), pids.end(), pids_.child.pid) != pids.end();
  check_.Check(s.pids_current == want && s.threads == want && pids.size() == want && has_leader,
               "pids.current",
               "berth pids.current " + Opt(s.pids_current) + ", " + std::to_string(pids.size()) +
                   " pids listed, leader " + (has_leader ? "listed" : "missing") + "; started " +
                   std::to_string(want));
  check_.Check(s.pids_max == 20, "pids.max", "berth " + Opt(s.pids_max) + " (set 20)");
}

void Probe::CheckOom(uint64_t kills_before) {
  const uint64_t alloc = 64 * kMiB;  // four times memory.max
  bool launched = Launch(oom_, [alloc] { return TouchMemory(alloc); });
  const std::optional<uint64_t> report = launched ? AwaitReport(oom_.child) : std::nullopt;
  const int status = ReleaseChild(oom_.child);
  check_.Check(launched && !report && status >= 0 && WIFSIGNALED(status) &&
                   WTERMSIG(status) == SIGKILL,
               "oom.killed", "a child touching 64 MiB under memory.max 16 MiB was SIGKILLed");
  SnapshotPtr snap = sampler_.Collect();
  const ContainerStats* s = Find(*snap, oom_);
  const auto& ev = s ? s->memory.events : collector::MemoryEvents{};
  check_.Check(s != nullptr && ev.oom_kill == kills_before + 1 && ev.oom.value_or(0) >= 1 &&
                   ev.max.value_or(0) >= 1,
               "oom.memory_events",
               "oom_kill " + std::to_string(kills_before) + " -> " + Opt(ev.oom_kill) + ", oom " +
                   Opt(ev.oom) + ", max " + Opt(ev.max));

  // The watching sampler read memory.events once, before the load; it sees
  // the kill only through the file-modified notification (which the kernel
  // may deliver a few ms after the change).
  const auto start = std::chrono::steady_clock::now();
  std::optional<uint64_t> seen;
  double lag_ms = 0;
  for (int i = 0; i < 100; ++i) {
    SnapshotPtr w = watching_sampler_.Collect();
    lag_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                 .count();
    const ContainerStats* ws = Find(*w, oom_);
    seen = ws ? ws->memory.events.oom_kill : std::nullopt;
    if (seen == kills_before + 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  check_.Check(seen == kills_before + 1, "oom.memory_events_notified",
               "unchanged memory.events not re-read; the kill seen via inotify after " +
                   std::to_string(static_cast<int>(lag_ms)) + " ms: oom_kill " + Opt(seen));
}

void Probe::CheckRemoval() {
  ReleaseChild(pids_.child);
  const std::string dir = pids_.dir();
  const bool removed = rmdir(dir.c_str()) == 0;
  if (removed) std::erase(dirs_, dir);
  SnapshotPtr snap = sampler_.Collect();
  check_.Check(removed && Find(*snap, pids_) == nullptr && snap->containers.size() == 4,
               "removal",
               std::string("rmdir ") + (removed ? "done" : std::strerror(errno)) + "; next snapshot has " +
                   std::to_string(snap->containers.size()) + " containers, removed one " +
                   (Find(*snap, pids_) ? "still present" : "gone"));
}

int Probe::Run() {
  if (!Setup()) {
    Cleanup();
    return 2;
  }
  SnapshotPtr before = sampler_.Collect();
  watching_sampler_.Collect();
  const ContainerStats* oom_before = Find(*before, oom_);
  const std::optional<uint64_t> kills_before =
      oom_before ? oom_before->memory.events.oom_kill : std::nullopt;
  check_.Check(kills_before == 0u, "oom.before", "oom_kill " + Opt(kills_before) + " before load");

  const auto burn = std::chrono::milliseconds(o_.burn_ms);
  const uint64_t mem_bytes = o_.mem_mib * kMiB, io_bytes = o_.io_mib * kMiB;
  const std::string disk = o_.disk;
  const int extra = o_.procs - 1;
  const bool launched = Launch(cpu_, [burn] { return BurnCpu(burn); }) &&
                        Launch(mem_, [mem_bytes] { return TouchMemory(mem_bytes); }) &&
                        Launch(io_, [disk, io_bytes] { return DirectWrite(disk, io_bytes); }) &&
                        Launch(pids_, [extra] { return ForkSleepers(extra); });
  std::map<std::string, uint64_t> reports;
  for (Container* c : {&cpu_, &mem_, &io_, &pids_}) {
    if (auto r = launched ? AwaitReport(c->child) : std::nullopt) reports[c->label] = *r;
  }
  if (!check_.Check(reports.size() == 4 && reports["io"] == io_bytes && reports["memory"] == mem_bytes,
                    "load", "4 children moved into their cgroups and reported")) {
    Cleanup();
    return 1;
  }

  const std::string cpu_psi = cpu_.dir() + "/cpu.pressure";
  const uint64_t psi_before = RawPsiSomeTotal(cpu_psi).value_or(0);
  SnapshotPtr snap = sampler_.Collect();
  const uint64_t psi_after = RawPsiSomeTotal(cpu_psi).value_or(0);

  CheckIdentity(*snap);
  if (const ContainerStats* s = Find(*snap, cpu_)) CheckCpu(*s, reports["cpu"], psi_before, psi_after);
  if (const ContainerStats* s = Find(*snap, mem_)) CheckMemory(*s, reports["memory"]);
  CheckIo(*snap, reports["io"]);
  if (const ContainerStats* s = Find(*snap, pids_)) CheckPids(*s, reports["pids"]);
  CheckOom(kills_before.value_or(0));
  CheckRemoval();
  Cleanup();
  std::printf("cgv2_probe: %d checks, %d failed (kernel %s)\n", check_.checks(), check_.failures(),
              snap->host.kernel_release.c_str());
  return check_.failures() == 0 ? 0 : 1;
}

int Usage(const char* msg) {
  std::fprintf(stderr,
               "cgv2_probe: %s\nusage: cgv2_probe --disk /dev/vdX [--burn-ms N] [--mem-mib N] "
               "[--io-mib N] [--procs N]\n(destructive: writes raw to the disk; run it in "
               "cgv2-vm)\n",
               msg);
  return 2;
}

}  // namespace
}  // namespace berth::cgv2

int main(int argc, char** argv) {
  using namespace berth::cgv2;
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage(("missing value for " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--disk") o.disk = v;
    else if (a == "--burn-ms") o.burn_ms = std::stoi(v);
    else if (a == "--mem-mib") o.mem_mib = std::stoull(v);
    else if (a == "--io-mib") o.io_mib = std::stoull(v);
    else if (a == "--procs") o.procs = std::stoi(v);
    else return Usage(("unknown option " + a).c_str());
  }
  if (o.disk.empty()) return Usage("--disk is required");
  if (o.procs < 1 || o.procs > 19 || o.mem_mib < 1 || o.mem_mib > 48 || o.io_mib < 1 ||
      o.burn_ms < 10)
    return Usage("--procs 1..19, --mem-mib 1..48, --io-mib >= 1, --burn-ms >= 10");
  struct statfs fs{};
  if (statfs(kCgroupRoot, &fs) != 0 || static_cast<unsigned long>(fs.f_type) != kCgroup2Magic)
    return Usage("/sys/fs/cgroup is not a cgroup2 (unified) mount");
  struct stat st{};
  if (geteuid() != 0) return Usage("must run as root");
  if (stat(o.disk.c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
    return Usage((o.disk + " is not a block device").c_str());
  if (DiskInUse(o.disk)) return Usage((o.disk + " is mounted or used as swap").c_str());
  return Probe(o).Run();
}
