// Cost of one `berth top` frame without the kernel reads: Rates + BuildRows +
// History + ArrangeRows (sort, optional grouping) + RenderListView at 200x60,
// for N hand-built containers. The Sampler's own cost is collector_bench's;
// the whole process at 1 s is measured by top_cpu_bench.sh.
//
//   build/release/tests/bench/top_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/top_history.h"
#include "cli/top_layout.h"
#include "cli/top_order.h"
#include "cli/top_rows.h"
#include "cli/top_state.h"
#include "collector/rates.h"

namespace berth::cli {
namespace {

collector::Snapshot MakeHost(int n, int step) {
  collector::Snapshot s;
  s.monotonic_time = std::chrono::steady_clock::time_point(std::chrono::seconds(1000 + step));
  s.wall_time = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000 + step));
  s.host.cgroup_mode = collector::CgroupMode::kUnified;
  s.host.online_cpus = 8;
  s.host.cpu_total_ns = 1'000'000'000'000ull + step * 8'000'000'000ull;
  s.host.cpu_idle_ns = 500'000'000'000ull + step * 4'000'000'000ull;
  s.host.mem_total_bytes = 32ull << 30;
  s.host.mem_available_bytes = 20ull << 30;
  for (int i = 0; i < n; ++i) {
    collector::ContainerStats c;
    char id[65];
    std::snprintf(id, sizeof id, "%064x", i + 1);
    c.identity.id = id;
    c.identity.name = "service-" + std::to_string(i);
    c.identity.image = "registry.example/app:" + std::to_string(i % 7);
    if (i % 4 != 0) c.identity.labels["com.docker.compose.project"] = "proj" + std::to_string(i % 9);
    c.identity.start_time_seconds = 1'600'000'000.0 + i;
    c.cpu.usage_ns = 1'000'000'000ull + step * 10'000'000ull * (i % 50);
    c.cpu.nr_periods = 100 + step * 10;
    c.cpu.nr_throttled = step * (i % 3);
    c.memory.usage_bytes = (64ull + i) << 20;
    c.memory.limit_bytes = 1ull << 30;
    c.memory.stat.inactive_file = 1 << 20;
    c.memory.events.oom_kill = i % 17 == 0 ? 1 : 0;
    c.pids_current = 1 + i % 20;
    c.network_mode = collector::NetworkMode::kOwn;
    c.net_interfaces.push_back({.name = "eth0", .rx_bytes = step * 1000ull * i,
                                .tx_bytes = step * 500ull * i});
    c.block_devices.push_back({.major = 8, .minor = 0, .name = "sda",
                               .read_bytes = step * 4096ull * (i % 5),
                               .write_bytes = step * 8192ull * (i % 3),
                               .read_ios = step, .write_ios = step});
    s.containers.push_back(std::move(c));
  }
  return s;
}

void BM_TopFrame(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool group = state.range(1) != 0;
  const collector::Snapshot prev = MakeHost(n, 0), cur = MakeHost(n, 1);
  History history;
  TopState top;
  top.group = group;
  for (auto _ : state) {
    std::vector<TopRow> rows = BuildRows(cur, collector::Rates(&prev, cur));
    history.Add(rows);
    HostSummary host = BuildHostSummary(&prev, cur);
    std::vector<TopRow> shown =
        ArrangeRows(rows, top.sort, top.descending, top.filter, top.group, top.collapsed);
    Reconcile(top, shown, ListPageRows(60), nullptr);
    std::vector<ScreenLine> lines = RenderListView(host, shown, top, 200, 60);
    benchmark::DoNotOptimize(lines);
  }
  state.SetLabel(group ? "grouped" : "flat");
}
BENCHMARK(BM_TopFrame)->Args({200, 0})->Args({200, 1})->Args({1000, 0})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace berth::cli

BENCHMARK_MAIN();
