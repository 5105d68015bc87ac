// remote_write: the hand-encoded WriteRequest decoded with protoc's classes
// (tests/exporter/remote_write.proto) equals the /metrics page series by
// series; labels sorted, external labels, UTF-8; the queue's bound; what
// is retried; the writer against a real HTTP receiver (cpp-httplib):
// retries on 5xx, none on 4xx, drained on Stop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <snappy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "exporter/metrics_page.h"
#include "exporter/remote_write_encoder.h"
#include "exporter/remote_writer.h"
#include "remote_write.pb.h"
#include "snapshot_builder.h"

namespace berth::exporter {
namespace {

using Series = std::map<std::string, std::string>;  // label name -> value, __name__ included

// The page's samples, parsed from its text (test-only reader of the format
// berth writes: name{a="b",…} value).
std::map<Series, double> PageSeries(const std::string& page) {
  std::map<Series, double> out;
  size_t at = 0;
  while (at < page.size()) {
    size_t end = page.find('\n', at);
    const std::string line = page.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] == '#') continue;
    Series series;
    size_t i = line.find_first_of("{ ");
    series["__name__"] = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        const size_t eq = line.find('=', i);
        const std::string name = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;
        for (; line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            ++j;
            value.push_back(line[j] == 'n' ? '\n' : line[j]);
          } else {
            value.push_back(line[j]);
          }
        }
        series[name] = value;
        i = j + 1;
        if (line[i] == ',') ++i;
      }
      ++i;
    }
    out[series] = std::stod(line.substr(i + 1));
  }
  return out;
}

prometheus::WriteRequest Decode(const std::string& bytes) {
  prometheus::WriteRequest request;
  EXPECT_TRUE(request.ParseFromString(bytes));
  return request;
}

std::map<Series, double> RequestSeries(const prometheus::WriteRequest& request,
                                       int64_t* timestamp = nullptr) {
  std::map<Series, double> out;
  for (const auto& ts : request.timeseries()) {
    Series series;
    std::string previous;
    for (const auto& label : ts.labels()) {
      EXPECT_LT(previous, label.name()) << "labels not sorted";
      previous = label.name();
      series[label.name()] = label.value();
    }
    EXPECT_EQ(ts.samples_size(), 1);
    if (ts.samples_size() == 0) continue;
    if (timestamp != nullptr) *timestamp = ts.samples(0).timestamp();
    EXPECT_TRUE(out.emplace(series, ts.samples(0).value()).second) << "series twice";
  }
  return out;
}

bool IsProcessSeries(const Series& series) {
  return series.at("__name__").rfind("process_", 0) == 0;
}

TEST(RemoteWriteEncoderTest, SameSeriesAndValuesAsTheMetricsPage) {
  const auto snapshot = berth::testing::MakeSnapshot(4);
  collector::ErrorCounts errors{{"docker", 3}};
  FamilyOptions options;
  options.label_allowlist = {"com.docker.compose.project"};
  std::string bytes;
  const WriteRequestStats stats = EncodeWriteRequest(*snapshot, errors, options, {}, bytes);
  int64_t timestamp = 0;
  const auto pushed = RequestSeries(Decode(bytes), &timestamp);
  const auto page = PageSeries(RenderMetricsPage(*snapshot, errors, options));
  EXPECT_EQ(stats.series, pushed.size());
  EXPECT_EQ(timestamp, 1767225600000);
  ASSERT_EQ(pushed.size(), page.size());
  EXPECT_GT(page.size(), 4u * 40);
  for (const auto& [series, value] : page) {
    auto it = pushed.find(series);
    ASSERT_NE(it, pushed.end()) << "missing " << series.at("__name__");
    if (!IsProcessSeries(series)) {
      EXPECT_EQ(it->second, value) << series.at("__name__");
    }
  }
  EXPECT_TRUE(pushed.count({{"__name__", "berth_collector_errors_total"}, {"source", "docker"}}));
}

