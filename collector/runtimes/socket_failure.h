// DescribeSocketFailure: why a request to a runtime's API socket failed, as
// one line for logs and SourceHealth ("no socket at …", "no answer from … in
// time: …", "HTTP 500 from …: <the body's \"message\">"). Used by the Podman
// and CRI-O providers. Pure; never throws.
#ifndef BERTH_COLLECTOR_RUNTIMES_SOCKET_FAILURE_H_
#define BERTH_COLLECTOR_RUNTIMES_SOCKET_FAILURE_H_

#include <string>

#include "collector/runtimes/unix_http_client.h"

namespace berth::collector {

std::string DescribeSocketFailure(const UnixHttpResponse& response,
                                  const std::string& socket_path);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_RUNTIMES_SOCKET_FAILURE_H_
