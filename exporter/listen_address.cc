#include "exporter/listen_address.h"

#include <charconv>

namespace berth::exporter {

std::optional<ListenAddress> ParseListenAddress(std::string_view text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<ListenAddress> {
    if (error) *error = "invalid listen address \"" + std::string(text) + "\": " + why;
    return std::nullopt;
  };
  ListenAddress address;
  address.text = std::string(text);
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return fail("missing ']'");
    address.host = std::string(text.substr(1, close - 1));
    if (address.host.empty()) return fail("empty IPv6 address");
    if (address.host.find(':') == std::string::npos) {
      return fail("brackets are for IPv6 addresses");
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') return fail("missing :port");
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("missing :port");
    address.host = std::string(text.substr(0, colon));
    if (address.host.find(':') != std::string::npos) {
      return fail("IPv6 addresses need brackets, e.g. [::1]:11099");
    }
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty()) return fail("missing port");
  int port = -1;
  auto result = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (result.ec != std::errc() || result.ptr != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return fail("port must be a number from 0 to 65535");
  }
  address.port = port;
  if (address.host == "::") address.host.clear();  // dual stack, like ":port"
  return address;
}

std::string FormatHostPort(std::string_view host, int port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out = "[" + std::string(host) + "]";
  } else {
    out = std::string(host);
  }
  return out + ":" + std::to_string(port);
}

}  // namespace berth::exporter