TEST(RemoteWriteEncoderTest, DisabledGroupsAndTheSeriesCapAsOnThePage) {
  auto snapshot = berth::testing::MakeSnapshot(2);
  // 1,100 devices: the page keeps 1,024 per family and reports the rest.
  auto& devices = snapshot->containers[0].block_devices;
  devices.resize(1100);
  for (size_t i = 0; i < devices.size(); ++i) {
    devices[i].major = 8;
    devices[i].minor = static_cast<uint32_t>(i);
    devices[i].read_bytes = i;
  }
  FamilyOptions options;
  std::string error;
  options.disabled = *ParseGroups({"network", "process"}, &error);
  std::string bytes;
  EncodeWriteRequest(*snapshot, {}, options, {}, bytes);
  const auto pushed = RequestSeries(Decode(bytes));
  const auto page = PageSeries(RenderMetricsPage(*snapshot, {}, options));
  ASSERT_EQ(pushed.size(), page.size());
  for (const auto& [series, value] : page) {
    ASSERT_TRUE(pushed.count(series)) << series.at("__name__");
    EXPECT_EQ(pushed.at(series), value);
  }
  size_t dropped_series = 0;
  for (const auto& [series, value] : pushed) {
    EXPECT_NE(series.at("__name__").rfind("container_network_", 0), 0u);
    EXPECT_NE(series.at("__name__").rfind("process_", 0), 0u);
    if (series.at("__name__") == "berth_series_dropped") ++dropped_series;
  }
  EXPECT_GT(dropped_series, 0u);
}

TEST(RemoteWriteEncoderTest, ExternalLabelsAddedUnlessTheSeriesHasTheName) {
  const auto snapshot = berth::testing::MakeSnapshot(1);
  std::string bytes;
  const LabelPairs external = {{"host", "node-1"}, {"name", "not-this"}, {"Zone", "a"}};
  EncodeWriteRequest(*snapshot, {}, FamilyOptions{}, external, bytes);
  const prometheus::WriteRequest request = Decode(bytes);
  ASSERT_GT(request.timeseries_size(), 0);
  for (const auto& [series, value] : RequestSeries(request)) {
    EXPECT_EQ(series.at("host"), "node-1");
    EXPECT_EQ(series.at("Zone"), "a");
    if (series.count("id")) {  // a container's series (container_*, berth_container_*)
      EXPECT_EQ(series.at("name"), snapshot->containers[0].identity.name);
    } else {
      EXPECT_EQ(series.at("name"), "not-this");  // no name of its own
    }
  }
  // Sorted byte-wise: "Zone" (uppercase) comes before "__name__".
  EXPECT_EQ(request.timeseries(0).labels(0).name(), "Zone");
}

TEST(RemoteWriteEncoderTest, IllFormedUtf8IsReplacedAsOnThePage) {
  auto snapshot = berth::testing::MakeSnapshot(1);
  snapshot->containers[0].identity.name = "bad\xff\xfename";
  snapshot->containers[0].net_interfaces.resize(1);
  snapshot->containers[0].net_interfaces[0].name = "eth\xc0";
  snapshot->containers[0].network_mode = collector::NetworkMode::kOwn;
  std::string bytes;
  EncodeWriteRequest(*snapshot, {}, FamilyOptions{}, {}, bytes);
  bool saw_interface = false;
  for (const auto& [series, value] : RequestSeries(Decode(bytes))) {
    if (series.count("name")) {
      EXPECT_EQ(series.at("name"), "bad\uFFFD\uFFFDname");
    }
    if (series.count("interface")) {
      EXPECT_EQ(series.at("interface"), "eth\uFFFD");
      saw_interface = true;
    }
  }
  EXPECT_TRUE(saw_interface);
}

