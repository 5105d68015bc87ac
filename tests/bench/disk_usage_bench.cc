// What a disk-usage walk costs (collector/disk_usage/): N container layers of
// F files each (1 KiB, 100 to a directory) are made in a temp directory on
// the disk (not tmpfs), then
//   1. every layer is walked back to back with TreeWalk, unthrottled (page
//      cache warm after the first round): CPU and wall time per layer and for
//      all N, entries examined per second;
//   2. the DiskUsageWalker (the background thread berth serve runs) with its
//      default budget measures all N: wall time for the round, CPU it used
//      and so its share of one core.
// Usage: disk_usage_bench [N] [F] [--no-budget-round]   (default 100 10000)
// Not a pass/fail test; prints figures.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "collector/disk_usage/disk_usage_walker.h"
#include "collector/disk_usage/tree_walk.h"

namespace {

using berth::collector::DiskUsageOptions;
using berth::collector::DiskUsageWalker;
using berth::collector::TreeWalk;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double CpuSeconds() {  // this process, user + system, every thread
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  int containers = 100, files = 10000;
  bool budget_round = true;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-budget-round") == 0) {
      budget_round = false;
    } else if (positional++ == 0) {
      containers = std::atoi(argv[i]);
    } else {
      files = std::atoi(argv[i]);
    }
  }
  if (containers <= 0 || files <= 0) {
    std::fprintf(stderr, "usage: disk_usage_bench [N] [F] [--no-budget-round]\n");
    return 2;
  }
  char tmpl[] = "/var/tmp/berth-disk-bench.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path root = tmpl;
  std::printf("making %d layers of %d files (1 KiB each, 100 a directory) under %s\n",
              containers, files, root.c_str());
  const std::string payload(1024, 'b');
  const auto made_start = Clock::now();
  for (int c = 0; c < containers; ++c) {
    for (int f = 0; f < files; ++f) {
      const fs::path dir = root / ("layer" + std::to_string(c)) / ("d" + std::to_string(f / 100));
      if (f % 100 == 0) fs::create_directories(dir);
      std::ofstream(dir / std::to_string(f)) << payload;
    }
  }
  std::printf("made in %.1f s\n", Seconds(Clock::now() - made_start));

  for (int round = 1; round <= 2; ++round) {
    uint64_t entries = 0, inodes = 0;
    const double cpu0 = CpuSeconds();
    const auto t0 = Clock::now();
    for (int c = 0; c < containers; ++c) {
      TreeWalk walk((root / ("layer" + std::to_string(c))).string());
      while (!walk.Step(1 << 20)) {
      }
      entries += walk.entries();
      inodes += walk.totals().inodes;
    }
    const double wall = Seconds(Clock::now() - t0);
    const double cpu = CpuSeconds() - cpu0;
    std::printf(
        "unthrottled round %d: %d layers, %llu inodes: wall %.2f s, CPU %.2f s "
        "(per layer %.1f ms CPU, %.1f ms wall), %.0f entries/s\n",
        round, containers, static_cast<unsigned long long>(inodes), wall, cpu,
        cpu * 1e3 / containers, wall * 1e3 / containers, static_cast<double>(entries) / wall);
  }

  if (budget_round) {
    DiskUsageOptions options;  // the defaults berth serve uses
    std::set<std::string> wanted;
    for (int c = 0; c < containers; ++c) wanted.insert((root / ("layer" + std::to_string(c))).string());
    const double cpu0 = CpuSeconds();
    const auto t0 = Clock::now();
    DiskUsageWalker walker(options);
    walker.Want(wanted);
    while (walker.walks() < static_cast<uint64_t>(containers)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double wall = Seconds(Clock::now() - t0);
    const double cpu = CpuSeconds() - cpu0;
    std::printf(
        "budgeted round (%zu entries/s, slices of %zu, nice 19, idle IO): %d layers in %.1f s "
        "wall, CPU %.2f s = %.1f %% of one core\n",
        options.entries_per_second, options.slice_entries, containers, wall, cpu,
        100.0 * cpu / wall);
  }
  fs::remove_all(root);
  return 0;
}
