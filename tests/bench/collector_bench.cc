// Cost of one Sampler::Collect() per container on a synthetic cgroup v2 host.
//
// The bench generates, on tmpfs (/dev/shm), a root filesystem for RootFs:
// <root>/proc/{1,self}/mountinfo with a cgroup2 mount at /sys/fs/cgroup,
// /proc/stat, /proc/meminfo, /proc/sys/kernel/{osrelease,hostname},
// /sys/dev/block/*/uevent, a few systemd units, and N Docker containers
// system.slice/docker-<64hex>.scope with every v2 file berth reads (cpu.stat,
// cpu.max, cpu.weight, memory.{current,max,high,low,peak,stat,events,
// swap.current,swap.max}, io.stat, pids.{current,max}, {cpu,memory,io}.pressure,
// cgroup.procs, cgroup.threads) plus, for their processes,
// /proc/<pid>/{stat,net/dev,ns/net} (each container in its own netns).
//
// For N = 100, 1000, 5000 and keep_fds on/off (and, as `berth stats` reads,
// psi off: no *.pressure files) it reports, per Collect():
//   us_per_container       process CPU time / N (the target: <= 25 us)
//   wall_us_per_container  wall time / N
//   first_collect_ms       the cold first collection (opens, discovery, probes)
//   open_fds               descriptors open after warm-up (kept files)
//   rss_growth_kb          RSS after the last collection minus RSS after warm-up,
//                          both with one snapshot alive (>= 30 collections in
//                          between; memory must stay flat)
// The soft RLIMIT_NOFILE is raised to the hard limit first; beyond the
// budget the Sampler falls back to open-per-read.
//
//   build/release/tests/bench/collector_bench [--benchmark_filter=/1000/]
// Environment: BERTH_BENCH_TMP overrides /dev/shm as the place for the tree.
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "collector/sampler.h"

