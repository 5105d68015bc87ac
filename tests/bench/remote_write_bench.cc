// remote_write cost per collection over hand-built snapshots of 100 and
// 1,000 synthetic containers (every figure present, ~55 series each), CPU
// time per push (Google Benchmark's CPU column):
//   Encode/N           berth's hand encoder (the family walk included)
//   EncodeProtoc/N     the same walk into protoc's generated WriteRequest,
//                      then SerializeToString (what generated code costs)
//   Compress/N         snappy of the encoded request
//   Push/N             Encode + Compress: what each collection costs the ticker
// Counters: series, raw and compressed bytes per request.
// The queue and the HTTP POST are not included (one memcpy-free POST per
// receiver: libcurl's cost, measured by tests/e2e/27-remote-write.sh's log).
#include <snappy.h>

#include <benchmark/benchmark.h>

#include "exporter/remote_write_encoder.h"
#include "remote_write.pb.h"
#include "tests/exporter/snapshot_builder.h"

namespace {

using berth::exporter::EncodeWriteRequest;
using berth::exporter::FamilyOptions;
using berth::exporter::LabelPairs;

const LabelPairs kExternal = {{"host", "node-17"}};

void Encode(benchmark::State& state) {
  const auto snapshot = berth::testing::MakeSnapshot(state.range(0));
  std::string out;
  uint64_t series = 0;
  for (auto _ : state) {
    series = EncodeWriteRequest(*snapshot, {}, FamilyOptions{}, kExternal, out).series;
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["series"] = static_cast<double>(series);
  state.counters["raw_bytes"] = static_cast<double>(out.size());
}

void EncodeProtoc(benchmark::State& state) {
  const auto snapshot = berth::testing::MakeSnapshot(state.range(0));
  const int64_t timestamp = berth::exporter::TimestampMs(*snapshot);
  std::string out;
  for (auto _ : state) {
    prometheus::WriteRequest request;
    berth::exporter::VisitWriteSeries(
        *snapshot, {}, FamilyOptions{}, kExternal,
        [&](std::span<const berth::exporter::WriteLabel> labels, double value) {
          prometheus::TimeSeries* series = request.add_timeseries();
          for (const auto& [name, label_value] : labels) {
            prometheus::Label* label = series->add_labels();
            label->set_name(std::string(name));
            label->set_value(std::string(label_value));
          }
          prometheus::Sample* sample = series->add_samples();
          sample->set_value(value);
          sample->set_timestamp(timestamp);
        });
    request.SerializeToString(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["raw_bytes"] = static_cast<double>(out.size());
}

void Compress(benchmark::State& state) {
  const auto snapshot = berth::testing::MakeSnapshot(state.range(0));
  std::string raw, compressed;
  EncodeWriteRequest(*snapshot, {}, FamilyOptions{}, kExternal, raw);
  for (auto _ : state) {
    snappy::Compress(raw.data(), raw.size(), &compressed);
    benchmark::DoNotOptimize(compressed.data());
  }
  state.counters["compressed_bytes"] = static_cast<double>(compressed.size());
}

void Push(benchmark::State& state) {
  const auto snapshot = berth::testing::MakeSnapshot(state.range(0));
  std::string raw, compressed;
  for (auto _ : state) {
    EncodeWriteRequest(*snapshot, {}, FamilyOptions{}, kExternal, raw);
    snappy::Compress(raw.data(), raw.size(), &compressed);
    benchmark::DoNotOptimize(compressed.data());
  }
  state.counters["raw_bytes"] = static_cast<double>(raw.size());
  state.counters["compressed_bytes"] = static_cast<double>(compressed.size());
}

BENCHMARK(Encode)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(EncodeProtoc)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(Compress)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(Push)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
