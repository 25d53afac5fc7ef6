#include "api/http_server.h"

// <utility> must come before Asio's coroutine headers with Boost 1.74 and GCC 12.
#include <utility>

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "api/problem.h"
#include "common/crypto.h"
#include "common/log.h"

namespace ndc::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// One accepted connection. Shared between its session coroutine and the shutdown path, which
// posts a close onto the connection's strand; the shared_ptr keeps the stream alive for it.
struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool busy = false;  // read and written only on the connection's strand
};
using ConnectionPtr = std::shared_ptr<Connection>;

// The peer went away or we closed the socket: nothing to answer.
bool IsDisconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == net::error::connection_reset || ec == net::error::eof || ec == net::error::bad_descriptor ||
         ec == http::error::partial_message;
}

std::string NewRequestId() { return HexEncode(SystemRandom()->Bytes(8)); }

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, Handler handler, MetricsRegistry* metrics, Clock* clock)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        clock_(clock),
        ioc_(options_.threads),
        acceptor_(net::make_strand(ioc_)),
        connections_open_(metrics->GetGauge("ndc_http_connections_open", "Open HTTP connections.")),
        in_flight_(metrics->GetGauge("ndc_http_requests_in_flight", "HTTP requests being handled.")),
        metrics_(metrics) {}

  Status Start() {
    beast::error_code ec;
    auto address = net::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgumentError(fmt::format("'{}' is not an IP address to listen on", options_.host));
    tcp::endpoint ep(address, options_.port);
    std::string where = fmt::format("{}:{}", options_.host, options_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return UnavailableError(fmt::format("cannot listen on {}: {}", where, ec.message()));
    port_ = acceptor_.local_endpoint().port();
    net::co_spawn(acceptor_.get_executor(), Accept(), net::detached);
    for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { ioc_.run(); });
    return OkStatus();
  }

  uint16_t port() const { return port_; }

  void Shutdown() {
    if (shutting_down_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& c : connections_) CloseIfIdle(c);
    }
    drain_thread_ = std::thread([this] {
      // Wait for in-flight requests to finish, then stop the workers.
      std::unique_lock<std::mutex> lock(mu_);
      drained_.wait_for(lock, options_.shutdown_grace, [this] { return connections_.empty(); });
      size_t left = connections_.size();
      lock.unlock();
      if (left > 0) log::Warn("http.shutdown.forced", {{"connections", static_cast<int64_t>(left)}});
      ioc_.stop();
    });
  }

  void Wait() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
    if (drain_thread_.joinable()) drain_thread_.join();
  }

 private:
  // Closes the connection if it is waiting for a request. Runs the check on the connection's
  // strand, so it cannot interrupt a request being handled or a response being written.
  void CloseIfIdle(const ConnectionPtr& c) {
    net::post(c->stream.get_executor(), [c] {
      if (c->busy) return;
      beast::error_code ec;
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      c->stream.socket().close(ec);
    });
  }

  net::awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(net::make_strand(ioc_), net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (!acceptor_.is_open() || shutting_down_) co_return;
        log::Warn("http.accept_failed", {{"error", ec.message()}});
        continue;
      }
      auto executor = socket.get_executor();
      net::co_spawn(executor, Session(std::move(socket)), net::detached);
    }
  }

  std::list<ConnectionPtr>::iterator Register(const ConnectionPtr& c) {
    std::lock_guard<std::mutex> lock(mu_);
    connections_.push_back(c);
    connections_open_->Add(1);
    return std::prev(connections_.end());
  }

  void Unregister(std::list<ConnectionPtr>::iterator it) {
    std::lock_guard<std::mutex> lock(mu_);
    connections_.erase(it);
    connections_open_->Add(-1);
    if (connections_.empty()) drained_.notify_all();
  }


  Response ErrorFor(const beast::error_code& ec) {
    if (ec == http::error::body_limit) {
      return ProblemResponse(413, "RESOURCE_EXHAUSTED", "Request body too large",
                             fmt::format("the request body exceeds the limit of {} bytes "
                                         "(server.max_body_bytes); split the upload or raise the limit",
                                         options_.max_body_bytes));
    }
    if (ec == http::error::header_limit) {
      return ProblemResponse(431, "RESOURCE_EXHAUSTED", "Request header fields too large",
                             fmt::format("the request header block exceeds the limit of {} bytes "
                                         "(server.max_header_bytes)",
                                         options_.max_header_bytes));
    }
    return ProblemResponse(400, "INVALID_ARGUMENT", "Malformed HTTP request",
                           fmt::format("the request could not be parsed: {}", ec.message()));
  }

  Request Convert(http::request<http::string_body>& in, const std::string& remote) {
    Request r;
    r.method = std::string(in.method_string());
    r.target = std::string(in.target());
    for (const auto& f : in) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers[name] = std::string(f.value());
    }
    r.body = std::move(in.body());
    r.remote = remote;
    return r;
  }

  http::response<http::string_body> ToBeast(const Response& res, unsigned version, bool keep_alive,
                                            const std::string& request_id) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "ndc");
    if (!res.body.empty() || res.status != 204) out.set(http::field::content_type, res.content_type);
    out.set("X-Request-Id", request_id);
    out.set(http::field::cache_control, "no-store");
    out.set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : res.headers) out.set(k, v);
    out.body() = res.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
  }

  void Observe(const Request& req, const Response& res, int64_t micros) {
    Labels labels{{"method", req.method}, {"code", std::to_string(res.status)},
                  {"route", res.metric_route.empty() ? "unmatched" : res.metric_route}};
    metrics_->GetCounter("ndc_http_requests_total", "HTTP requests by route and status.", labels)->Inc();
    metrics_->GetHistogram("ndc_http_request_duration_seconds", "HTTP request handling time.",
                           {{"route", labels["route"]}})
        ->ObserveMicros(micros);
  }

  net::awaitable<void> Session(tcp::socket socket) {
    beast::error_code ec;
    std::string remote;
    {
      auto ep = socket.remote_endpoint(ec);
      remote = ec ? "?" : fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    beast::tcp_stream& stream = conn->stream;
    auto self = Register(conn);
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options_.max_body_bytes);
      parser.header_limit(options_.max_header_bytes);
      // Between requests the connection is idle (shutdown may close it); once a request's header
      // has arrived, the request is in flight and shutdown lets it finish.
      stream.expires_after(options_.idle_timeout);
      ec = {};
      co_await http::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      if (IsDisconnect(ec)) break;
      conn->busy = true;
      if (!ec && !parser.is_done()) {
        stream.expires_after(options_.request_timeout);
        co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
        if (IsDisconnect(ec)) break;
      }
      in_flight_->Add(1);
      int64_t start = clock_->MonotonicMicros();
      std::string request_id = NewRequestId();
      Request req;
      Response res;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec) {
        // A request we could not read: answer once and close, since the stream position is lost.
        req.method = "?";
        res = ErrorFor(ec);
      } else {
        auto& msg = parser.get();
        version = msg.version();
        keep_alive = msg.keep_alive();
        req = Convert(msg, remote);
        req.request_id = request_id;
        if (!ParseTarget(req.target, &req.path, &req.query)) {
          res = ProblemResponse(400, "INVALID_ARGUMENT", "Malformed request target",
                                "the request target must be an absolute path with valid percent-encoding");
        } else {
          try {
            res = handler_(req);
          } catch (const std::exception& e) {
            log::Error("http.handler_threw", {{"path", req.path}, {"error", e.what()}, {"request_id", request_id}});
            res = ProblemResponse(500, "INTERNAL", "Internal error", "an unexpected error occurred; see the server log");
          }
        }
      }
      keep_alive = keep_alive && !shutting_down_;
      auto out = ToBeast(res, version, keep_alive, request_id);
      stream.expires_after(options_.request_timeout);
      beast::error_code wec;
      co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, wec));
      in_flight_->Add(-1);
      Observe(req, res, clock_->MonotonicMicros() - start);
      conn->busy = false;
      if (wec || !keep_alive || ec || shutting_down_) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
    Unregister(self);
  }

  ServerOptions options_;
  Handler handler_;
  Clock* clock_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  Gauge* connections_open_;
  Gauge* in_flight_;
  MetricsRegistry* metrics_;
  std::vector<std::thread> threads_;
  std::atomic<bool> shutting_down_{false};
  uint16_t port_ = 0;
  std::mutex mu_;
  std::condition_variable drained_;
  std::list<ConnectionPtr> connections_;
  std::thread drain_thread_;
};

HttpServer::HttpServer(ServerOptions options, Handler handler, MetricsRegistry* metrics, Clock* clock)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), metrics, clock)) {}

HttpServer::~HttpServer() {
  impl_->Shutdown();
  impl_->Wait();
}

Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Shutdown() { impl_->Shutdown(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace ndc::api
