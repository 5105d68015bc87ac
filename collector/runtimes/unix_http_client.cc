#include "collector/runtimes/unix_http_client.h"

#include <curl/curl.h>
#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string_view>

namespace berth::collector {
namespace {

struct BodySink {
  CURL* curl;
  std::string* body;
  size_t max_bytes;
  bool overflowed = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  size_t n = size * count;
  std::string& body = *sink->body;
  if (body.size() + n > sink->max_bytes) {
    sink->overflowed = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  if (body.size() + n > body.capacity()) {
    // An announced length (at most the cap: CURLOPT_MAXFILESIZE) is reserved
    // once. Otherwise small bodies grow by doubling, and one past 1 MiB gets
    // the whole cap at once: address space, resident only as it is written,
    // instead of doubling copies (the copies and malloc's holes between them
    // made 3 times the cap resident) or a doubling past the cap.
    curl_off_t announced = -1;
    curl_easy_getinfo(sink->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    const size_t need = body.size() + n;
    size_t target = need <= (1u << 20) ? std::max(2 * body.capacity(), need) : sink->max_bytes;
    if (announced >= 0 && static_cast<size_t>(announced) >= need) {
      target = static_cast<size_t>(announced);
    }
    std::string grown;  // reserve() on `body` would round up to twice its capacity
    grown.reserve(std::min(target, sink->max_bytes));
    grown.append(body);
    body.swap(grown);
  }
  body.append(data, n);
  return n;
}

// One header line ("Api-Version: 1.41\r\n"); a status line starts afresh.
size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  (*headers)[std::move(name)] = std::string(value);
  return n;
}

// "16 MiB" for a whole number of MiB, else "4096 bytes".
std::string FormatCap(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

UnixHttpClient::UnixHttpClient(UnixHttpClientOptions options) : options_(std::move(options)) {
  GlobalInitOnce();
  curl_ = curl_easy_init();
}

UnixHttpClient::~UnixHttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

UnixHttpResponse UnixHttpClient::Get(std::string_view path, std::chrono::milliseconds max_total) {
  UnixHttpResponse response;
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    response.error = UnixHttpResponse::Error::kTransport;
    response.detail = "libcurl could not be initialised";
    return response;
  }
  struct stat st;
  if (::stat(options_.socket_path.c_str(), &st) != 0) {
    response.error = errno == ENOENT ? UnixHttpResponse::Error::kNoSocket
                                     : UnixHttpResponse::Error::kConnect;
    response.detail = options_.socket_path + ": " + std::strerror(errno);
    return response;
  }
  long total_ms = std::max<long>(1, std::min(options_.total_timeout, max_total).count());
  long connect_ms = std::max<long>(1, std::min<long>(options_.connect_timeout.count(), total_ms));
  std::string url = "http://localhost";
  url.append(path);
  BodySink sink{curl, &response.body, options_.max_body_bytes};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, options_.socket_path.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_body_bytes));

  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
  const bool large = response.body.capacity() >= (1u << 20);
  std::string().swap(response.body);  // frees a partial body (clear() keeps it)
#ifdef __GLIBC__
  // glibc raises its mmap threshold after a large free, so a later large
  // body lands on the heap, whose freed top it keeps unless trimmed: without
  // this a refused reply leaves the cap resident.
  if (large) malloc_trim(0);
#endif
  response.headers.clear();
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      response.error = UnixHttpResponse::Error::kTimeout;
      break;
    case CURLE_COULDNT_CONNECT:
      response.error = UnixHttpResponse::Error::kConnect;
      break;
    default:
      response.error = UnixHttpResponse::Error::kTransport;
      break;
  }
  response.detail = options_.socket_path + ": ";
  if (sink.overflowed || code == CURLE_FILESIZE_EXCEEDED) {
    response.detail += "reply larger than the cap of " + FormatCap(options_.max_body_bytes) +
                       "; refused";
  } else {
    response.detail += error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  }
  return response;
}

}  // namespace berth::collector
