// History store figures (issue 18's targets: 100 containers every 5 s for a
// day in at most 100 MB, recording CPU under 0.5 % of a core, a seek to any
// moment of a day's store under 100 ms). Not a pass/fail test.
//
// Writes a real store on disk (a temp dir) of `--frames` samples of 100
// containers (default 17,280 = a day at 5 s) whose counters advance like
// busy ones (CPU, memory, IO, network and pressure change every sample, with
// noise), then prints: bytes per frame on disk, bytes per day extrapolated,
// CPU per frame appending (encode + zstd + write), that CPU as a share of
// one core at a 5 s interval, and the time of random seeks (open + Load).
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "history/store_reader.h"
#include "history/store_writer.h"
#include "tests/history/sample_snapshots.h"

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

// --read DIR: the figures of a store `berth record` wrote (a real run).
int ReadStore(const std::string& dir) {
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  auto reader = berth::history::StoreReader::Open(dir, &error);
  const double open_s = Seconds(std::chrono::steady_clock::now() - start);
  if (!reader || reader->size() == 0) {
    std::fprintf(stderr, "reader: %s (no frames)\n", error.c_str());
    return 1;
  }
  uint64_t bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) bytes += std::filesystem::file_size(e.path());
  size_t most = 0, failed = 0;
  double worst = 0;
  for (size_t i = 0; i < reader->size(); ++i) {
    const auto t = std::chrono::steady_clock::now();
    auto snap = reader->Load(i, &error);
    worst = std::max(worst, Seconds(std::chrono::steady_clock::now() - t));
    if (!snap) {
      ++failed;
      continue;
    }
    most = std::max(most, snap->containers.size());
  }
  const double per_frame = static_cast<double>(bytes) / static_cast<double>(reader->size());
  std::printf("%s: %zu frames (%zu unreadable), up to %zu containers a frame, %.0f bytes/frame "
              "on disk, a day at 5 s: %.1f MB; open %.1f ms, slowest frame load %.2f ms\n",
              dir.c_str(), reader->size(), failed, most, per_frame, per_frame * 17280 / 1e6,
              open_s * 1e3, worst * 1e3);
  for (const std::string& p : reader->problems()) std::printf("  problem: %s\n", p.c_str());
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--read") return ReadStore(argv[2]);
  int frames = 17280, containers = 100;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--frames") frames = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--containers") containers = std::atoi(argv[i + 1]);
  }
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "berth-history-bench-XXXXXX").string();
  const std::string dir = mkdtemp(tmpl.data());
  std::mt19937_64 rng(42);
  // Counters advance by a noisy amount each sample (the sample builder's
  // steps, plus per-container jitter): a busy host, not an idle one.
  std::vector<berth::collector::ContainerStats> base;
  for (int n = 0; n < containers; ++n) base.push_back(berth::history::testing::SampleContainer(n + 10, 0));
  berth::collector::Snapshot snap = berth::history::testing::SampleSnapshot(0, 0);
  std::sort(base.begin(), base.end(), [](auto& a, auto& b) { return a.identity.id < b.identity.id; });
  snap.containers = base;
  berth::history::StoreWriter writer({.dir = dir, .retention_bytes = 0});
  double append_cpu = 0;
  for (int f = 0; f < frames; ++f) {
    snap.wall_time += std::chrono::seconds(5);
    snap.monotonic_time += std::chrono::milliseconds(5000) + std::chrono::microseconds(rng() % 2000);
    *snap.host.cpu_total_ns += 10'000'000'000ull + rng() % 1000000;
    *snap.host.cpu_idle_ns += 8'000'000'000ull + rng() % 1000000;
    for (auto& c : snap.containers) {
      *c.cpu.usage_ns += 50'000'000 + rng() % 50'000'000;
      *c.cpu.user_ns += 30'000'000 + rng() % 30'000'000;
      *c.cpu.system_ns += 10'000'000 + rng() % 10'000'000;
      *c.cpu.nr_periods += 50;
      *c.memory.usage_bytes += (rng() % 64) * 4096 - 32 * 4096;
      *c.memory.stat.anon += (rng() % 16) * 4096 - 8 * 4096;
      *c.memory.stat.active_file += (rng() % 8) * 4096;
      *c.memory.stat.pgfault += rng() % 500;
      *c.block_devices[0].read_bytes += (rng() % 32) * 4096;
      *c.block_devices[0].write_bytes += (rng() % 64) * 4096;
      *c.block_devices[0].read_ios += rng() % 32;
      *c.block_devices[0].write_ios += rng() % 64;
      for (auto& i : c.net_interfaces) {
        if (i.name == "lo") continue;
        i.rx_bytes += rng() % 200000;
        i.tx_bytes += rng() % 100000;
        i.rx_packets += rng() % 200;
        i.tx_packets += rng() % 100;
      }
      c.cpu_pressure.some->total_usec += rng() % 20000;
      c.cpu_pressure.some->avg10 = static_cast<double>(rng() % 500) / 100;
      c.io_pressure.some->total_usec += rng() % 5000;
    }
    const double t0 = CpuSeconds();
    if (std::string e = writer.Append(snap); !e.empty()) {
      std::fprintf(stderr, "append: %s\n", e.c_str());
      return 1;
    }
    append_cpu += CpuSeconds() - t0;
  }
  const auto& s = writer.stats();
  uint64_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(dir)) on_disk += fs::file_size(e.path());
  const double per_frame = static_cast<double>(on_disk) / frames;
  std::printf("history store: %d frames of %d containers, %llu segments\n", frames, containers,
              static_cast<unsigned long long>(s.segments_opened));
  std::printf("  on disk (segments + index): %.0f bytes/frame (%.0f before zstd), %.1f MB total\n",
              per_frame, static_cast<double>(s.raw_bytes) / frames, on_disk / 1e6);
  std::printf("  a day at 5 s (17,280 frames): %.1f MB\n", per_frame * 17280 / 1e6);
  std::printf("  append CPU: %.3f ms/frame = %.4f %% of a core at one frame per 5 s\n",
              append_cpu * 1e3 / frames, append_cpu / frames / 5 * 100);
  // Seeks: a fresh open, then random moments (each decodes from its key frame).
  const auto open_start = std::chrono::steady_clock::now();
  std::string error;
  auto reader = berth::history::StoreReader::Open(dir, &error);
  const double open_s = Seconds(std::chrono::steady_clock::now() - open_start);
  if (!reader || reader->size() != static_cast<size_t>(frames)) {
    std::fprintf(stderr, "reader: %s\n", error.c_str());
    return 1;
  }
  double worst = 0, total = 0;
  const int seeks = 200;
  for (int i = 0; i < seeks; ++i) {
    const int64_t t = reader->wall_ns(0) + static_cast<int64_t>(rng() % (static_cast<uint64_t>(reader->wall_ns(reader->size() - 1) - reader->wall_ns(0)) + 1));
    const auto start = std::chrono::steady_clock::now();
    auto at = reader->FindAt(t);
    auto loaded = reader->Load(*at, &error);
    auto prev = *at > 0 ? reader->Load(*at - 1, &error) : loaded;  // for rates
    const double d = Seconds(std::chrono::steady_clock::now() - start);
    if (!loaded || !prev) {
      std::fprintf(stderr, "load: %s\n", error.c_str());
      return 1;
    }
    worst = std::max(worst, d);
    total += d;
  }
  std::printf("  open: %.1f ms; seek to a random moment (frame + the one before): "
              "mean %.1f ms, worst %.1f ms over %d seeks\n",
              open_s * 1e3, total / seeks * 1e3, worst * 1e3, seeks);
  fs::remove_all(dir);
  return 0;
}
