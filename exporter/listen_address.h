// --web.listen-address parsing (Prometheus conventions).
//
//   ":11099"          every address, IPv6 and IPv4 (one dual-stack socket on
//                     "::"; "0.0.0.0" when the host has no IPv6)
//   "[::]:11099"      the same dual-stack socket (as Go's net.Listen does)
//   "0.0.0.0:11099"   every IPv4 address only
//   "[::1]:11099"     one IPv6 address; "127.0.0.1:0" an ephemeral port
//   "localhost:11099" a name, resolved when binding
// Pure; thread-safe. Errors are one-line messages.
#ifndef BERTH_EXPORTER_LISTEN_ADDRESS_H_
#define BERTH_EXPORTER_LISTEN_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

namespace berth::exporter {

struct ListenAddress {
  std::string host;  // "" = any address (dual stack); "::" "0.0.0.0" "127.0.0.1" …
  int port = 0;      // 0 = ephemeral
  std::string text;  // as given, for messages

  bool any() const { return host.empty(); }
};

std::optional<ListenAddress> ParseListenAddress(std::string_view text, std::string* error);

// "127.0.0.1:8080", "[::1]:8080", ":8080" for logs (IPv6 hosts bracketed).
std::string FormatHostPort(std::string_view host, int port);

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_LISTEN_ADDRESS_H_
