// Prometheus text exposition (format 0.0.4) primitives, byte-compatible with
// prometheus-cpp 1.0's TextSerializer, so families written straight into a
// buffer read exactly like the ones serialised through prometheus-cpp:
//   - label values escape \ " and newline (as \\ \" \n), and each ill-formed
//     UTF-8 part becomes U+FFFD (collector/utf8_text.h), so a raw byte in a
//     cgroup or interface name cannot make Prometheus refuse the page;
//   - HELP text is written as given (no escaping, like TextSerializer);
//   - sample values print like printf("%.16g") in the C locale, with "Nan",
//     "+Inf" and "-Inf" for the special values; no timestamps.
// tests/exporter/text_equivalence_test.cc proves the byte identity.
//
// Pure functions appending to a caller-owned std::string; thread-safe.
#ifndef BERTH_EXPORTER_PROM_TEXT_H_
#define BERTH_EXPORTER_PROM_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <prometheus/metric_type.h>

namespace berth::exporter {

// Appends `value` with \, " and newline escaped and ill-formed UTF-8 replaced.
void AppendEscapedLabelValue(std::string& out, std::string_view value);

// Appends `name="<escaped value>"`.
void AppendLabel(std::string& out, std::string_view name, std::string_view value);

// Appends a sample value the way TextSerializer prints a double.
void AppendSampleValue(std::string& out, double value);
// Same for an integer counter/gauge: TextSerializer sees it as a double, so
// values above 2^53 round exactly as they would there.
void AppendSampleValue(std::string& out, uint64_t value);

// "counter", "gauge", "summary", "untyped", "histogram".
const char* MetricTypeName(prometheus::MetricType type);

// Appends "# HELP <name> <help>\n" (only when help is non-empty) and
// "# TYPE <name> <type>\n".
void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        prometheus::MetricType type);

// A Docker/OCI label key as a Prometheus label name: "container_label_" +
// the key with every character outside [a-zA-Z0-9_] replaced by '_'
// (cAdvisor's convention): "com.docker.compose.service" ->
// "container_label_com_docker_compose_service".
std::string ContainerLabelName(std::string_view key);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_PROM_TEXT_H_