TEST(RemoteWriteEncoderTest, FamilySeriesOfEveryValueKind) {
  prometheus::MetricFamily counter{"c_total", "", prometheus::MetricType::Counter, {}};
  counter.metric.emplace_back().counter.value = 1e300;
  counter.metric.back().label = {{"a", "x"}};
  prometheus::MetricFamily gauge{"g", "", prometheus::MetricType::Gauge, {}};
  gauge.metric.emplace_back().gauge.value = -0.5;
  prometheus::MetricFamily untyped{"u", "", prometheus::MetricType::Untyped, {}};
  untyped.metric.emplace_back().untyped.value = 7;
  prometheus::MetricFamily summary{"s", "", prometheus::MetricType::Summary, {}};
  summary.metric.emplace_back();
  std::vector<prometheus::MetricFamily> families = {counter, gauge, untyped, summary};
  std::string bytes;
  EXPECT_EQ(AppendFamilySeries(families, {}, -5, bytes).series, 3u);
  const prometheus::WriteRequest request = Decode(bytes);
  int64_t timestamp = 0;
  const auto series = RequestSeries(request, &timestamp);
  EXPECT_EQ(timestamp, -5);
  EXPECT_EQ(series.at({{"__name__", "c_total"}, {"a", "x"}}), 1e300);
  EXPECT_EQ(series.at({{"__name__", "g"}}), -0.5);
  EXPECT_EQ(series.at({{"__name__", "u"}}), 7);
}

TEST(RemoteWriteEncoderTest, LabelNames) {
  for (const char* good : {"host", "_x", "A9_b", "z"}) EXPECT_TRUE(IsValidLabelName(good)) << good;
  for (const char* bad : {"", "__name__", "__x", "9a", "a-b", "a.b", "ä"}) {
    EXPECT_FALSE(IsValidLabelName(bad)) << bad;
  }
}

TEST(RemoteWriteQueueTest, BoundedDropsTheOldestAndCountsIt) {
  RemoteWriteQueue queue(2);
  auto batch = [](uint64_t n) { return std::make_shared<RemoteWriteBatch>(RemoteWriteBatch{"", n}); };
  EXPECT_EQ(queue.Push(batch(1)), 0u);
  EXPECT_EQ(queue.Push(batch(2)), 0u);
  EXPECT_EQ(queue.Push(batch(3)), 1u);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.dropped(), 1u);
  const auto now = RemoteWriteQueue::Clock::now();
  BatchPtr front = queue.Front(now);
  EXPECT_EQ(front->samples, 2u);
  // An overflow while the front is being sent drops it; Done then removes nothing else.
  queue.Push(batch(4));
  queue.Done(front);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.Front(now)->samples, 3u);
  queue.Close();
  EXPECT_EQ(queue.Push(batch(5)), 1u);
  EXPECT_EQ(queue.Front(now)->samples, 3u);  // what is left, after Close
  EXPECT_EQ(queue.DropAll(), 2u);
  EXPECT_EQ(queue.Front(now + std::chrono::hours(1)), nullptr);  // closed: at once
  EXPECT_EQ(queue.dropped(), 5u);
}

TEST(RemoteWriteClientTest, WhatIsRetried) {
  struct Case {
    long status;
    PostOutcome want;
  };
  for (const Case& c : {Case{200, PostOutcome::kSent}, Case{204, PostOutcome::kSent},
                        Case{0, PostOutcome::kRetry}, Case{500, PostOutcome::kRetry},
                        Case{503, PostOutcome::kRetry}, Case{400, PostOutcome::kRefused},
                        Case{401, PostOutcome::kRefused}, Case{404, PostOutcome::kRefused},
                        Case{429, PostOutcome::kRefused}, Case{302, PostOutcome::kRefused}}) {
    EXPECT_EQ(ClassifyPost(PostResult{c.status, "", false}), c.want) << c.status;
  }
}

TEST(RemoteWriteClientTest, UrlsRedactedAndChecked) {
  EXPECT_EQ(RedactedUrl("https://u:p@h:1/api/v1/write"), "https://h:1/api/v1/write");
  EXPECT_EQ(RedactedUrl("http://h/a@b"), "http://h/a@b");
  EXPECT_EQ(RedactedUrl("http://h:9090/api/v1/write"), "http://h:9090/api/v1/write");
  EXPECT_EQ(CheckRemoteWriteUrl("http://127.0.0.1:9090/api/v1/write"), "");
  EXPECT_EQ(CheckRemoteWriteUrl("https://[::1]/w"), "");
  for (const char* bad : {"ftp://h/x", "127.0.0.1:9090", "http://", "file:///etc/passwd", ""}) {
    EXPECT_NE(CheckRemoteWriteUrl(bad), "") << bad;
  }
}

