#include "exporter/web_config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>

#include <yaml-cpp/yaml.h>

#include "collector/root_fs.h"
#include "exporter/tls_names.h"

namespace berth::exporter {
namespace {

struct ParseError {
  std::string message;
};

std::string Resolve(const std::string& base_dir, const std::string& file) {
  if (file.empty() || file.front() == '/' || base_dir.empty()) return file;
  return base_dir + "/" + file;
}

void CheckKeys(const YAML::Node& node, const char* where, const std::set<std::string>& known) {
  if (!node.IsMap()) throw ParseError{std::string(where) + " must be a mapping"};
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>();
    if (!known.count(key)) throw ParseError{"unknown field \"" + key + "\" in " + where};
  }
}

std::string Scalar(const YAML::Node& node, const char* key) {
  if (!node.IsScalar()) throw ParseError{std::string(key) + " must be a string"};
  return node.as<std::string>();
}

ClientAuth ParseClientAuth(const std::string& text) {
  if (text.empty() || text == "NoClientCert") return ClientAuth::kNoClientCert;
  if (text == "RequestClientCert") return ClientAuth::kRequestClientCert;
  if (text == "RequireAnyClientCert") return ClientAuth::kRequireAnyClientCert;
  if (text == "VerifyClientCertIfGiven") return ClientAuth::kVerifyClientCertIfGiven;
  if (text == "RequireAndVerifyClientCert") return ClientAuth::kRequireAndVerifyClientCert;
  throw ParseError{"invalid client_auth_type \"" + text + "\""};
}

bool Boolean(const YAML::Node& node, const char* key) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw ParseError{std::string(key) + " must be true or false"};
  }
  return value;
}

std::vector<std::string> Strings(const YAML::Node& node, const char* key) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) throw ParseError{std::string(key) + " must be a list"};
  for (const auto& item : node) out.push_back(Scalar(item, key));
  return out;
}

// exporter-toolkit's extraHTTPHeaders: the only names that may be set, and
// the values allowed where the header is an enumeration. Names match exactly.
struct AllowedHeader {
  const char* name;
  std::vector<std::string> values;  // empty: any value
};
const std::vector<AllowedHeader>& AllowedHeaders() {
  static const std::vector<AllowedHeader> headers = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}},
  };
  return headers;
}

std::map<std::string, std::string> ParseHeaders(const YAML::Node& node) {
  std::map<std::string, std::string> headers;
  if (node.IsNull()) return headers;
  if (!node.IsMap()) throw ParseError{"http_server_config.headers must be a mapping"};
  for (const auto& item : node) {
    const std::string name = item.first.as<std::string>();
    const std::string value = item.second.IsNull() ? "" : Scalar(item.second, name.c_str());
    const auto& allowed = AllowedHeaders();
    auto it = std::find_if(allowed.begin(), allowed.end(),
                           [&](const AllowedHeader& h) { return name == h.name; });
    if (it == allowed.end()) throw ParseError{"HTTP header \"" + name + "\" can not be configured"};
    if (!it->values.empty() &&
        std::find(it->values.begin(), it->values.end(), value) == it->values.end()) {
      std::string expected;
      for (const std::string& v : it->values) expected += (expected.empty() ? "\"" : ", \"") + v + "\"";
      throw ParseError{"invalid value \"" + value + "\" for HTTP header " + name +
                       " (expected one of " + expected + ")"};
    }
    if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      throw ParseError{"HTTP header " + name + ": the value contains a line break or NUL"};
    }
    if (!value.empty()) headers[name] = value;  // "Unset if blank"
  }
  return headers;
}

// "$2a$", "$2b$" or "$2y$", a two-digit cost from 04 to 31 (Go's bcrypt
// range), "$", 53 characters of bcrypt's base64.
bool LooksLikeBcrypt(const std::string& hash) {
  if (hash.size() != 60 || hash.compare(0, 2, "$2") != 0) return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[3] != '$' || !std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5])) || hash[6] != '$') {
    return false;
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  for (size_t i = 7; i < hash.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(hash[i]);
    if (!std::isalnum(c) && c != '.' && c != '/') return false;
  }
  return true;
}

int ParseTlsVersion(const std::string& text, const char* key) {
  if (text == "TLS10") return 0x0301;
  if (text == "TLS11") return 0x0302;
  if (text == "TLS12") return 0x0303;
  if (text == "TLS13") return 0x0304;
  throw ParseError{std::string("invalid ") + key + " \"" + text +
                   "\" (TLS10, TLS11, TLS12 or TLS13)"};
}

