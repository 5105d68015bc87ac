#include "exporter/http_request.h"

#include <optional>

#include "collector/parse_util.h"

namespace berth::exporter {
namespace {

using collector::parse::EqualsIgnoreCase;
using collector::parse::Trim;

// True when the comma-separated header value lists `token` (any case).
bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (EqualsIgnoreCase(Trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexDigit(text[i + 1]), low = HexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) !=
                                                           std::string_view::npos;
}

bool ParseRequestLine(std::string_view line, RequestHead& head) {
  const size_t first = line.find(' ');
  const size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == 0 || last == first) return false;
  const std::string_view method = line.substr(0, first);
  for (char c : method) {
    if (!IsTokenChar(c)) return false;
  }
  const std::string_view target = line.substr(first + 1, last - first - 1);
  const std::string_view version = line.substr(last + 1);
  if (version == "HTTP/1.1") {
    head.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    head.minor_version = 0;
    head.keep_alive = false;
  } else {
    return false;
  }
  if (target.empty() || target.front() != '/') return false;
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  std::optional<std::string> path = PercentDecode(target.substr(0, target.find('?')));
  if (!path) return false;
  head.method = std::string(method);
  head.path = std::move(*path);
  return true;
}

bool ParseHeaderLine(std::string_view line, RequestHead& head) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view name = line.substr(0, colon);
  for (char c : name) {
    if (!IsTokenChar(c)) return false;  // also refuses "Name : value" (RFC 9112 5.1)
  }
  const std::string_view value = Trim(line.substr(colon + 1));
  if (EqualsIgnoreCase(name, "authorization")) {
    head.authorization = std::string(value);
  } else if (EqualsIgnoreCase(name, "accept-encoding")) {
    head.accept_encoding = std::string(value);
  } else if (EqualsIgnoreCase(name, "connection")) {
    if (HasToken(value, "close")) head.keep_alive = false;
    if (head.minor_version == 0 && HasToken(value, "keep-alive")) head.keep_alive = true;
  } else if (EqualsIgnoreCase(name, "content-length")) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    if (value.find_first_not_of('0') != std::string_view::npos) head.has_body = true;
  } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
    head.has_body = true;
  }
  return true;
}

}  // namespace

RequestHead ParseRequestHead(std::string_view buffer) {
  RequestHead head;
  // RFC 9112 2.2: empty lines before the request line are ignored.
  size_t start = 0;
  while (start < buffer.size() && (buffer[start] == '\r' || buffer[start] == '\n')) ++start;
  bool first_line = true;
  for (size_t pos = start;;) {
    const size_t newline = buffer.find('\n', pos);
    if (newline == std::string_view::npos) return RequestHead{};  // incomplete
    std::string_view line = buffer.substr(pos, newline - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = newline + 1;
    if (line.empty()) {
      if (first_line) return RequestHead{};
      head.status = RequestHead::Status::kComplete;
      head.consumed = pos;
      return head;
    }
    if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos ||
        (first_line ? !ParseRequestLine(line, head)
                    : (line.front() == ' ' || line.front() == '\t' ||  // obsolete folding
                       !ParseHeaderLine(line, head)))) {
      head.status = RequestHead::Status::kBad;
      return head;
    }
    first_line = false;
  }
}

}  // namespace berth::exporter
