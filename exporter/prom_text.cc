#include "exporter/prom_text.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "collector/utf8_text.h"

namespace berth::exporter {
namespace {

// Integers up to 2^53 are exact as doubles and print as plain digits under
// "%.16g" (2^53 < 1e16, so no exponent form kicks in).
constexpr uint64_t kExactIntegerLimit = uint64_t{1} << 53;

void AppendUnsigned(std::string& out, uint64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

}  // namespace

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  size_t start = 0;
  size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const collector::Utf8Step step = collector::FirstUtf8Step(value.substr(i));
      if (!step.valid) {
        out.append(value.data() + start, i - start);
        out.append(collector::kReplacementCharacter);
        start = i + step.length;
      }
      i += step.length;
      continue;
    }
    ++i;
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(value.data() + start, i - 1 - start);
    out.push_back('\\');
    out.push_back(c == '\n' ? 'n' : c);
    start = i;
  }
  out.append(value.data() + start, value.size() - start);
}

void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append("=\"");
  AppendEscapedLabelValue(out, value);
  out.push_back('"');
}

void AppendSampleValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("Nan");
    return;
  }
  if (std::isinf(value)) {
    out.append(value < 0 ? "-Inf" : "+Inf");
    return;
  }
  const double magnitude = std::fabs(value);
  if (magnitude < static_cast<double>(kExactIntegerLimit) && value == std::trunc(value) &&
      !(value == 0 && std::signbit(value))) {
    if (value < 0) out.push_back('-');
    AppendUnsigned(out, static_cast<uint64_t>(magnitude));
    return;
  }
  char buffer[64];
  auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::general, 16);
  out.append(buffer, result.ptr);
}

void AppendSampleValue(std::string& out, uint64_t value) {
  if (value <= kExactIntegerLimit) {
    AppendUnsigned(out, value);
  } else {
    AppendSampleValue(out, static_cast<double>(value));
  }
}

const char* MetricTypeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Untyped:
    default:
      return "untyped";
  }
}

void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        prometheus::MetricType type) {
  if (!help.empty()) {
    out.append("# HELP ");
    out.append(name);
    out.push_back(' ');
    out.append(help);
    out.push_back('\n');
  }
  out.append("# TYPE ");
  out.append(name);
  out.push_back(' ');
  out.append(MetricTypeName(type));
  out.push_back('\n');
}

std::string ContainerLabelName(std::string_view key) {
  std::string name = "container_label_";
  name.reserve(name.size() + key.size());
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    name.push_back(ok ? c : '_');
  }
  return name;
}

}  // namespace berth::exporter
