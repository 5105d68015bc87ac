// `berth serve` scrape cost over hand-built snapshots of 100, 1,000 and 5,000
// synthetic containers (every figure present: ~45 series each):
//   render     RenderMetricsPage (direct text writer + self metrics), p50/p99
//   reference  prometheus-cpp: MetricFamily objects + TextSerializer, p50
//   gzip       level-1 compression of the body, p50
//   http       full GET /metrics through HttpServer on loopback (collection
//              from a source returning the prebuilt snapshot), plain and gzip,
//              p50/p99, and CPU per scrape (getrusage of the whole process)
// The real Sampler over a synthetic cgroup tree is measured by
// tests/bench/serve_bench.sh (collection included, RSS of the process).
// Usage: serve_bench [--with-disk] [sizes…]   (default 100 1000 5000)
//   --with-disk: every container also has a measured writable layer (the
//   container_fs_usage/limit/inodes families), to compare with and without.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include <httplib.h>
#include <prometheus/text_serializer.h>

#include "exporter/gzip.h"
#include "exporter/http_server.h"
#include "exporter/metrics_page.h"
#include "tests/exporter/snapshot_builder.h"

namespace {

using Clock = std::chrono::steady_clock;
using berth::exporter::FamilyOptions;

struct Stats {
  double p50_ms = 0, p99_ms = 0;
};

Stats Percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  s.p50_ms = ms[ms.size() / 2];
  s.p99_ms = ms[std::min(ms.size() - 1, (ms.size() * 99) / 100)];
  return s;
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Wall-clock percentiles; *cpu_p50_ms (if given) gets the p50 of this
// thread's CPU time, which a loaded machine disturbs far less.
template <typename F>
Stats Time(int iterations, F&& f, double* cpu_p50_ms = nullptr) {
  std::vector<double> ms, cpu;
  for (int i = 0; i < iterations; ++i) {
    const double cpu_start = ThreadCpuMs();
    const auto start = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    cpu.push_back(ThreadCpuMs() - cpu_start);
  }
  if (cpu_p50_ms) *cpu_p50_ms = Percentiles(cpu).p50_ms;
  return Percentiles(ms);
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

using berth::testing::PrebuiltSource;

bool with_disk = false;

void Run(size_t containers) {
  const auto snapshot = berth::testing::MakeSnapshot(containers);
  if (with_disk) {
    uint64_t seed = 0;
    for (auto& c : snapshot->containers) {
      berth::collector::FsUsage layer;
      layer.device = "/dev/nvme0n1p2";
      layer.usage_bytes = 52428800 + ++seed * 4099;
      layer.allocated_bytes = layer.usage_bytes + 4096;
      layer.inodes = 1000 + seed;
      layer.fs_size_bytes = 270553174016;
      layer.fs_inodes_free = 16000000 - seed;
      layer.age_seconds = 12.25 + static_cast<double>(seed % 50);
      c.writable_layer = layer;
    }
  }
  const FamilyOptions options;
  const int iterations = containers <= 100 ? 300 : containers <= 1000 ? 60 : 15;

  std::string body;
  double render_cpu = 0, reference_cpu = 0, gzip_cpu = 0;
  const Stats render = Time(
      iterations, [&] { body = berth::exporter::RenderMetricsPage(*snapshot, {}, options); },
      &render_cpu);
  size_t series = 0;
  for (char c : body) series += c == '\n';
  const Stats reference = Time(std::max(3, iterations / 10), [&] {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(
        out, berth::exporter::ContainerMetricFamilies(*snapshot, options));
  }, &reference_cpu);
  std::string compressed;
  const Stats gzip =
      Time(iterations, [&] { compressed = *berth::exporter::GzipCompress(body); }, &gzip_cpu);

  PrebuiltSource source(snapshot);
  berth::exporter::SharedCollection collection(source, std::chrono::milliseconds(0));
  berth::exporter::HttpHandlers handlers(collection, options, "/metrics");
  berth::exporter::BasicAuth auth({});
  berth::exporter::HttpServer server(handlers, auth, std::nullopt);
  std::string error;
  berth::exporter::ListenAddress address{"127.0.0.1", 0, "127.0.0.1:0"};
  if (!server.Bind(address, &error)) {
    std::fprintf(stderr, "bind: %s\n", error.c_str());
    std::exit(1);
  }
  server.Start(nullptr);
  const int port = std::stoi(server.bound()[0].substr(server.bound()[0].rfind(':') + 1));
  httplib::Client client("127.0.0.1", port);
  client.set_decompress(false);
  client.set_keep_alive(true);
  double cpu_start = CpuSeconds();
  const Stats http_plain = Time(iterations, [&] {
    auto r = client.Get("/metrics");
    if (!r || r->status != 200) std::exit(1);
  });
  const double cpu_plain_ms = (CpuSeconds() - cpu_start) * 1000 / iterations;
  cpu_start = CpuSeconds();
  const Stats http_gzip = Time(iterations, [&] {
    auto r = client.Get("/metrics", {{"Accept-Encoding", "gzip"}});
    if (!r || r->status != 200) std::exit(1);
  });
  const double cpu_gzip_ms = (CpuSeconds() - cpu_start) * 1000 / iterations;
  server.Stop();

  std::printf(
      "%5zu containers | %7zu lines | body %7.2f MB, gzip %6.2f MB\n"
      "   render         wall p50 %8.2f p99 %8.2f ms | cpu p50 %8.2f ms\n"
      "   prometheus-cpp wall p50 %8.2f          ms | cpu p50 %8.2f ms (families + TextSerializer)\n"
      "   gzip level 1   wall p50 %8.2f          ms | cpu p50 %8.2f ms\n"
      "   HTTP plain     wall p50 %8.2f p99 %8.2f ms | process cpu/scrape %7.2f ms (client included)\n"
      "   HTTP gzip      wall p50 %8.2f p99 %8.2f ms | process cpu/scrape %7.2f ms (client included)\n",
      containers, series, body.size() / 1e6, compressed.size() / 1e6, render.p50_ms,
      render.p99_ms, render_cpu, reference.p50_ms, reference_cpu, gzip.p50_ms, gzip_cpu,
      http_plain.p50_ms, http_plain.p99_ms, cpu_plain_ms, http_gzip.p50_ms, http_gzip.p99_ms,
      cpu_gzip_ms);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--with-disk") {
      with_disk = true;
      continue;
    }
    sizes.push_back(std::strtoul(argv[i], nullptr, 10));
  }
  if (sizes.empty()) sizes = {100, 1000, 5000};
  for (size_t n : sizes) Run(n);
  return 0;
}
