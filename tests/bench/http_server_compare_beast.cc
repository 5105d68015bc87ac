// The Boost.Beast server of http_server_compare (built when Boost's headers
// are found): the usual asynchronous Beast server, one strand per
// connection, handlers run on the io_context threads; a request (head and
// body) must arrive within 10 s of the last response (so a kept-alive
// connection idles 10 s, and a dribbled head is cut at 10 s), a response
// write may take 30 s.
#include "tests/bench/http_server_compare.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

namespace berth::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using exporter::HttpHandlers;
using exporter::HttpReply;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpHandlers& handlers)
      : stream_(std::move(socket)), handlers_(handlers) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Answer();
                     });
  }

  void Answer() {
    const beast::string_view method = request_.method_string(), target = request_.target();
    HttpReply reply = handlers_.Route(std::string_view(method.data(), method.size()),
                                      std::string_view(target.data(), target.size()));
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(reply.status), request_.version());
    response->set(http::field::content_type, reply.content_type);
    response->keep_alive(request_.keep_alive());
    if (request_.method() == http::verb::head) {
      response->content_length(reply.size());
    } else {
      // Beast writes one body: the page is rendered into one string.
      response->body() = reply.page ? reply.page->Text() : std::move(reply.body);
      response->prepare_payload();
    }
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, size_t) {
                        if (ec || !response->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  HttpHandlers& handlers_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, tcp::endpoint endpoint, HttpHandlers& handlers)
      : io_(io), acceptor_(io), handlers_(handlers) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(4096);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             if (!ec) {
                               std::make_shared<Session>(std::move(socket), self->handlers_)
                                   ->Start();
                             }
                             self->Accept();
                           });
  }

 private:
  net::io_context& io_;
  tcp::acceptor acceptor_;
  HttpHandlers& handlers_;
};

}  // namespace

int ServeBeast(HttpHandlers& handlers, int port, unsigned threads, size_t page_bytes,
               const sigset_t& signals) {
  net::io_context io(static_cast<int>(threads));
  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(
        io, tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
        handlers);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "listen: %s\n", e.what());
    return 1;
  }
  listener->Accept();
  std::vector<std::thread> runners;
  for (unsigned i = 0; i < threads; ++i) runners.emplace_back([&io] { io.run(); });
  std::printf("port %u page %zu bytes\n", listener->port(), page_bytes);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  io.stop();
  for (std::thread& t : runners) t.join();
  return 0;
}

}  // namespace berth::bench