TEST(RemoteWriteOptionsTest, Validation) {
  LabelPairs external;
  RemoteWriteOptions options;
  EXPECT_EQ(ValidateRemoteWriteOptions(options, &external), "");  // off
  options.urls = {"http://h:1/w"};
  options.labels = {"host=a", "zone=b=c"};
  EXPECT_EQ(ValidateRemoteWriteOptions(options, &external), "");
  EXPECT_EQ(external, (LabelPairs{{"host", "a"}, {"zone", "b=c"}}));
  for (const char* bad : {"host", "=a", "__x=1", "a-b=1", "host="}) {
    options.labels = {bad};
    EXPECT_NE(ValidateRemoteWriteOptions(options, &external), "") << bad;
  }
  options.labels = {"host=a", "host=b"};
  EXPECT_NE(ValidateRemoteWriteOptions(options, &external), "");
  options.labels = {};
  options.max_backoff = std::chrono::milliseconds(1);
  EXPECT_NE(ValidateRemoteWriteOptions(options, &external), "");
  options.max_backoff = std::chrono::milliseconds(5000);
  options.client.bearer_token_file = "/t";
  options.client.basic_auth_username = "u";
  EXPECT_NE(ValidateRemoteWriteOptions(options, &external), "");
  RemoteWriteOptions no_url;
  no_url.labels = {"host=a"};
  EXPECT_NE(ValidateRemoteWriteOptions(no_url, &external), "");
}

class FixedSource : public SnapshotSource {
 public:
  collector::SnapshotPtr Collect() override { return berth::testing::MakeSnapshot(2); }
  collector::ErrorCounts ErrorTotals() const override { return {}; }
};

// A remote_write receiver answering each request with the next status of a
// script (the last one repeated), keeping the decoded requests.
class Receiver {
 public:
  // With `cert`/`key`: HTTPS.
  explicit Receiver(std::vector<int> statuses, const std::string& cert = "",
                    const std::string& key = "")
      : server_(cert.empty() ? std::make_unique<httplib::Server>()
                             : std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str())),
        statuses_(std::move(statuses)) {
    server_->Post("/api/v1/write", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mu_);
      std::string raw;
      if (request.get_header_value("Content-Encoding") == "snappy" &&
          request.get_header_value("Content-Type") == "application/x-protobuf" &&
          request.get_header_value("X-Prometheus-Remote-Write-Version") == "0.1.0" &&
          snappy::Uncompress(request.body.data(), request.body.size(), &raw)) {
        prometheus::WriteRequest decoded;
        if (decoded.ParseFromString(raw)) requests_.push_back(decoded);
      }
      authorization_ = request.get_header_value("Authorization");
      const size_t i = std::min(served_++, statuses_.size() - 1);
      response.status = statuses_[i];
      response.set_content(response.status >= 300 ? "no thanks" : "", "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }
  ~Receiver() {
    server_->stop();
    thread_.join();
  }
  std::string url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + "/api/v1/write";
  }
  size_t served() {
    std::lock_guard<std::mutex> lock(mu_);
    return served_;
  }
  std::vector<prometheus::WriteRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::string authorization() {
    std::lock_guard<std::mutex> lock(mu_);
    return authorization_;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<int> statuses_;
  size_t served_ = 0;
  std::vector<prometheus::WriteRequest> requests_;
  std::string authorization_;
};

double Value(const std::vector<prometheus::MetricFamily>& families, const std::string& name) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    const auto& metric = family.metric.at(0);
    return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                          : metric.gauge.value;
  }
  ADD_FAILURE() << "no " << name;
  return -1;
}

