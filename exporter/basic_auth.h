// HTTP basic authentication against bcrypt hashes (exporter-toolkit's
// basic_auth_users). Hashes are checked with libxcrypt's crypt_r, which
// understands $2a$, $2b$ and $2y$. Like exporter-toolkit, a successful
// check is cached (keyed by a SHA-256 of user, password and hash, never the
// plain password) so Prometheus' scrapes do not pay bcrypt's cost each time;
// an unknown user still costs one bcrypt run, so timing does not reveal
// which users exist.
//
// Thread-safety: Check() may be called from any thread.
#ifndef BERTH_EXPORTER_BASIC_AUTH_H_
#define BERTH_EXPORTER_BASIC_AUTH_H_

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace berth::exporter {

// "Basic dXNlcjpwYXNz" -> {"user", "pass"}; nullopt when malformed.
std::optional<std::pair<std::string, std::string>> ParseBasicAuthorization(
    std::string_view header);

// Standard base64 (RFC 4648, padding optional); nullopt on bad input.
std::optional<std::string> Base64Decode(std::string_view text);

// True when `password` matches the crypt(3)-style `hash` (constant-time compare).
// A NUL in either never matches (crypt(3) would stop reading at it).
bool VerifyCryptHash(const std::string& password, const std::string& hash);

class BasicAuth {
 public:
  // user -> bcrypt hash; an empty map disables authentication.
  explicit BasicAuth(std::map<std::string, std::string> users);

  bool enabled() const { return !users_.empty(); }
  // `authorization` is the Authorization header value ("" when absent).
  bool Check(std::string_view authorization);

 private:
  const std::map<std::string, std::string> users_;
  std::mutex mutex_;
  std::set<std::string> verified_;  // SHA-256 digests of good credentials
};

}  // namespace berth::exporter

#endif  // BERTH_EXPORTER_BASIC_AUTH_H_
