// Serves berth's endpoints with one of several HTTP servers, so that
// tests/bench/slow_clients.py can compare them on equal terms (issue 12:
// choose the event-driven server by measurement). Every server answers
// through the same HttpHandlers over the same SharedCollection (max age
// 500 ms, as `berth serve`) of one prebuilt snapshot of N synthetic
// containers, so /metrics is the same page, byte for byte, and /healthz "ok":
//   berth  exporter::HttpServer, what `berth serve` runs (default options:
//          10 s head timeout, 120 s keep-alive idle, 40 workers)
//   mhd    libmicrohttpd, MHD_USE_EPOLL_INTERNAL_THREAD (one epoll thread
//          that also runs the handler), 10 s connection timeout, backlog
//          4096, connection limit 10,000; --threads N: a pool of N such
//          threads (MHD_OPTION_THREAD_POOL_SIZE)
//   beast  Boost.Beast, asynchronous, on --threads io_context threads (built
//          when Boost's headers are found; http_server_compare_beast.cc)
// Not part of berth and not a test: built only when libmicrohttpd is found.
// Usage: http_server_compare berth|mhd|beast [--containers N] [--port P] [--threads N]
// Prints "port P page B bytes" once listening on 127.0.0.1 (P 0 = a free
// port), then serves until SIGINT or SIGTERM.
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "exporter/basic_auth.h"
#include "exporter/http_handlers.h"
#include "exporter/http_server.h"
#include "tests/bench/http_server_compare.h"
#include "tests/exporter/snapshot_builder.h"

namespace {

using berth::exporter::HttpHandlers;
using berth::exporter::HttpReply;

using berth::testing::PrebuiltSource;

struct Args {
  std::string server;
  size_t containers = 100;
  int port = 0;
  unsigned threads = 1;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: http_server_compare berth|mhd|beast [--containers N] [--port P] [--threads N]\n");
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  if (argc < 2) Usage();
  Args a;
  a.server = argv[1];
  if (a.server != "berth" && a.server != "mhd" && a.server != "beast") Usage();
#ifndef BERTH_COMPARE_BEAST
  if (a.server == "beast") {
    std::fprintf(stderr, "built without Boost.Beast (install libboost-dev)\n");
    std::exit(2);
  }
#endif
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (v < 0) Usage();
    if (flag == "--containers") a.containers = static_cast<size_t>(v);
    else if (flag == "--port") a.port = static_cast<int>(v);
    else if (flag == "--threads" && v > 0) a.threads = static_cast<unsigned>(v);
    else Usage();
  }
  if (argc % 2 != 0) Usage();
  return a;
}

// Blocks until SIGINT or SIGTERM (blocked in every thread before any starts).
void WaitForSignal(const sigset_t& signals) {
  int signal = 0;
  sigwait(&signals, &signal);
}

// --- libmicrohttpd ---------------------------------------------------------

MHD_Result Answer(void* cls, MHD_Connection* connection, const char* url, const char* method,
                  const char* /*version*/, const char* /*upload_data*/,
                  size_t* /*upload_data_size*/, void** /*request_state*/) {
  auto* handlers = static_cast<HttpHandlers*>(cls);
  HttpReply reply = handlers->Route(method, url);
  // MHD takes a whole buffer: the page is rendered into one string.
  auto* body = new std::string(reply.page ? reply.page->Text() : std::move(reply.body));
  MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
      body->size(), body->data(), [](void* p) { delete static_cast<std::string*>(p); }, body);
  if (response == nullptr) {
    delete body;
    return MHD_NO;
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  const MHD_Result result =
      MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
  MHD_destroy_response(response);
  return result;
}

int ServeMhd(HttpHandlers& handlers, const Args& a, size_t page_bytes, const sigset_t& signals) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(a.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  MHD_Daemon* daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, static_cast<uint16_t>(a.port), nullptr,
      nullptr, &Answer, &handlers,                                    //
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&address),    //
      MHD_OPTION_CONNECTION_TIMEOUT, 10u,                             //
      MHD_OPTION_CONNECTION_LIMIT, 10000u,                            //
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,                          //
      MHD_OPTION_THREAD_POOL_SIZE, a.threads,                         //
      MHD_OPTION_END);
  if (daemon == nullptr) {
    std::fprintf(stderr, "MHD_start_daemon failed\n");
    return 1;
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  std::printf("port %u page %zu bytes\n", info ? info->port : 0u, page_bytes);
  std::fflush(stdout);
  WaitForSignal(signals);
  MHD_stop_daemon(daemon);
  return 0;
}

// --- berth -----------------------------------------------------------------

int ServeBerth(HttpHandlers& handlers, const Args& a, size_t page_bytes,
               const sigset_t& signals) {
  berth::exporter::BasicAuth auth({});
  berth::exporter::HttpServer server(handlers, auth, std::nullopt);
  std::string error;
  const berth::exporter::ListenAddress address{"127.0.0.1", a.port, "127.0.0.1"};
  if (!server.Bind(address, &error)) {
    std::fprintf(stderr, "bind: %s\n", error.c_str());
    return 1;
  }
  server.Start(nullptr);
  const std::string& bound = server.bound()[0];
  std::printf("port %s page %zu bytes\n", bound.substr(bound.rfind(':') + 1).c_str(), page_bytes);
  std::fflush(stdout);
  WaitForSignal(signals);
  return server.Stop() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  rlimit files{};  // room for the slow clients, for every server alike
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  PrebuiltSource source(berth::testing::MakeSnapshot(args.containers));
  berth::exporter::SharedCollection collection(source, std::chrono::milliseconds(500));
  HttpHandlers handlers(collection, {}, "/metrics");
  const size_t page_bytes = handlers.Metrics().size();
  if (args.server == "mhd") return ServeMhd(handlers, args, page_bytes, signals);
#ifdef BERTH_COMPARE_BEAST
  if (args.server == "beast") {
    return berth::bench::ServeBeast(handlers, args.port, args.threads, page_bytes, signals);
  }
#endif
  return ServeBerth(handlers, args, page_bytes, signals);
}
