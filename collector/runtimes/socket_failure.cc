#include "collector/runtimes/socket_failure.h"

#include "collector/runtimes/docker_parsers.h"

namespace berth::collector {

std::string DescribeSocketFailure(const UnixHttpResponse& response,
                                  const std::string& socket_path) {
  using Error = UnixHttpResponse::Error;
  switch (response.error) {
    case Error::kNoSocket:
      return "no socket at " + socket_path;
    case Error::kConnect:
      return "cannot connect to " + socket_path + ": " + response.detail;
    case Error::kTimeout:
      return "no answer from " + socket_path + " in time: " + response.detail;
    case Error::kTransport:
      return "bad HTTP from " + socket_path + ": " + response.detail;
    case Error::kNone:
      break;
  }
  std::string body = response.body.substr(0, 200);
  if (auto message = ParseDockerErrorMessage(response.body)) body = *message;
  return "HTTP " + std::to_string(response.status) + " from " + socket_path + ": " + body;
}

}  // namespace berth::collector