// Waits (generously: a loaded host, sanitizers) until `done` holds.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 3000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

RemoteWriteOptions WriterOptions(const std::string& url) {
  RemoteWriteOptions options;
  options.urls = {url};
  options.interval = std::chrono::hours(1);  // only the first collection, at Start()
  options.min_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(4);
  options.client.timeout = std::chrono::seconds(10);
  return options;
}

TEST(RemoteWriterTest, RetriesServerErrorsUntilSent) {
  Receiver receiver({503, 500, 204});
  FixedSource source;
  SharedCollection collection(source, std::chrono::milliseconds(0));
  RemoteWriter writer(WriterOptions(receiver.url()), {{"host", "h1"}}, collection, {});
  writer.Start();
  ASSERT_TRUE(Eventually([&] { return Value(writer.Families(), "berth_remote_write_sent_batches_total") == 1; }));
  EXPECT_EQ(receiver.served(), 3u);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_retries_total"), 2);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_failed_batches_total"), 0);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_queue_batches"), 0);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  const auto series = RequestSeries(requests.back());
  EXPECT_GT(series.size(), 2u * 40);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_sent_samples_total"),
            static_cast<double>(series.size()));
  for (const auto& [labels, value] : series) EXPECT_EQ(labels.at("host"), "h1");
  writer.Stop();
}

TEST(RemoteWriterTest, ClientErrorsAreNotRetried) {
  Receiver receiver({400});
  FixedSource source;
  SharedCollection collection(source, std::chrono::milliseconds(0));
  RemoteWriter writer(WriterOptions(receiver.url()), {}, collection, {});
  writer.Start();
  ASSERT_TRUE(Eventually([&] { return Value(writer.Families(), "berth_remote_write_failed_batches_total") == 1; }));
  writer.Stop();
  EXPECT_EQ(receiver.served(), 1u);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_retries_total"), 0);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_sent_batches_total"), 0);
}

TEST(RemoteWriterTest, StopDrainsTheQueueAndBearerTokenIsSent) {
  Receiver receiver({200});
  char token_path[] = "/tmp/berth-rw-token.XXXXXX";
  const int fd = mkstemp(token_path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "s3cret\n", 7), 7);
  close(fd);
  FixedSource source;
  SharedCollection collection(source, std::chrono::milliseconds(0));
  RemoteWriteOptions options = WriterOptions(receiver.url());
  options.client.bearer_token_file = token_path;
  RemoteWriter writer(options, {}, collection, {});
  // Queued before the senders run: Stop() must still deliver all of them.
  writer.CollectOnce();
  writer.CollectOnce();
  writer.Start();  // + the first tick's, always made
  writer.Stop();
  unlink(token_path);
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_sent_batches_total"), 3);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_dropped_batches_total"), 0);
  EXPECT_EQ(receiver.authorization(), "Bearer s3cret");
}

TEST(RemoteWriterTest, UnreachableReceiverBoundedQueueAndDeadlineOnStop) {
  // A port nobody listens on: every push is a network error, retried.
  int port = 0;
  {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port = ntohs(address.sin_port);
    close(fd);  // bound, never listened: connections are refused
  }
  FixedSource source;
  SharedCollection collection(source, std::chrono::milliseconds(0));
  RemoteWriteOptions options = WriterOptions("http://127.0.0.1:" + std::to_string(port) + "/w");
  options.queue_capacity = 3;
  options.flush_deadline = std::chrono::milliseconds(200);
  RemoteWriter writer(options, {}, collection, {});
  for (int i = 0; i < 5; ++i) writer.CollectOnce();
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_queue_batches"), 3);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_dropped_batches_total"), 2);
  writer.Start();  // its first tick pushes out one more
  ASSERT_TRUE(Eventually([&] {
    return Value(writer.Families(), "berth_remote_write_retries_total") >= 3 &&
           Value(writer.Families(), "berth_remote_write_dropped_batches_total") >= 3;
  }));
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_queue_batches"), 3);
  writer.Stop();  // the deadline ends the retries; what is left counts as dropped
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_queue_batches"), 0);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_dropped_batches_total"), 2 + 1 + 3);
  EXPECT_EQ(Value(writer.Families(), "berth_remote_write_sent_batches_total"), 0);
}