namespace berth::collector {
namespace {

namespace fs = std::filesystem;

constexpr int kPidsPerContainer = 2;
constexpr int kFirstPid = 100000;
constexpr int kMinCollectionsForRss = 30;

void WriteText(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  ssize_t n = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) throw std::runtime_error("short write " + path);
}

void MakeDirs(const std::string& path) { fs::create_directories(path); }

std::string ContainerId(int i) {
  // 64 hex digits, distinct per container.
  char buf[65];
  std::snprintf(buf, sizeof buf, "%016x%016x%016x%016x", 0xbe27u + i, 0x5eedu * (i + 1),
                0xc0ffeeu ^ i, 0xfaceu + 7 * i);
  return std::string(buf, 64);
}

std::string MemoryStatV2(int i) {
  const uint64_t anon = 1863680 + 4096ull * i, file = 4096000 + 8192ull * i;
  return "anon " + std::to_string(anon) + "\nfile " + std::to_string(file) +
         "\nkernel 720896\nkernel_stack 65536\npagetables 196608\nsec_pagetables 0\n"
         "percpu 0\nsock 8192\nvmalloc 0\nshmem 12288\nzswap 0\nzswapped 0\n"
         "file_mapped 1515520\nfile_dirty 4096\nfile_writeback 0\nswapcached 0\nanon_thp 0\n"
         "file_thp 0\nshmem_thp 0\ninactive_anon 1859584\nactive_anon 4096\n"
         "inactive_file 3309568\nactive_file 786432\nunevictable 0\n"
         "slab_reclaimable 267912\nslab_unreclaimable 168480\nslab 436392\n"
         "workingset_refault_anon 3\nworkingset_refault_file 12\n"
         "workingset_activate_anon 0\nworkingset_activate_file 0\n"
         "workingset_restore_anon 0\nworkingset_restore_file 0\nworkingset_nodereclaim 0\n"
         "pgscan 0\npgsteal 0\npgscan_kswapd 0\npgscan_direct 0\npgsteal_kswapd 0\n"
         "pgsteal_direct 0\npgfault 3498\npgmajfault 13\npgrefill 0\npgactivate 190\n"
         "pgdeactivate 0\npglazyfree 0\npglazyfreed 0\nzswpin 0\nzswpout 0\n"
         "thp_fault_alloc 0\nthp_collapse_alloc 0\n";
}

std::string NetDev(int i) {
  return "Inter-|   Receive                                                |  Transmit\n"
         " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
         "errs drop fifo colls carrier compressed\n"
         "    lo:       0       0    0    0    0     0          0         0        0       0 "
         "   0    0    0     0       0          0\n"
         "  eth0: " +
         std::to_string(126368544 + i) +
         "    3592    0    0    0     0          0         0   125463    1681    0    0    0 "
         "    0       0          0\n";
}

std::string PidStat(int pid) {
  return std::to_string(pid) +
         " (sleep) S 1 1 1 0 -1 4194560 100 0 0 0 3 5 0 0 20 0 1 0 12345 1638400 200 "
         "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
}

void WriteContainer(const std::string& root, const std::string& cgroup_dir, int i) {
  const std::string d = cgroup_dir + "/";
  MakeDirs(cgroup_dir);
  const int pid0 = kFirstPid + i * kPidsPerContainer;
  std::string procs;
  for (int p = 0; p < kPidsPerContainer; ++p) procs += std::to_string(pid0 + p) + "\n";

  WriteText(d + "cpu.stat",
            "usage_usec " + std::to_string(78008000 + i) +
                "\nuser_usec 43952000\nsystem_usec 34056000\ncore_sched.force_idle_usec 0\n"
                "nice_usec 0\nnr_periods 1520\nnr_throttled 311\nthrottled_usec 15804213\n"
                "nr_bursts 0\nburst_usec 0\n");
  WriteText(d + "cpu.max", i % 2 ? "50000 100000\n" : "max 100000\n");
  WriteText(d + "cpu.weight", "100\n");
  WriteText(d + "memory.current", std::to_string(9539584 + 4096ull * i) + "\n");
  WriteText(d + "memory.max", i % 3 ? "max\n" : "268435456\n");
  WriteText(d + "memory.high", "max\n");
  WriteText(d + "memory.low", "0\n");
  WriteText(d + "memory.peak", "12582912\n");
  WriteText(d + "memory.stat", MemoryStatV2(i));
  WriteText(d + "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
  WriteText(d + "memory.swap.current", "0\n");
  WriteText(d + "memory.swap.max", "max\n");
  WriteText(d + "io.stat",
            "254:0 rbytes=1011712 wbytes=4096 rios=38 wios=1 dbytes=0 dios=0\n"
            "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
  WriteText(d + "pids.current", std::to_string(kPidsPerContainer) + "\n");
  WriteText(d + "pids.max", "max\n");
  WriteText(d + "cpu.pressure",
            "some avg10=0.12 avg60=0.05 avg300=0.01 total=123456\n"
            "full avg10=0.00 avg60=0.00 avg300=0.00 total=23456\n");
  WriteText(d + "memory.pressure",
            "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
            "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  WriteText(d + "io.pressure",
            "some avg10=0.00 avg60=0.00 avg300=0.00 total=1024\n"
            "full avg10=0.00 avg60=0.00 avg300=0.00 total=512\n");
  WriteText(d + "cgroup.procs", procs);
  WriteText(d + "cgroup.threads", procs);
  WriteText(d + "cgroup.controllers", "cpu io memory pids\n");

  for (int p = 0; p < kPidsPerContainer; ++p) {
    const std::string pd = root + "/proc/" + std::to_string(pid0 + p);
    MakeDirs(pd + "/net");
    MakeDirs(pd + "/ns");
    WriteText(pd + "/stat", PidStat(pid0 + p));
    WriteText(pd + "/net/dev", NetDev(i));
    fs::create_symlink("net:[" + std::to_string(4026532000ull + i) + "]", pd + "/ns/net");
  }
}

// A generated host tree, removed when the bench exits.
class SyntheticHost {
 public:
  explicit SyntheticHost(int containers) {
    const char* base = std::getenv("BERTH_BENCH_TMP");
    std::string templ = std::string(base ? base : "/dev/shm") + "/berth-bench.XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp " + templ);
    root_ = templ;
    const std::string r = root_;
    const std::string mountinfo =
        "21 26 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
        "22 26 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
        "26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
        "29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
        "cgroup2 rw,nsdelegate,memory_recursiveprot\n";
    for (const char* p : {"/proc/1", "/proc/self"}) {
      MakeDirs(r + p + "/ns");
      WriteText(r + p + "/mountinfo", mountinfo);
    }
    fs::create_symlink("net:[4026531840]", r + "/proc/1/ns/net");
    WriteText(r + "/proc/stat",
              "cpu  4388 0 3236 36502 395 0 158 0 0 0\ncpu0 1681 0 1244 19341 9 0 64 0 0 0\n"
              "cpu1 2707 0 1992 17161 385 0 94 0 0 0\nintr 156646 0 0 0 0 0 0 0 0 0\n"
              "ctxt 318412\nbtime 1795337408\nprocesses 4255\nprocs_running 1\n"
              "procs_blocked 0\nsoftirq 105441 0 9969 4 3005 42536 0 5 26714 0 23208\n");
    WriteText(r + "/proc/meminfo",
              "MemTotal:       24683620 kB\nMemFree:        23896472 kB\n"
              "MemAvailable:   24339164 kB\nBuffers:           22804 kB\n"
              "SwapTotal:             0 kB\nSwapFree:              0 kB\n");
    MakeDirs(r + "/proc/sys/kernel");
    WriteText(r + "/proc/sys/kernel/osrelease", "6.1.0-bench\n");
    WriteText(r + "/proc/sys/kernel/hostname", "bench-host\n");
    for (const char* dev : {"254:0", "8:0"}) {
      MakeDirs(r + "/sys/dev/block/" + dev);
      WriteText(r + "/sys/dev/block/" + dev + "/uevent",
                std::string("MAJOR=") + (dev[0] == '2' ? "254\nMINOR=0\nDEVNAME=vda\n"
                                                       : "8\nMINOR=0\nDEVNAME=sda\n"));
    }
    const std::string cg = r + "/sys/fs/cgroup";
    MakeDirs(cg);
    WriteText(cg + "/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
    WriteText(cg + "/cgroup.subtree_control", "cpuset cpu io memory pids\n");
    // Units that are not containers: the walk still visits them.
    for (const char* unit :
         {"init.scope", "system.slice/ssh.service", "system.slice/cron.service",
          "system.slice/docker.service", "system.slice/containerd.service",
          "system.slice/systemd-journald.service", "system.slice/dev-mqueue.mount",
          "user.slice/user-1000.slice/session-1.scope"}) {
      MakeDirs(cg + "/" + unit);
      WriteText(cg + "/" + unit + "/cgroup.procs", "1\n");
    }
    for (int i = 0; i < containers; ++i) {
      WriteContainer(r, cg + "/system.slice/docker-" + ContainerId(i) + ".scope", i);
    }
  }
  ~SyntheticHost() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  SyntheticHost(const SyntheticHost&) = delete;
  SyntheticHost& operator=(const SyntheticHost&) = delete;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// One tree per N, built on first use and kept for both keep_fds settings.
std::map<int, std::unique_ptr<SyntheticHost>>& Hosts() {
  static std::map<int, std::unique_ptr<SyntheticHost>> hosts;
  return hosts;
}

const SyntheticHost& HostWith(int n) {
  auto& slot = Hosts()[n];
  if (!slot) {
    Hosts().clear();  // only one tree at a time on tmpfs
    auto& fresh = Hosts()[n];
    fresh = std::make_unique<SyntheticHost>(n);
    return *fresh;
  }
  return *slot;
}

double ProcessCpuSeconds() {
  timespec ts;
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double WallSeconds() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long RssKb() {
  long pages_total = 0, pages_rss = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  int got = std::fscanf(f, "%ld %ld", &pages_total, &pages_rss);
  std::fclose(f);
  if (got != 2) return -1;
  return pages_rss * (::sysconf(_SC_PAGESIZE) / 1024);
}

long OpenFds() {
  long n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n - 1;  // the directory stream itself
}

// Checks that a collection saw every container with its figures, so the
// bench never times a collector that silently reads nothing. The process
// list is read on the first collection and then only now and then.
std::string Verify(Sampler& sampler, const Snapshot& snap, int n, bool expect_pids,
                   bool expect_psi) {
  if (snap.host.cgroup_mode != CgroupMode::kUnified) return "host not detected as cgroup v2";
  if (static_cast<int>(snap.containers.size()) != n) {
    return "found " + std::to_string(snap.containers.size()) + " containers, want " +
           std::to_string(n);
  }
  for (const ContainerStats& c : snap.containers) {
    if (!c.cpu.usage_ns || !c.memory.usage_bytes || !c.memory.stat.inactive_file ||
        !c.memory.events.oom_kill || c.block_devices.size() != 2 || !c.pids_current ||
        c.cpu_pressure.some.has_value() != expect_psi ||
        (expect_pids && sampler.Processes(c.identity.id).size() != kPidsPerContainer) ||
        c.network_mode != NetworkMode::kOwn || c.net_interfaces.size() != 2) {
      return "container " + c.identity.id + " is missing figures";
    }
  }
  if (!snap.errors.empty()) return "collection counted errors";
  return "";
}

void BM_Collect(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool keep_fds = state.range(1) != 0;
  const bool psi = state.range(2) != 0;
  const SyntheticHost& host = HostWith(n);

  SamplerOptions options;
  options.rootfs = host.root();
  options.keep_fds = keep_fds;
  options.pressure = psi;
  auto sampler = std::make_unique<Sampler>(options);

  const double cold_start = WallSeconds();
  SnapshotPtr snap = sampler->Collect();
  const double first_collect_s = WallSeconds() - cold_start;
  if (std::string why = Verify(*sampler, *snap, n, true, psi); !why.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  // Warm: every file opened once, start times probed, allocator pools grown.
  for (int i = 0; i < 3; ++i) snap = sampler->Collect();
  const long fds = OpenFds();
  const long rss_start_kb = RssKb();  // with one snapshot alive, as at the end
  snap.reset();

  int64_t collections = 0;
  const double cpu0 = ProcessCpuSeconds(), wall0 = WallSeconds();
  for (auto _ : state) {
    SnapshotPtr s = sampler->Collect();
    benchmark::DoNotOptimize(s.get());
    ++collections;
  }
  const double cpu_s = ProcessCpuSeconds() - cpu0, wall_s = WallSeconds() - wall0;
  // Memory must stay flat across collections: run at least
  // kMinCollectionsForRss in all before reading RSS again.
  for (int64_t i = collections; i < kMinCollectionsForRss; ++i) sampler->Collect();
  SnapshotPtr last = sampler->Collect();
  const long rss_end_kb = RssKb();
  if (std::string why = Verify(*sampler, *last, n, false, psi); !why.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }

  const double per = 1e6 / (static_cast<double>(collections) * n);
  state.counters["containers"] = n;
  state.counters["us_per_container"] = cpu_s * per;
  state.counters["wall_us_per_container"] = wall_s * per;
  state.counters["first_collect_ms"] = first_collect_s * 1e3;
  state.counters["open_fds"] = static_cast<double>(fds);
  state.counters["rss_start_kb"] = static_cast<double>(rss_start_kb);
  state.counters["rss_growth_kb"] = static_cast<double>(rss_end_kb - rss_start_kb);
  state.SetLabel(keep_fds ? "keep_fds" : "open_per_read");
}

BENCHMARK(BM_Collect)
    ->ArgNames({"containers", "keep_fds", "psi"})
    ->ArgsProduct({{100, 1000, 5000}, {1, 0}, {1}})
    ->Args({100, 1, 0})  // berth stats: no pressure files
    ->Args({1000, 1, 0})
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

// The real host (rootfs BERTH_BENCH_ROOTFS, e.g. "/" with Docker containers
// running; tests/bench/real_containers_bench.sh sets it up): CPU per
// collection divided by the containers found, discovery of every
// non-container cgroup included. Skipped without the variable.
// `pace`: the wait between collections. Back to back (0) measures the most
// collections; one a second is how `berth top` and 1 s scrapes run, with the
// containers' counters moving and the caches cooled in between.
// `recheck_each_time`: the 10 s re-check (process list, skipped files) is
// due on every collection, as for Prometheus scrapes 15 s apart.
void CollectHost(benchmark::State& state, std::chrono::milliseconds pace,
                 bool recheck_each_time = false) {
  const char* rootfs = std::getenv("BERTH_BENCH_ROOTFS");
  if (rootfs == nullptr || *rootfs == 0) {
    state.SkipWithError("BERTH_BENCH_ROOTFS not set: no real host to measure");
    return;
  }
  SamplerOptions options;
  options.rootfs = rootfs;
  options.pressure = state.range(0) != 0;
  if (recheck_each_time) options.limits_refresh = std::chrono::milliseconds(0);
  Sampler sampler(options);
  SnapshotPtr snap = sampler.Collect();
  for (int i = 0; i < 3; ++i) snap = sampler.Collect();
  const size_t n = snap->containers.size();
  if (n == 0) {
    state.SkipWithError("no containers found on the host");
    return;
  }
  snap.reset();
  int64_t collections = 0;
  double cpu_s = 0;
  for (auto _ : state) {
    if (pace.count() > 0) std::this_thread::sleep_for(pace);
    const double cpu0 = ProcessCpuSeconds();
    SnapshotPtr s = sampler.Collect();
    benchmark::DoNotOptimize(s.get());
    s.reset();
    cpu_s += ProcessCpuSeconds() - cpu0;
    ++collections;
  }
  state.counters["containers"] = static_cast<double>(n);
  state.counters["us_per_container"] = cpu_s * 1e6 / (static_cast<double>(collections) * n);
  state.counters["ms_per_collection"] = cpu_s * 1e3 / static_cast<double>(collections);
}

void BM_CollectHost(benchmark::State& state) { CollectHost(state, std::chrono::milliseconds(0)); }
void BM_CollectHostEverySecond(benchmark::State& state) {
  CollectHost(state, std::chrono::seconds(1), state.range(1) != 0);
}

BENCHMARK(BM_CollectHost)
    ->ArgNames({"psi"})
    ->Arg(1)
    ->Arg(0)
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK(BM_CollectHostEverySecond)
    ->ArgNames({"psi", "recheck_each"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond);

void RaiseNoFileLimit() {
  rlimit lim;
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    std::fprintf(stderr, "RLIMIT_NOFILE soft=%llu hard=%llu\n",
                 static_cast<unsigned long long>(lim.rlim_cur),
                 static_cast<unsigned long long>(lim.rlim_max));
  }
}

}  // namespace
}  // namespace berth::collector

int main(int argc, char** argv) {
  berth::collector::RaiseNoFileLimit();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  int status = 0;
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "collector_bench: %s\n", e.what());
    status = 1;
  }
  benchmark::Shutdown();
  berth::collector::Hosts().clear();  // remove the generated trees
  return status;
}
