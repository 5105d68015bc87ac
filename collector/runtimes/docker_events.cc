#include "collector/runtimes/docker_events.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace berth::collector {
namespace {

constexpr char kFilters[] =
    R"({"type":["container"],"event":["create","start","die","destroy","rename","health_status"]})";
constexpr size_t kMaxLineBytes = 1u << 20;  // an event line longer than this is garbage
constexpr size_t kKeptBufferBytes = 64u << 10;

struct StreamState {
  const DockerEventCallbacks* callbacks = nullptr;
  CURL* easy = nullptr;
  std::string buffer;
  bool connected = false;
  bool overflow = false;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<StreamState*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line == "\r\n" || line == "\n") {  // end of the headers
    long status = 0;
    curl_easy_getinfo(state->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200 && !state->connected) {
      state->connected = true;
      if (state->callbacks->on_connected) state->callbacks->on_connected();
    }
  }
  return n;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<StreamState*>(user);
  size_t n = size * count;
  if (!state->connected) return n;  // an error body; the status says enough
  state->buffer.append(data, n);
  size_t start = 0;
  for (;;) {
    size_t nl = state->buffer.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(state->buffer.data() + start, nl - start);
    if (auto event = ParseDockerEvent(line); event && state->callbacks->on_event) {
      state->callbacks->on_event(*event);
    }
    start = nl + 1;
  }
  state->buffer.erase(0, start);
  if (state->buffer.size() > kMaxLineBytes) {
    state->overflow = true;
    return 0;
  }
  // A long line read, the buffer goes back to the size of ordinary ones.
  if (state->buffer.capacity() > kKeptBufferBytes && state->buffer.size() < kKeptBufferBytes) {
    state->buffer.shrink_to_fit();
  }
  return n;
}

}  // namespace

std::string DockerEventStream::FilteredPath(std::string_view endpoint,
                                            std::string_view filters_json) {
  char* escaped = curl_easy_escape(nullptr, filters_json.data(),
                                   static_cast<int>(filters_json.size()));
  std::string path = std::string(endpoint) + "?filters=" + (escaped ? escaped : "");
  curl_free(escaped);
  return path;
}

std::string DockerEventStream::EventsPath() { return FilteredPath("/events", kFilters); }

DockerEventStream::DockerEventStream(DockerEventStreamOptions options,
                                     DockerEventCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // refcounted; thread-safe in libcurl >= 7.84
  thread_ = std::thread([this] { Run(); });
}

DockerEventStream::~DockerEventStream() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (multi_ != nullptr) curl_multi_wakeup(static_cast<CURLM*>(multi_));
  }
  wake_.notify_all();
  thread_.join();
  curl_global_cleanup();
}

void DockerEventStream::SleepInterruptibly(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [this] { return stop_.load(); });
}

void DockerEventStream::Run() {
  int failures = 0;
  while (!stop_) {
    std::string prefix = options_.api_prefix ? options_.api_prefix() : "";
    bool was_connected = false;
    std::string why =
        Follow(prefix + (options_.path.empty() ? EventsPath() : options_.path), &was_connected);
    if (stop_) return;
    if (was_connected) {
      spdlog::info("{}: event stream lost ({}); reconnecting", options_.log_name, why);
    }
    if (callbacks_.on_disconnected) callbacks_.on_disconnected(why);
    failures = was_connected ? 1 : failures + 1;
    auto backoff = options_.min_backoff * (1LL << std::min(failures - 1, 20));
    SleepInterruptibly(std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(backoff), options_.max_backoff));
  }
}

std::string DockerEventStream::Follow(const std::string& path, bool* was_connected) {
  struct stat st;
  if (::stat(options_.socket_path.c_str(), &st) != 0) {
    return options_.socket_path + ": " + std::strerror(errno);
  }
  CURL* easy = curl_easy_init();
  CURLM* multi = curl_multi_init();
  if (easy == nullptr || multi == nullptr) {
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
    return "libcurl could not be initialised";
  }
  StreamState state;
  state.callbacks = &callbacks_;
  state.easy = easy;
  std::string url = "http://localhost" + path;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, options_.socket_path.c_str());
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, options_.connect_timeout.count())));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http");
  curl_multi_add_handle(multi, easy);
  {
    std::lock_guard lock(mutex_);
    multi_ = multi;
  }

  std::string why;
  int running = 1;
  while (running > 0 && !stop_) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    if (running == 0) break;
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  int pending = 0;
  CURLcode result = CURLE_OK;
  while (CURLMsg* msg = curl_multi_info_read(multi, &pending)) {
    if (msg->msg == CURLMSG_DONE) result = msg->data.result;
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (state.overflow) {
    why = "an event line exceeded " + std::to_string(kMaxLineBytes) + " bytes";
  } else if (result != CURLE_OK) {
    why = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(result);
  } else if (status != 200) {
    why = "GET /events answered HTTP " + std::to_string(status);
  } else {
    why = "the event stream ended";
  }
  *was_connected = state.connected;
  {
    std::lock_guard lock(mutex_);
    multi_ = nullptr;
  }
  curl_multi_remove_handle(multi, easy);
  curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
  return options_.socket_path + ": " + why;
}

}  // namespace berth::collector