TlsConfig ParseTls(const YAML::Node& node, const std::string& base_dir) {
  CheckKeys(node, "tls_server_config",
            {"cert_file", "key_file", "client_ca_file", "client_auth_type", "min_version",
             "max_version", "cipher_suites", "curve_preferences", "prefer_server_cipher_suites",
             "client_allowed_sans"});
  TlsConfig tls;
  if (node["cert_file"]) tls.cert_file = Resolve(base_dir, Scalar(node["cert_file"], "cert_file"));
  if (node["key_file"]) tls.key_file = Resolve(base_dir, Scalar(node["key_file"], "key_file"));
  if (node["client_ca_file"]) {
    tls.client_ca_file = Resolve(base_dir, Scalar(node["client_ca_file"], "client_ca_file"));
  }
  if (node["client_auth_type"]) {
    tls.client_auth = ParseClientAuth(Scalar(node["client_auth_type"], "client_auth_type"));
  }
  if (node["min_version"]) {
    tls.min_version = ParseTlsVersion(Scalar(node["min_version"], "min_version"), "min_version");
  }
  if (node["max_version"]) {
    tls.max_version = ParseTlsVersion(Scalar(node["max_version"], "max_version"), "max_version");
  }
  if (node["client_allowed_sans"] && !node["client_allowed_sans"].IsNull()) {
    tls.client_allowed_sans = Strings(node["client_allowed_sans"], "client_allowed_sans");
  }
  if (node["cipher_suites"]) {
    tls.cipher_suites = Strings(node["cipher_suites"], "cipher_suites");
    for (const std::string& name : tls.cipher_suites) {
      if (!FindGoCipherSuite(name)) {
        throw ParseError{"unknown cipher \"" + name +
                         "\" in cipher_suites (Go's crypto/tls names, e.g. "
                         "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"};
      }
    }
  }
  if (node["curve_preferences"]) {
    tls.curve_preferences = Strings(node["curve_preferences"], "curve_preferences");
    for (const std::string& name : tls.curve_preferences) {
      if (!OpenSslGroupOfGoCurve(name)) {
        throw ParseError{"unknown curve \"" + name +
                         "\" in curve_preferences (X25519, CurveP256, CurveP384, CurveP521)"};
      }
    }
  }
  if (node["prefer_server_cipher_suites"]) {
    tls.prefer_server_cipher_suites =
        Boolean(node["prefer_server_cipher_suites"], "prefer_server_cipher_suites");
  }
  if (tls.cert_file.empty()) throw ParseError{"tls_server_config: missing cert_file"};
  if (tls.key_file.empty()) throw ParseError{"tls_server_config: missing key_file"};
  if (!tls.client_ca_file.empty() && tls.client_auth == ClientAuth::kNoClientCert) {
    throw ParseError{"tls_server_config: client_ca_file given without a client_auth_type"};
  }
  if (tls.client_ca_file.empty() && (tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                                     tls.client_auth == ClientAuth::kRequireAndVerifyClientCert)) {
    throw ParseError{"tls_server_config: client_auth_type needs a client_ca_file"};
  }
  if (tls.client_allowed_sans && tls.client_auth == ClientAuth::kNoClientCert) {
    throw ParseError{"tls_server_config: client_allowed_sans needs a client_auth_type that asks "
                     "for client certificates (e.g. RequireAndVerifyClientCert)"};
  }
  if (tls.max_version != 0 && tls.max_version < tls.min_version) {
    throw ParseError{"tls_server_config: max_version is below min_version"};
  }
  return tls;
}

}  // namespace

std::optional<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& base_dir,
                                        std::string* error) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    WebConfig config;
    if (root.IsNull()) return config;
    CheckKeys(root, "the web config", {"tls_server_config", "http_server_config",
                                       "basic_auth_users"});
    const YAML::Node tls = root["tls_server_config"];
    if (tls && !tls.IsNull() && tls.size() > 0) config.tls = ParseTls(tls, base_dir);
    const YAML::Node http = root["http_server_config"];
    if (http && !http.IsNull()) {
      CheckKeys(http, "http_server_config", {"http2", "headers"});
      if (http["http2"]) config.http.http2 = Boolean(http["http2"], "http_server_config.http2");
      if (http["headers"]) config.http.headers = ParseHeaders(http["headers"]);
    }
    const YAML::Node users = root["basic_auth_users"];
    if (users && !users.IsNull()) {
      if (!users.IsMap()) throw ParseError{"basic_auth_users must be a mapping"};
      for (const auto& item : users) {
        const std::string user = item.first.as<std::string>();
        const std::string hash = Scalar(item.second, "basic_auth_users value");
        if (user.find(':') != std::string::npos) {
          throw ParseError{"basic_auth_users: user name \"" + user + "\" contains ':'"};
        }
        if (user.find('\0') != std::string::npos || hash.find('\0') != std::string::npos) {
          throw ParseError{"basic_auth_users: a user name or hash contains a NUL byte"};
        }
        if (!LooksLikeBcrypt(hash)) {
          throw ParseError{"basic_auth_users: the password of \"" + user +
                           "\" is not a bcrypt hash ($2y$10$ and 53 more characters)"};
        }
        config.basic_auth_users[user] = hash;
      }
    }
    return config;
  } catch (const ParseError& e) {
    if (error) *error = e.message;
  } catch (const YAML::Exception& e) {
    if (error) *error = std::string("YAML: ") + e.what();
  }
  return std::nullopt;
}

std::optional<WebConfig> LoadWebConfig(const std::string& path, std::string* error) {
  const std::optional<std::string> text = collector::ReadWholeFile(path);
  if (!text) {
    if (error) *error = "cannot read web config file " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  const size_t slash = path.rfind('/');
  const std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::string why;
  std::optional<WebConfig> config = ParseWebConfig(*text, base_dir.empty() ? "/" : base_dir, &why);
  if (!config && error) *error = "web config file " + path + ": " + why;
  return config;
}

}  // namespace berth::exporter