TEST(RemoteWriteClientTest, BasicAuthFromThePasswordFile) {
  Receiver receiver({204});
  char path[] = "/tmp/berth-rw-pass.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "pa:ss\n", 6), 6);
  close(fd);
  RemoteWriteClientOptions options;
  options.basic_auth_username = "berth";
  options.basic_auth_password_file = path;
  RemoteWriteClient client(receiver.url(), options);
  EXPECT_EQ(client.Post("x").status, 204);
  EXPECT_EQ(receiver.authorization(), "Basic YmVydGg6cGE6c3M=");  // base64("berth:pa:ss")
  unlink(path);
  const PostResult missing = client.Post("x");  // the file is gone: no request at all
  EXPECT_EQ(missing.status, 0);
  EXPECT_NE(missing.error.find(path), std::string::npos);
  EXPECT_EQ(receiver.served(), 1u);
}

TEST(RemoteWriteClientTest, RepliesAreCappedAndNotFollowed) {
  httplib::Server server;
  server.Post("/big", [](const httplib::Request&, httplib::Response& response) {
    response.status = 400;
    response.set_content(std::string(1 << 20, 'x'), "text/plain");
  });
  server.Post("/moved", [](const httplib::Request&, httplib::Response& response) {
    response.set_redirect("/big", 307);
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  RemoteWriteClient big(base + "/big", {});
  const PostResult result = big.Post("x");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.error.size(), RemoteWriteClient::kMaxReplyBodyBytes);
  RemoteWriteClient moved(base + "/moved", {});
  EXPECT_EQ(moved.Post("x").status, 307);
  EXPECT_EQ(ClassifyPost(moved.Post("x")), PostOutcome::kRefused);
  server.stop();
  thread.join();
}

// HTTPS: the CA file verifies the receiver; server_name is the name checked
// (the URL says 127.0.0.1); insecure_skip_verify skips it.
TEST(RemoteWriteClientTest, TlsCaFileServerNameAndSkipVerify) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  char dir_template[] = "/tmp/berth-rw-tls.XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string script =
      "cd " + dir +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key"
      " -out ca.crt -days 2 -subj /CN=test-ca 2>/dev/null"
      " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key"
      " -out server.csr -subj /CN=receiver.test 2>/dev/null"
      " && printf 'subjectAltName=DNS:receiver.test' > ext.cnf"
      " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
      " -out server.crt -days 2 -extfile ext.cnf 2>/dev/null";
  ASSERT_EQ(std::system(script.c_str()), 0);
  Receiver receiver({204}, dir + "/server.crt", dir + "/server.key");
  RemoteWriteClientOptions options;
  options.tls_ca_file = dir + "/ca.crt";
  options.tls_server_name = "receiver.test";
  EXPECT_EQ(RemoteWriteClient(receiver.url("https"), options).Post("x").status, 204);
  options.tls_server_name = "other.test";  // not the certificate's name
  EXPECT_EQ(RemoteWriteClient(receiver.url("https"), options).Post("x").status, 0);
  options.tls_server_name = "";  // 127.0.0.1 is not in the certificate either
  EXPECT_EQ(RemoteWriteClient(receiver.url("https"), options).Post("x").status, 0);
  RemoteWriteClientOptions no_ca;  // the system CAs do not know test-ca
  no_ca.tls_server_name = "receiver.test";
  EXPECT_EQ(RemoteWriteClient(receiver.url("https"), no_ca).Post("x").status, 0);
  RemoteWriteClientOptions skip;
  skip.tls_insecure_skip_verify = true;
  EXPECT_EQ(RemoteWriteClient(receiver.url("https"), skip).Post("x").status, 204);
  EXPECT_EQ(receiver.served(), 2u);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace berth::exporter
