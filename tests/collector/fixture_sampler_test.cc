// The Sampler over every fixture tree (tests/fixtures/<name>, see its README):
// the discovered set and every figure. Each snapshot is compared with a golden
// dump (tests/collector/golden/<name>.txt; BERTH_UPDATE_GOLDEN=1 rewrites
// them), and the figures that carry the collector's semantics are asserted
// explicitly below.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "collector/host_reader.h"
#include "collector/sampler.h"
#include "tests/collector/snapshot_dump.h"

namespace berth::collector {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kWeb = "3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d";
constexpr const char* kHostNet = "9a8b7c6d5e4f30211f2e3d4c5b6a79881726354453627180a9b8c7d6e5f40312";
constexpr const char* kDb = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
constexpr const char* kCi = "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2";
constexpr const char* kPause = "5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e5a0e";
constexpr const char* kApi = "a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1a9f1";
constexpr const char* kWorker = "b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2b7e2";
constexpr const char* kBatch = "e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3e4c3";
constexpr const char* kPodman = "7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c7d3c";
constexpr const char* kRootless = "6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a6b5a";
constexpr const char* kCrio = "1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d1c2d";
constexpr const char* kV1Web = "2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a2b1a";
constexpr const char* kV1Idle = "4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c4d3c";
constexpr const char* kBroken = "8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e8f8e";
constexpr const char* kEmpty = "eeee0000eeee0000eeee0000eeee0000eeee0000eeee0000eeee0000eeee0000";

constexpr double kBtime = 1795337408;

SamplerOptions FixtureOptions(const std::string& name, bool keep_fds = true) {
  SamplerOptions options;
  options.rootfs = std::string(BERTH_FIXTURES_DIR) + "/" + name;
  options.keep_fds = keep_fds;
  return options;
}

SnapshotPtr CollectFixture(const std::string& name, bool keep_fds = true) {
  Sampler sampler(FixtureOptions(name, keep_fds));
  return sampler.Collect();
}

// The processes of container `id` after a collection (Sampler::Processes:
// they are not in the Snapshot).
std::vector<int> FixtureProcesses(const std::string& name, const std::string& id) {
  Sampler sampler(FixtureOptions(name));
  sampler.Collect();
  return sampler.Processes(id);
}

std::vector<std::string> Ids(const Snapshot& s) {
  std::vector<std::string> ids;
  for (const auto& c : s.containers) ids.push_back(c.identity.id);
  return ids;
}

const ContainerStats& Get(const Snapshot& s, const std::string& id) {
  const ContainerStats* c = s.Find(id);
  if (c == nullptr) {
    ADD_FAILURE() << "missing container " << id;
    static const ContainerStats kNone;
    return kNone;
  }
  return *c;
}

double StartTime(double ticks) { return kBtime + ticks / static_cast<double>(UserHz()); }

// Golden comparison of the full dump.
void ExpectGolden(const std::string& name, const Snapshot& s, Sampler& sampler) {
  const std::string path = std::string(BERTH_TESTS_DIR) + "/collector/golden/" + name + ".txt";
  const std::string dump =
      testing::DumpSnapshot(s, [&](const std::string& id) { return sampler.Processes(id); });
  const char* update = std::getenv("BERTH_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << dump;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "no golden file " << path << " (run with BERTH_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(dump, want.str()) << "golden " << path;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, EveryFigureMatchesTheGoldenDump) {
  Sampler sampler(FixtureOptions(GetParam()));
  SnapshotPtr s = sampler.Collect();
  ExpectGolden(GetParam(), *s, sampler);
}

TEST_P(GoldenTest, OpenPerReadGivesTheSameFigures) {
  SnapshotPtr kept = CollectFixture(GetParam(), true);
  SnapshotPtr open_each = CollectFixture(GetParam(), false);
  EXPECT_EQ(testing::DumpSnapshot(*kept), testing::DumpSnapshot(*open_each));
}

TEST_P(GoldenTest, SecondCollectionRereadsTheSameFigures) {
  SamplerOptions options;
  options.rootfs = std::string(BERTH_FIXTURES_DIR) + "/" + GetParam();
  options.limits_refresh = std::chrono::milliseconds(0);  // same errors each time
  options.watched_refresh = std::chrono::milliseconds(0);
  Sampler sampler(options);
  SnapshotPtr first = sampler.Collect();
  SnapshotPtr second = sampler.Collect();
  // Error counts are per collection, and the namespace reads (with their
  // errors) happen once per process list, so only the figures must agree.
  const auto without_errors = [](const Snapshot& s) {
    std::string out;
    std::istringstream in(testing::DumpSnapshot(s));
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("errors.", 0) != 0) out += line + "\n";
    }
    return out;
  };
  EXPECT_EQ(without_errors(*first), without_errors(*second));
  for (const auto& [source, count] : second->errors) EXPECT_LE(count, first->errors.at(source));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTest,
                         ::testing::Values("v2-docker-systemd", "v2-docker-cgroupfs",
                                           "v2-kubernetes", "v2-podman", "v2-other-runtimes",
                                           "v1-docker", "hybrid", "broken"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

TEST(FixtureSamplerTest, HostFactsFromProc) {
  SnapshotPtr s = CollectFixture("v2-docker-systemd");
  const HostFacts& h = s->host;
  EXPECT_EQ(h.cgroup_mode, CgroupMode::kUnified);
  EXPECT_EQ(h.online_cpus, 2u);
  const uint64_t tick_ns = 1000000000 / UserHz();
  EXPECT_EQ(h.cpu_total_ns, (58990u + 429 + 28591 + 56332 + 999 + 0 + 371) * tick_ns);
  EXPECT_EQ(h.cpu_idle_ns, (56332u + 999) * tick_ns);
  EXPECT_EQ(h.mem_total_bytes, 24683620ull * 1024);
  EXPECT_EQ(h.mem_available_bytes, 22925408ull * 1024);
  EXPECT_EQ(h.boot_time_seconds, kBtime);
  EXPECT_EQ(h.kernel_release, "6.1.0-28-amd64");
  EXPECT_EQ(h.hostname, "fixture-host");
  EXPECT_THAT(s->errors, IsEmpty());
}

TEST(FixtureSamplerTest, V2DockerSystemdDriver) {
  SnapshotPtr s = CollectFixture("v2-docker-systemd");
  // Not the nested 64-hex sub-cgroup of web, not the overlay .mount unit.
  EXPECT_THAT(Ids(*s), ElementsAre(kWeb, kHostNet));
  const ContainerStats& web = Get(*s, kWeb);
  EXPECT_EQ(web.identity.runtime, Runtime::kDocker);
  EXPECT_EQ(web.identity.name, "3f4e8a1b2c7d");
  EXPECT_EQ(web.identity.cgroup_path, std::string("/system.slice/docker-") + kWeb + ".scope");
  EXPECT_EQ(web.identity.start_time_seconds, StartTime(120000));
  EXPECT_EQ(web.cpu.usage_ns, 1234567000u);
  EXPECT_EQ(web.cpu.user_ns, 1000000000u);
  EXPECT_EQ(web.cpu.system_ns, 234567000u);
  EXPECT_EQ(web.cpu.nr_periods, 500u);
  EXPECT_EQ(web.cpu.nr_throttled, 20u);
  EXPECT_EQ(web.cpu.throttled_ns, 123456000u);
  EXPECT_EQ(web.cpu_limits.quota_us, 50000u);
  EXPECT_EQ(web.cpu_limits.period_us, 100000u);
  EXPECT_EQ(web.cpu_limits.weight, 39u);
  EXPECT_EQ(web.cpu_limits.shares, 998u);  // runc's 1024 -> 39, back to 998
  EXPECT_EQ(web.memory.usage_bytes, 67108864u);
  EXPECT_EQ(web.memory.limit_bytes, 268435456u);
  EXPECT_EQ(web.memory.high_bytes, 201326592u);
  EXPECT_EQ(web.memory.reservation_bytes, 16777216u);
  EXPECT_EQ(web.memory.peak_bytes, 83886080u);
  EXPECT_EQ(web.memory.swap_bytes, 1048576u);
  EXPECT_EQ(web.memory.swap_limit_bytes, 536870912u);
  EXPECT_FALSE(web.memory.failcnt.has_value());
  EXPECT_EQ(web.memory.stat.anon, 10485760u);
  EXPECT_EQ(web.memory.stat.inactive_file, 41943040u);
  EXPECT_EQ(web.memory.events.max, 7u);
  EXPECT_EQ(web.memory.events.oom_kill, 1u);
  ASSERT_EQ(web.block_devices.size(), 2u);
  EXPECT_EQ(web.block_devices[0].name, "sda");  // 8:0 sorts before 254:0
  EXPECT_EQ(web.block_devices[0].write_bytes, 2097152u);
  EXPECT_EQ(web.block_devices[1].name, "vda");
  EXPECT_EQ(web.block_devices[1].read_bytes, 1052672u);
  EXPECT_EQ(web.block_devices[1].read_ios, 35u);
  EXPECT_EQ(web.pids_current, 4u);
  EXPECT_EQ(web.pids_max, 100u);
  EXPECT_EQ(web.threads, 4u);
  EXPECT_THAT(FixtureProcesses("v2-docker-systemd", kWeb), ElementsAre(4123, 4150));
  ASSERT_TRUE(web.cpu_pressure.some.has_value());
  EXPECT_EQ(web.cpu_pressure.some->total_usec, 123456u);
  EXPECT_DOUBLE_EQ(web.cpu_pressure.some->avg10, 1.5);
  EXPECT_EQ(web.cpu_pressure.full->total_usec, 789u);
  EXPECT_EQ(web.io_pressure.full->total_usec, 1500u);
  EXPECT_EQ(web.network_mode, NetworkMode::kOwn);
  ASSERT_EQ(web.net_interfaces.size(), 2u);
  EXPECT_EQ(web.net_interfaces[0].name, "eth0");
  EXPECT_EQ(web.net_interfaces[0].rx_bytes, 1500000u);
  EXPECT_EQ(web.net_interfaces[0].tx_dropped, 1u);

  const ContainerStats& host = Get(*s, kHostNet);
  EXPECT_EQ(host.network_mode, NetworkMode::kHost);
  EXPECT_THAT(host.net_interfaces, IsEmpty());  // the host's traffic is not its own
  EXPECT_EQ(host.memory.limit_bytes, kUnlimited);
  EXPECT_EQ(host.cpu_limits.quota_us, kUnlimited);
  EXPECT_EQ(host.pids_max, kUnlimited);
  EXPECT_FALSE(host.memory.peak_bytes.has_value());  // no memory.peak on this kernel
  EXPECT_THAT(host.block_devices, IsEmpty());        // empty io.stat
  EXPECT_THAT(s->errors, IsEmpty());
}

TEST(FixtureSamplerTest, V2DockerCgroupfsDriverAndCgroupParent) {
  SnapshotPtr s = CollectFixture("v2-docker-cgroupfs");
  EXPECT_THAT(Ids(*s), ElementsAre(kDb, kCi));
  const ContainerStats& db = Get(*s, kDb);
  EXPECT_EQ(db.identity.runtime, Runtime::kDocker);
  EXPECT_EQ(db.identity.cgroup_path, std::string("/docker/") + kDb);
  EXPECT_EQ(db.cpu.usage_ns, 98765000000u);
  EXPECT_EQ(db.memory.limit_bytes, 1073741824u);
  EXPECT_EQ(db.block_devices.at(0).write_bytes, 1073741824u);
  EXPECT_THAT(FixtureProcesses("v2-docker-cgroupfs", kDb), ElementsAre(6100, 6101));
  EXPECT_EQ(db.identity.start_time_seconds, StartTime(80000));  // the earliest process
  const ContainerStats& ci = Get(*s, kCi);
  EXPECT_EQ(ci.identity.cgroup_path, std::string("/ci-jobs/") + kCi);
  EXPECT_EQ(ci.cpu_limits.quota_us, 200000u);
  EXPECT_EQ(ci.pids_max, 512u);
  ASSERT_EQ(ci.net_interfaces.size(), 2u);
  EXPECT_EQ(ci.net_interfaces[0].name, "eth0");  // sorted by name
  EXPECT_EQ(ci.net_interfaces[1].name, "lo");
}

TEST(FixtureSamplerTest, V2KubernetesQosLayouts) {
  SnapshotPtr s = CollectFixture("v2-kubernetes");
  EXPECT_THAT(Ids(*s), ElementsAre(kPause, kApi, kWorker, kBatch));
  for (const auto& c : s->containers) EXPECT_EQ(c.identity.runtime, Runtime::kContainerd);
  EXPECT_EQ(Get(*s, kPause).identity.pod_uid, "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  EXPECT_EQ(Get(*s, kPause).identity.qos_class, "guaranteed");
  EXPECT_EQ(Get(*s, kApi).identity.qos_class, "guaranteed");
  EXPECT_EQ(Get(*s, kApi).memory.limit_bytes, 268435456u);
  EXPECT_EQ(Get(*s, kApi).cpu_limits.shares, 1024u);  // weight 40
  EXPECT_EQ(Get(*s, kWorker).identity.pod_uid, "11112222-3333-4444-5555-666677778888");
  EXPECT_EQ(Get(*s, kWorker).identity.qos_class, "burstable");
  EXPECT_EQ(Get(*s, kBatch).identity.pod_uid, "99998888-7777-6666-5555-444433332222");
  EXPECT_EQ(Get(*s, kBatch).identity.qos_class, "besteffort");
  EXPECT_EQ(Get(*s, kBatch).memory.usage_bytes, 8388608u);
}

TEST(FixtureSamplerTest, V2PodmanRootfulAndRootless) {
  SnapshotPtr s = CollectFixture("v2-podman");
  EXPECT_THAT(Ids(*s), ElementsAre(kRootless, kPodman));  // conmon scopes skipped
  const ContainerStats& rootful = Get(*s, kPodman);
  EXPECT_EQ(rootful.identity.runtime, Runtime::kPodman);
  EXPECT_EQ(rootful.identity.cgroup_path, std::string("/machine.slice/libpod-") + kPodman + ".scope");
  const ContainerStats& rootless = Get(*s, kRootless);
  EXPECT_EQ(rootless.identity.runtime, Runtime::kPodman);
  // The processes live in ".../container": found through the sub-cgroup.
  EXPECT_THAT(FixtureProcesses("v2-podman", kRootless), ElementsAre(9200, 9201));
  EXPECT_EQ(rootless.threads, 3u);
  EXPECT_EQ(rootless.network_mode, NetworkMode::kOwn);
  ASSERT_EQ(rootless.net_interfaces.size(), 2u);
  EXPECT_EQ(rootless.net_interfaces[1].name, "tap0");
  EXPECT_EQ(rootless.memory.usage_bytes, 6291456u);
}

TEST(FixtureSamplerTest, V2CrioLxcNspawn) {
  SnapshotPtr s = CollectFixture("v2-other-runtimes");
  EXPECT_THAT(Ids(*s), ElementsAre(kCrio, "lxc.payload.web01", "machine-debian\\x2d12.scope"));
  EXPECT_EQ(Get(*s, kCrio).identity.runtime, Runtime::kCrio);
  EXPECT_EQ(Get(*s, kCrio).identity.name, "1c2d1c2d1c2d");
  const ContainerStats& lxc = Get(*s, "lxc.payload.web01");
  EXPECT_EQ(lxc.identity.runtime, Runtime::kLxc);
  EXPECT_EQ(lxc.identity.name, "web01");
  const ContainerStats& nspawn = Get(*s, "machine-debian\\x2d12.scope");
  EXPECT_EQ(nspawn.identity.runtime, Runtime::kNspawn);
  EXPECT_EQ(nspawn.identity.name, "debian-12");
  EXPECT_EQ(nspawn.memory.usage_bytes, 16384u);
  // No process: network unknown, no start time.
  EXPECT_EQ(nspawn.network_mode, NetworkMode::kUnknown);
  EXPECT_FALSE(nspawn.identity.start_time_seconds.has_value());
}

TEST(FixtureSamplerTest, V1Docker) {
  SnapshotPtr s = CollectFixture("v1-docker");
  EXPECT_EQ(s->host.cgroup_mode, CgroupMode::kLegacy);
  EXPECT_THAT(Ids(*s), ElementsAre(kV1Web, kV1Idle));
  const ContainerStats& web = Get(*s, kV1Web);
  const uint64_t tick_ns = 1000000000 / UserHz();
  EXPECT_EQ(web.identity.cgroup_path, std::string("/docker/") + kV1Web);
  EXPECT_EQ(web.cpu.usage_ns, 45678901234u);
  EXPECT_EQ(web.cpu.user_ns, 3000 * tick_ns);
  EXPECT_EQ(web.cpu.system_ns, 1200 * tick_ns);
  EXPECT_EQ(web.cpu.nr_periods, 1200u);
  EXPECT_EQ(web.cpu.nr_throttled, 45u);
  EXPECT_EQ(web.cpu.throttled_ns, 987654321u);
  EXPECT_EQ(web.cpu_limits.quota_us, 150000u);
  EXPECT_EQ(web.cpu_limits.period_us, 100000u);
  EXPECT_EQ(web.cpu_limits.shares, 512u);
  EXPECT_FALSE(web.cpu_limits.weight.has_value());
  EXPECT_EQ(web.memory.usage_bytes, 157286400u);
  EXPECT_EQ(web.memory.limit_bytes, 536870912u);
  EXPECT_EQ(web.memory.peak_bytes, 209715200u);
  EXPECT_EQ(web.memory.reservation_bytes, 268435456u);
  EXPECT_EQ(web.memory.failcnt, 3u);
  EXPECT_EQ(web.memory.events.max, 3u);
  EXPECT_EQ(web.memory.events.oom_kill, 2u);
  EXPECT_EQ(web.memory.swap_bytes, 167772160u - 157286400u);
  EXPECT_EQ(web.memory.swap_limit_bytes, 1073741824u);
  EXPECT_EQ(web.memory.stat.anon, 52428800u);  // total_rss, not rss
  EXPECT_EQ(web.memory.stat.file, 94371840u);
  EXPECT_EQ(web.memory.stat.inactive_file, 62914560u);
  ASSERT_EQ(web.block_devices.size(), 2u);
  EXPECT_EQ(web.block_devices[0].name, "sda");
  EXPECT_EQ(web.block_devices[0].read_bytes, 0u);
  EXPECT_EQ(web.block_devices[0].write_bytes, 65536u);
  EXPECT_EQ(web.block_devices[0].write_ios, 4u);
  EXPECT_EQ(web.block_devices[1].name, "vda");
  EXPECT_EQ(web.block_devices[1].read_bytes, 4194304u);
  EXPECT_EQ(web.block_devices[1].read_ios, 100u);
  EXPECT_EQ(web.pids_current, 3u);
  EXPECT_EQ(web.pids_max, 256u);
  EXPECT_EQ(web.threads, 3u);
  EXPECT_FALSE(web.cpu_pressure.some.has_value());  // no v2 mount on v1
  EXPECT_EQ(web.network_mode, NetworkMode::kOwn);

  const ContainerStats& idle = Get(*s, kV1Idle);
  EXPECT_EQ(idle.cpu_limits.quota_us, kUnlimited);            // -1
  EXPECT_EQ(idle.memory.limit_bytes, kUnlimited);             // 9223372036854771712
  EXPECT_EQ(idle.memory.reservation_bytes, kUnlimited);
  EXPECT_FALSE(idle.memory.swap_bytes.has_value());           // no memsw files
  EXPECT_THAT(idle.block_devices, IsEmpty());                  // non-recursive, "Total 0"
  EXPECT_EQ(idle.pids_max, kUnlimited);
  EXPECT_THAT(s->errors, IsEmpty());
}

TEST(FixtureSamplerTest, HybridLikeThisMachine) {
  SnapshotPtr s = CollectFixture("hybrid");
  EXPECT_EQ(s->host.cgroup_mode, CgroupMode::kHybrid);
  EXPECT_THAT(Ids(*s), ElementsAre(kV1Web, kV1Idle));
  const ContainerStats& web = Get(*s, kV1Web);
  // cpu at the root, memory under /process_api/<hash>: both read.
  EXPECT_EQ(web.identity.cgroup_path, std::string("/berth-e2e/") + kV1Web);
  // CPU from the v2 mount's cpu.stat: cpuacct.usage to the microsecond, and
  // user/system in microseconds (cpuacct.stat's ticks are 3000/1200).
  EXPECT_EQ(web.cpu.usage_ns, 45678901000u);
  EXPECT_EQ(web.cpu.user_ns, 30123456000u);
  EXPECT_EQ(web.cpu.system_ns, 15555445000u);
  EXPECT_EQ(web.cpu.nr_periods, 1200u);  // throttling: still v1's cpu.stat
  EXPECT_EQ(web.memory.usage_bytes, 157286400u);
  EXPECT_EQ(web.memory.limit_bytes, 536870912u);
  EXPECT_FALSE(web.memory.swap_bytes.has_value());
  EXPECT_THAT(web.block_devices, IsEmpty());
  // PSI from the controller-less v2 mount.
  ASSERT_TRUE(web.cpu_pressure.some.has_value());
  EXPECT_EQ(web.cpu_pressure.some->total_usec, 55555u);
  EXPECT_EQ(web.memory_pressure.full->total_usec, 33333u);
  EXPECT_EQ(web.io_pressure.some->total_usec, 77777u);
  const ContainerStats& idle = Get(*s, kV1Idle);
  EXPECT_FALSE(idle.cpu_pressure.some.has_value());  // not in the v2 mount
  EXPECT_EQ(idle.cpu.usage_ns, 1234u);                // so cpuacct.usage
  EXPECT_EQ(idle.network_mode, NetworkMode::kHost);
  EXPECT_THAT(idle.net_interfaces, IsEmpty());
  EXPECT_EQ(s->host.hostname, "hybrid-host");
}

TEST(FixtureSamplerTest, BrokenTreeLeavesFieldsAbsentAndCountsErrors) {
  SamplerOptions options;
  options.rootfs = std::string(BERTH_FIXTURES_DIR) + "/broken";
  options.limits_refresh = std::chrono::milliseconds(0);  // cpu.max re-read each time
  options.watched_refresh = std::chrono::milliseconds(0);
  Sampler sampler(options);
  SnapshotPtr s = sampler.Collect();
  EXPECT_THAT(Ids(*s), ElementsAre(kBroken, kEmpty));
  const ContainerStats& b = Get(*s, kBroken);
  EXPECT_FALSE(b.memory.usage_bytes.has_value());      // "abc"
  EXPECT_FALSE(b.memory.stat.anon.has_value());        // a non-numeric line
  EXPECT_FALSE(b.cpu.usage_ns.has_value());            // empty cpu.stat
  EXPECT_FALSE(b.cpu_limits.quota_us.has_value());     // truncated cpu.max
  EXPECT_THAT(b.block_devices, IsEmpty());             // truncated io.stat
  EXPECT_FALSE(b.memory.limit_bytes.has_value());      // missing memory.max
  EXPECT_FALSE(b.cpu_pressure.some.has_value());       // truncated
  EXPECT_FALSE(b.io_pressure.some.has_value());        // missing
  EXPECT_TRUE(b.memory_pressure.some.has_value());
  EXPECT_EQ(b.memory.events.max, 1u);                  // no oom_group_kill line: fine
  EXPECT_EQ(b.pids_max, kUnlimited);
  EXPECT_EQ(b.network_mode, NetworkMode::kUnknown);    // malformed net/dev
  const ContainerStats& e = Get(*s, kEmpty);
  EXPECT_FALSE(e.cpu.usage_ns.has_value());
  EXPECT_FALSE(e.memory.usage_bytes.has_value());
  EXPECT_FALSE(e.pids_current.has_value());
  EXPECT_THAT(sampler.Processes(kEmpty), IsEmpty());
  EXPECT_EQ(e.network_mode, NetworkMode::kUnknown);
  EXPECT_FALSE(s->host.mem_total_bytes.has_value());
  // memory.stat, memory.current, cpu.stat, io.stat, cpu.max, cpu.pressure;
  // net/dev and meminfo, and (first collection only) the namespace reads of
  // pid 4400: a garbage pid link, an ipc link naming a net namespace, a
  // two-field uid_map. Missing files are not errors.
  EXPECT_EQ(s->errors.at("cgroup"), 6u);
  EXPECT_EQ(s->errors.at("proc"), 5u);
  SnapshotPtr again = sampler.Collect();
  // Per collection: the namespaces are read again only when the process list
  // changes, so their three errors are not counted again.
  EXPECT_EQ(again->errors.at("cgroup"), 6u);
  EXPECT_EQ(again->errors.at("proc"), 2u);
  EXPECT_EQ(sampler.error_totals().at("cgroup"), 12u);
}

}  // namespace
}  // namespace berth::collector
