#include "exporter/metrics_page.h"

#include <sstream>

#include <prometheus/text_serializer.h>

#include "exporter/self_metrics.h"

namespace berth::exporter {
namespace {

void AppendSerialized(const std::vector<prometheus::MetricFamily>& families, std::string& out) {
  if (families.empty()) return;
  std::ostringstream stream;
  prometheus::TextSerializer().Serialize(stream, families);
  out.append(stream.str());
}

}  // namespace

std::string RenderMetricsPage(const collector::Snapshot& snapshot,
                              const collector::ErrorCounts& error_totals,
                              const FamilyOptions& options) {
  std::string out;
  out.reserve(16384);  // AppendContainerFamilies reserves for the containers
  AppendSerialized(BerthFamilies(snapshot, error_totals), out);
  AppendContainerFamilies(snapshot, options, out);
  if (!Contains(options.disabled, Group::kMachine)) {
    AppendSerialized(MachineFamilies(snapshot.host), out);
  }
  if (!Contains(options.disabled, Group::kProcess)) {
    AppendSerialized(ProcessCollector().Collect(), out);
  }
  return out;
}

}  // namespace berth::exporter
