#include "exporter/remote_write_client.h"

#include <curl/curl.h>

#include <mutex>

#include "collector/build_info.h"
#include "collector/root_fs.h"

namespace berth::exporter {
namespace {

struct Transfer {
  std::string body_head;
  const std::function<bool()>* abort = nullptr;
  bool aborted = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const size_t room = RemoteWriteClient::kMaxReplyBodyBytes - transfer->body_head.size();
  transfer->body_head.append(data, std::min(room, bytes));
  return bytes;  // the rest is read and dropped
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->abort != nullptr && *transfer->abort && (*transfer->abort)()) {
    transfer->aborted = true;
    return 1;
  }
  return 0;
}

// A secret file's content without its trailing newline; nullopt + `error`.
std::optional<std::string> ReadSecret(const std::string& path, const char* what,
                                      std::string* error) {
  std::optional<std::string> text = collector::ReadWholeFile(path);
  if (!text) {
    *error = std::string("cannot read ") + what + " " + path;
    return std::nullopt;
  }
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return text;
}

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c >= 0x20 && c < 0x7f ? c : ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

struct RemoteWriteClient::Curl {
  CURL* handle = nullptr;
  ~Curl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

PostOutcome ClassifyPost(const PostResult& result) {
  if (result.status >= 200 && result.status < 300) return PostOutcome::kSent;
  if (result.status == 0 || result.status >= 500) return PostOutcome::kRetry;
  return PostOutcome::kRefused;  // 1xx, 3xx (no redirects followed), 4xx
}

std::string RedactedUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t host_start = scheme + 3;
  const size_t path = url.find_first_of("/?#", host_start);
  const std::string_view authority =
      url.substr(host_start, path == std::string_view::npos ? url.npos : path - host_start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host_start)) + std::string(url.substr(host_start + at + 1));
}

std::string CheckRemoteWriteUrl(std::string_view url) {
  CURLU* parsed = curl_url();
  const std::string text(url);
  std::string why;
  char* scheme = nullptr;
  char* host = nullptr;
  if (curl_url_set(parsed, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    why = "not a URL";
  } else if (curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
             (std::string_view(scheme) != "http" && std::string_view(scheme) != "https")) {
    why = "the scheme must be http or https";
  } else if (curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK || *host == '\0') {
    why = "no host";
  }
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(parsed);
  return why.empty() ? "" : "--remote-write.url \"" + RedactedUrl(url) + "\": " + why;
}

RemoteWriteClient::RemoteWriteClient(std::string url, RemoteWriteClientOptions options)
    : url_(std::move(url)), options_(std::move(options)), curl_(std::make_unique<Curl>()) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

RemoteWriteClient::~RemoteWriteClient() = default;

PostResult RemoteWriteClient::Post(std::string_view body, const std::function<bool()>& abort) {
  PostResult result;
  std::string error;
  std::optional<std::string> password, token;
  if (!options_.basic_auth_password_file.empty()) {
    password = ReadSecret(options_.basic_auth_password_file, "basic_auth password_file", &error);
    if (!password) return PostResult{0, error, false};
  }
  if (!options_.bearer_token_file.empty()) {
    token = ReadSecret(options_.bearer_token_file, "bearer_token_file", &error);
    if (!token) return PostResult{0, error, false};
  }
  if (curl_->handle == nullptr) curl_->handle = curl_easy_init();
  CURL* curl = curl_->handle;
  if (curl == nullptr) return PostResult{0, "curl_easy_init failed", false};
  curl_easy_reset(curl);  // keeps the connection cache: keep-alive between posts

  std::string url = url_;
  std::string connect_to;
  if (!options_.tls_server_name.empty()) {
    // Verify (and send SNI for) server_name while connecting to the URL's
    // host: the URL names server_name, CONNECT_TO points it at the host.
    CURLU* parsed = curl_url();
    char* host = nullptr;
    char* port = nullptr;
    char* rewritten = nullptr;
    if (curl_url_set(parsed, CURLUPART_URL, url_.c_str(), 0) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        curl_url_set(parsed, CURLUPART_HOST, options_.tls_server_name.c_str(), 0) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_URL, &rewritten, 0) == CURLUE_OK) {
      url = rewritten;
      connect_to = options_.tls_server_name + ":" + port + ":" + host + ":" + port;
    }
    curl_free(host);
    curl_free(port);
    curl_free(rewritten);
    curl_url_cleanup(parsed);
  }
  curl_slist* connect_list = nullptr;
  if (!connect_to.empty()) connect_list = curl_slist_append(nullptr, connect_to.c_str());

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Encoding: snappy");
  headers = curl_slist_append(headers, "Content-Type: application/x-protobuf");
  headers = curl_slist_append(headers, "X-Prometheus-Remote-Write-Version: 0.1.0");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  std::string bearer;
  if (token) {
    bearer = "Authorization: Bearer " + *token;
    headers = curl_slist_append(headers, bearer.c_str());
  }
  const std::string agent = std::string("berth/") + berth::BuildVersion();

  Transfer transfer;
  transfer.abort = &abort;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (connect_list != nullptr) curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_list);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  if (!options_.basic_auth_username.empty() || password) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.basic_auth_username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password ? password->c_str() : "");
  }
  if (!options_.tls_ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.tls_ca_file.c_str());
  if (!options_.tls_cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options_.tls_cert_file.c_str());
  }
  if (!options_.tls_key_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, options_.tls_key_file.c_str());
  if (options_.tls_insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_list);
  result.aborted = transfer.aborted;
  if (code != CURLE_OK) {
    result.error = transfer.aborted ? "abandoned at shutdown" : curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  result.error = Printable(transfer.body_head);
  return result;
}

}  // namespace berth::exporter
