#include "api/http_server.h"

// <utility> must come before Asio's coroutine headers with Boost 1.74 and GCC 12.
#include <utility>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <limits>
#include <array>
#include <algorithm>
#include <map>
#include <set>
#include <type_traits>
#include <mutex>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "api/body_spool.h"
#include "api/problem.h"
#include "common/certificate.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "text/unicode.h"

namespace ndc::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

using TlsStream = net::ssl::stream<beast::tcp_stream>;

// One accepted connection. Shared between its session coroutine and the shutdown path, which
// posts a close onto the connection's strand; the shared_ptr keeps the stream alive for it.
struct Connection {
  Connection(tcp::socket s, std::string a) : plain(std::move(s)), address(std::move(a)) {}
  beast::tcp_stream plain;     // moved into `tls` on a TLS server
  const std::string address;   // the peer as Request::peer (PeerKey), for max_connections_per_address
  std::unique_ptr<TlsStream> tls;
  beast::tcp_stream& lowest() { return tls ? tls->next_layer() : plain; }
  bool busy = false;  // read and written only on the connection's strand
};
using ConnectionPtr = std::shared_ptr<Connection>;

// Request::peer: an IPv4 address (also one mapped into IPv6) as is, an IPv6 address by its /64.
std::string PeerKey(const net::ip::address& a) {
  if (a.is_v4()) return a.to_string();
  const net::ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
  net::ip::address_v6::bytes_type bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return net::ip::address_v6(bytes).to_string() + "/64";
}

// How long after server.request_timeout a stalled body's 408 may take to be sent before the
// stream's own deadline closes the connection (ReadBody).
constexpr std::chrono::seconds kStalledBodyGrace{5};

// The peer went away or we closed the socket: nothing to answer.
bool IsDisconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == net::error::connection_reset || ec == net::error::eof || ec == net::error::bad_descriptor ||
         ec == http::error::partial_message || ec == net::ssl::error::stream_truncated ||
         ec == net::error::broken_pipe;
}

// 16 hex digits, unique per server: each thread numbers its requests from a random start drawn
// once from the OS, mixed by splitmix64 (a bijection, so a thread never repeats an id). Not a
// secret, so not worth a getrandom() system call per request.
std::string NewRequestId() {
  thread_local uint64_t next = SystemRandom()->Uint64();
  uint64_t z = (next += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 0; i < 16; ++i) id[i] = kHex[(z >> (60 - 4 * i)) & 15];
  return id;
}

// Every name NDC serves (ids, keys, stored values) is UTF-8, so a target that is not can only
// miss; refusing it here gives one clean 400 instead of a store-dependent 404 or driver error.
bool TargetIsUtf8(const Request& req) {
  if (!text::IsValidUtf8(req.path)) return false;
  for (const auto& [name, value] : req.query) {
    if (!text::IsValidUtf8(name) || !text::IsValidUtf8(value)) return false;
  }
  return true;
}

// Lets a response's release (called from any thread) reach the server only while it exists,
// and collects releases for one hand-over: the audit committer releases a whole group commit's
// responses one after the other, and posting each to its connection's strand from that thread
// would wake a worker (a futex call on each side) per response. Instead the first release of a
// burst posts one drain to the workers, which defers every collected release onto its strand
// from inside the worker (no wake-up).
struct Liveness {
  std::mutex mu;
  bool alive = true;                             // guarded by mu
  std::vector<std::function<void()>> released;   // guarded by mu; run by the drain
};

// A session waiting for its response's release (Response::send_after), on its strand.
struct ReleaseWait {
  explicit ReleaseWait(const net::any_io_executor& ex) : timer(ex, net::steady_timer::time_point::max()) {}
  net::steady_timer timer;
  bool released = false;  // these three: only on the connection's strand
  Status status;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, Handler handler, Preflight preflight, MetricsRegistry* metrics, Clock* clock)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        preflight_(std::move(preflight)),
        clock_(clock),
        ioc_(options_.threads),
        acceptor_(net::make_strand(ioc_)),
        connections_open_(metrics->GetGauge("ndc_http_connections_open", "Open HTTP connections.")),
        in_flight_(metrics->GetGauge("ndc_http_requests_in_flight", "HTTP requests being handled.")),
        refused_(metrics->GetCounter("ndc_http_connections_refused_total",
                                     "Connections closed at once: server.max_connections, or server.max_connections_per_address from their address, were open.")),
        metrics_(metrics) {}

  Status Start() {
    if (started_.exchange(true) || shutting_down_) {
      return FailedPreconditionError("the HTTP server was already started or shut down");
    }
    beast::error_code ec;
    auto address = net::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgumentError(fmt::format("--listen / server.listen: '{}' is not an IP address to listen on; give IP:PORT (127.0.0.1:8080, "
                    "0.0.0.0:8080, [::1]:8080), not a host name",
                    options_.host));
    tcp::endpoint ep(address, options_.port);
    std::string where = fmt::format("{}:{}", options_.host, options_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec == net::error::address_in_use) {
      return UnavailableError(fmt::format("cannot listen on {}: another process already listens there; stop it, or "
                                          "choose another address or port (--listen, server.listen)",
                                          where));
    }
    if (ec == net::error::access_denied) {
      return UnavailableError(fmt::format("cannot listen on {}: not allowed (ports below 1024 need privileges); "
                                          "choose a port above 1023 (--listen, server.listen)",
                                          where));
    }
    if (ec) return UnavailableError(fmt::format("cannot listen on {}: {}", where, ec.message()));
    port_ = acceptor_.local_endpoint().port();
    if (Status tls = SetUpTls(); !tls.ok()) {
      acceptor_.close(ec);
      return tls;
    }
    net::co_spawn(acceptor_.get_executor(), Accept(), net::detached);
    for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { RunWorker(); });
    return OkStatus();
  }

  uint16_t port() const { return port_; }

  // The TLS context when options_ name a certificate (else none: plain HTTP).
  Status SetUpTls() {
    if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) {
      if (!options_.tls_client_ca_file.empty()) {
        return InvalidArgumentError("server.tls_client_ca needs server.tls_cert and server.tls_key (mutual TLS is TLS)");
      }
      return OkStatus();
    }
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return InvalidArgumentError("TLS needs both server.tls_cert (certificate chain, PEM) and server.tls_key "
                                  "(its private key, PEM)");
    }
    auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                     net::ssl::context::single_dh_use);
    beast::error_code ec;
    auto bad = [&](std::string_view setting, const std::string& file) {
      return InvalidArgumentError(fmt::format("{} '{}': {}", setting, file, ec.message()));
    };
    ctx->use_certificate_chain_file(options_.tls_cert_file, ec);
    if (ec) return bad("server.tls_cert", options_.tls_cert_file);
    ctx->use_private_key_file(options_.tls_key_file, net::ssl::context::pem, ec);
    if (ec) return bad("server.tls_key", options_.tls_key_file);
    // Whoever reads the key can pose as this hub to agencies: a key file every user may read is
    // refused (the group may: Debian gives TLS keys to the ssl-cert group, mode 0640).
    if (struct stat st {}; ::stat(options_.tls_key_file.c_str(), &st) == 0 && (st.st_mode & 007) != 0) {
      return FailedPreconditionError(fmt::format(
          "server.tls_key '{}' has mode {:04o}: every user of this machine can read it and pose as this hub; "
          "make it readable by the hub's user (and its group) alone (chmod 640 '{}') and start again",
          options_.tls_key_file, st.st_mode & 07777, options_.tls_key_file));
    }
    if (!options_.tls_client_ca_file.empty()) {
      ctx->load_verify_file(options_.tls_client_ca_file, ec);
      if (ec) return bad("server.tls_client_ca", options_.tls_client_ca_file);
      // Ask for a certificate, verify the one sent, accept a client that sends none.
      ctx->set_verify_mode(net::ssl::verify_peer, ec);
      if (ec) return bad("server.tls_client_ca", options_.tls_client_ca_file);
      // Session resumption would skip the client's certificate; keep every handshake full.
      SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_OFF);
      SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_TICKET);
    }
    tls_ = std::move(ctx);
    return OkStatus();
  }

  ~Impl() {
    std::lock_guard lock(liveness_->mu);
    liveness_->alive = false;  // a release arriving later finds no server to post to
  }

  void Shutdown() {
    if (shutting_down_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : connections_) CloseIfIdle(c);
    drain_thread_ = std::thread([this] {
      SetThreadName("ndc-http-drain");
      // Wait for in-flight requests to finish, then stop the workers.
      std::unique_lock<std::mutex> drain_lock(mu_);
      drained_.wait_for(drain_lock, options_.shutdown_grace, [this] { return connections_.empty(); });
      size_t left = connections_.size();
      drain_lock.unlock();
      if (left > 0) log::Warn("http.shutdown.forced", {{"connections", static_cast<int64_t>(left)}});
      ioc_.stop();
    });
  }

  void Wait() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
    std::thread drain;
    {
      std::lock_guard<std::mutex> lock(mu_);
      drain = std::move(drain_thread_);
    }
    if (drain.joinable()) drain.join();
  }

 private:
  void RunWorker() {
    SetThreadName("ndc-http");
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {  // never let one request take the process down
        log::Error("http.worker_exception", {{"error", e.what()}});
      }
    }
  }

  // Closes the connection if it is waiting for a request. Runs the check on the connection's
  // strand, so it cannot interrupt a request being handled or a response being written.
  void CloseIfIdle(const ConnectionPtr& c) {
    net::post(c->lowest().get_executor(), [c] {
      if (c->busy) return;
      beast::error_code ec;
      c->lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
      c->lowest().socket().close(ec);
    });
  }

  net::awaitable<void> Accept() {
    int64_t last_warning = 0;
    for (;;) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor_.async_accept(net::make_strand(ioc_), net::redirect_error(net::use_awaitable, ec));
      if (!acceptor_.is_open() || shutting_down_) co_return;
      if (ec) {
        // E.g. out of file descriptors: back off instead of spinning, and warn at most once a second.
        if (clock_->MonotonicMicros() - last_warning > 1000000) {
          log::Warn("http.accept_failed", {{"error", ec.message()}});
          last_warning = clock_->MonotonicMicros();
        }
        net::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      beast::error_code peer_ec;
      const auto peer = socket.remote_endpoint(peer_ec);
      auto conn = std::make_shared<Connection>(std::move(socket), peer_ec ? "?" : PeerKey(peer.address()));
      if (!Register(conn)) {
        refused_->Inc();
        beast::error_code ignored;
        conn->plain.socket().close(ignored);
        continue;
      }
      net::co_spawn(conn->plain.get_executor(), Session(conn), net::detached);
    }
  }

  // False when the connection may not be served (too many open, from its address or in all, or
  // shutting down). A cap that is reached is logged, at most every 10 s.
  bool Register(const ConnectionPtr& c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return false;
    const char* cap = nullptr;
    int& from_address = per_address_[c->address];
    if (static_cast<int>(connections_.size()) >= options_.max_connections) {
      cap = "server.max_connections";
    } else if (from_address >= options_.max_connections_per_address) {
      cap = "server.max_connections_per_address";
    }
    if (cap != nullptr) {
      const int64_t open_from_address = from_address;
      if (open_from_address == 0) per_address_.erase(c->address);  // `from_address` dangles after this
      const int64_t now = clock_->MonotonicMicros();
      if (now - last_cap_warning_ >= 10'000'000) {
        last_cap_warning_ = now;
        log::Warn("http.connections_capped", {{"limit", cap}, {"address", c->address},
                                              {"open", static_cast<int64_t>(connections_.size())},
                                              {"from_address", open_from_address}});
      }
      return false;
    }
    ++from_address;
    connections_.insert(c);
    connections_open_->Add(1);
    return true;
  }

  void Unregister(const ConnectionPtr& c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (connections_.erase(c) == 0) return;
    if (auto it = per_address_.find(c->address); it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
    connections_open_->Add(-1);
    if (connections_.empty()) drained_.notify_all();
  }

  static Response TooLarge(uint64_t limit, std::string_view limit_name) {
    return ProblemResponse(413, "RESOURCE_EXHAUSTED", "Request body too large",
                           fmt::format("the request body exceeds the limit of {} bytes ({}); split the upload or "
                                       "raise the limit",
                                       limit, limit_name));
  }

  Response ErrorFor(const beast::error_code& ec, uint64_t body_limit = 0, std::string_view limit_name = {}) {
    if (ec == http::error::body_limit) {
      return limit_name.empty() ? TooLarge(options_.max_body_bytes, "server.max_body_bytes")
                                : TooLarge(body_limit, limit_name);
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

  // Why a request header may not be served as sent, or empty: HTTP/1.1 needs exactly one Host
  // (RFC 9112, 3.2), and a header that says who the caller is or what the body is must not come
  // twice (which one counts would differ between NDC and a proxy in front of it).
  static std::string HeaderProblem(const http::request_header<>& in) {
    if (in.version() >= 11 && in.count(http::field::host) != 1) {
      return in.count(http::field::host) == 0 ? "an HTTP/1.1 request needs a Host header"
                                              : "the Host header may appear only once";
    }
    for (std::string_view name : {"Authorization", "X-API-Key", "Content-Type", "Content-Encoding", "Host"}) {
      if (in.count(beast::string_view(name.data(), name.size())) > 1) {
        return fmt::format("the {} header may appear only once", name);
      }
    }
    // Two credentials: which one counts would be NDC's choice, unseen by the caller or a proxy.
    if (in.count(http::field::authorization) > 0 && in.count("X-API-Key") > 0) {
      return "send the API key in Authorization or in X-API-Key, not both";
    }
    // RFC 9112, 6.3: a request's body length is known from Transfer-Encoding only when its last
    // coding is chunked. Any other (identity, gzip, "chunked, identity") must be refused and the
    // connection closed: read as no body, its bytes would be served as the next request — one a
    // proxy in front, reading the body otherwise, never saw (review of 2026-12-02). Several
    // Transfer-Encoding headers are one list.
    std::string_view last_coding;
    for (const auto& f : in) {
      if (f.name() != http::field::transfer_encoding) continue;
      last_coding = LastTransferCoding(std::string_view(f.value().data(), f.value().size()), last_coding);
      if (last_coding.empty()) last_coding = "(empty)";
    }
    if (!last_coding.empty() && !beast::iequals(beast::string_view(last_coding.data(), last_coding.size()), "chunked")) {
      return fmt::format("Transfer-Encoding must end in chunked (RFC 9112, 6.3), not '{}'; send the body chunked or "
                         "with Content-Length",
                         last_coding.substr(0, 64));
    }
    return {};
  }

  // Methods whose requests carry no body in NDC's API.
  static bool TakesNoBody(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "DELETE" || method == "OPTIONS";
  }

  static Request FromHeader(const http::request_header<>& in, const std::string& remote) {
    Request r;
    r.method = std::string(in.method_string());
    r.target = std::string(in.target());
    for (const auto& f : in) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers[name] = std::string(f.value());
    }
    r.remote = remote;
    return r;
  }

  static http::response<http::string_body> ToBeast(const Response& res, unsigned version, bool keep_alive,
                                                   const std::string& request_id, bool is_head) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "ndc");
    bool no_content = res.status == 204 || res.status == 304 || res.status < 200;
    if (!no_content) out.set(http::field::content_type, res.content_type);
    out.set("X-Request-Id", request_id);
    out.set(http::field::cache_control, "no-store");
    out.set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : res.headers) out.set(k, v);
    out.keep_alive(keep_alive);
    if (no_content) return out;  // RFC 9110 8.6: no Content-Length, no body
    if (is_head) {
      out.content_length(res.body.size());  // what GET would send; no body follows
    } else {
      out.body() = res.body;
      out.prepare_payload();
    }
    return out;
  }

  void Observe(const Request& req, const Response& res, int64_t micros) {
    // Only known methods become label values: clients choose the method string, and every label
    // value is a series kept forever.
    static const std::set<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    Labels labels{{"method", kMethods.contains(req.method) ? req.method : "other"},
                  {"code", std::to_string(res.status)},
                  {"route", res.metric_route.empty() ? "unmatched" : res.metric_route}};
    metrics_->GetCounter("ndc_http_requests_total", "HTTP requests by route and status.", labels)->Inc();
    metrics_->GetHistogram("ndc_http_request_duration_seconds", "HTTP request handling time.",
                           {{"route", labels["route"]}})
        ->ObserveMicros(micros);
  }

  // After an error response to a request whose body was not read: stop sending, then discard what
  // the client still sends for a moment, so that closing does not reset the connection and
  // destroy the response before the client reads it.
  template <class Stream>
  net::awaitable<void> Linger(Stream& stream) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    std::array<char, 16384> scratch;
    size_t discarded = 0;
    while (!ec && discarded < (size_t{4} << 20)) {
      discarded += co_await stream.async_read_some(net::buffer(scratch), net::redirect_error(net::use_awaitable, ec));
    }
  }

  // Reads the body of a request that passed preflight: into req.body, or for a route that asked
  // for it (req.spool) into a spool file, req.body_file. Returns the response that refuses the
  // body (413, malformed, spool failure) instead; leaves a disconnect in `ec`.
  template <class Stream>
  net::awaitable<std::optional<Response>> ReadBody(Stream& stream, beast::flat_buffer& buffer,
                                                   http::request_parser<http::string_body>& parser, Request& req,
                                                   beast::error_code& ec) {
    const uint64_t limit = req.spool ? req.spool->max_bytes : options_.max_body_bytes;
    const std::string limit_name = req.spool ? req.spool->limit_name : "server.max_body_bytes";
    if (auto length = parser.content_length(); length && *length > limit) co_return TooLarge(limit, limit_name);
    if (!parser.is_done()) {
      // The client may be waiting for our go-ahead before it sends a large body (RFC 9110 10.1.1).
      auto expect = req.Header("expect");
      if (expect && beast::iequals(beast::string_view(expect->data(), expect->size()), "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        beast::get_lowest_layer(stream).expires_after(options_.request_timeout);
        co_await http::async_write(stream, go_on, net::redirect_error(net::use_awaitable, ec));
        if (ec) {
          ec = net::error::connection_reset;
          co_return std::nullopt;
        }
      }
    }
    if (!req.spool || parser.is_done()) {
      parser.body_limit(limit);
      if (!parser.is_done()) {
        // A body that stalls is answered 408 before the connection closes: this deadline cancels
        // the read a moment before the stream's own one would close the socket unanswered. The
        // deadline's handler and this coroutine run on the connection's strand.
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_after(options_.request_timeout + kStalledBodyGrace);
        struct Deadline {
          bool reading = true;
          bool fired = false;
        };
        auto state = std::make_shared<Deadline>();
        net::steady_timer deadline(stream.get_executor(), options_.request_timeout);
        deadline.async_wait([&lowest, state](beast::error_code e) {
          if (e || !state->reading) return;
          state->fired = true;
          lowest.cancel();
        });
        // A step at a time: the deadline may fire between two steps, when no read is pending for
        // its cancel to stop; the loop then sees it.
        while (!ec && !parser.is_done() && !state->fired) {
          co_await http::async_read_some(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
        }
        state->reading = false;
        deadline.cancel();
        if (state->fired && !parser.is_done() && (!ec || ec == net::error::operation_aborted)) {
          ec = {};
          co_return ProblemResponse(
              408, "DEADLINE_EXCEEDED", "Request body too slow",
              fmt::format("the request body did not arrive within {} s (server.request_timeout_seconds); nothing "
                          "was applied: send the request again",
                          std::chrono::duration_cast<std::chrono::seconds>(options_.request_timeout).count()),
              req.path, req.request_id);
        }
        if (IsDisconnect(ec)) co_return std::nullopt;
        if (ec) co_return ErrorFor(ec, limit, limit_name);
      }
      req.body = parser.release().body();
      co_return std::nullopt;
    }
    co_return co_await SpoolBody(stream, buffer, parser, req, ec);
  }

  // Streams the body into a new file under req.spool->dir, never holding more than the read
  // buffer in memory. The timeout bounds each read rather than the whole upload, so a batch of
  // many gigabytes may take as long as it needs while it keeps moving.
  template <class Stream>
  net::awaitable<std::optional<Response>> SpoolBody(Stream& stream, beast::flat_buffer& buffer,
                                                    http::request_parser<http::string_body>& header_parser,
                                                    Request& req, beast::error_code& ec) {
    const Request::BodySpool& spool = *req.spool;
    Result<SpoolFile> file = CreateSpoolFile(spool.dir);
    if (!file.ok()) {
      if (file.status().code() != StatusCode::kResourceExhausted) co_return ProblemFromStatus(file.status(), req);
      log::Error("http.spool_failed", {{"path", req.path}, {"request_id", req.request_id},
                                       {"error", file.status().message()}});
      co_return ProblemResponse(507, "RESOURCE_EXHAUSTED", "Insufficient storage",
                                "the server has no room to receive this upload now; retry later (request id " +
                                    req.request_id + ")",
                                req.path, req.request_id);
    }
    req.body_file = file->path;  // removed by the session, whatever happens next
    beast::file out;
    out.native_handle(file->fd);
    http::request_parser<http::file_body> parser(std::move(header_parser));
    parser.body_limit(spool.max_bytes);
    parser.get().body().reset(std::move(out), ec);
    if (auto length = parser.content_length(); !ec && length && !SpoolHasRoom(spool.dir, *length, options_.spool_reserve_bytes)) {
      co_return NoRoomToSpool(req);
    }
    // Each window of request_timeout must bring min_upload_bytes_per_second on average.
    const auto window = std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.request_timeout);
    const uint64_t window_minimum =
        options_.min_upload_bytes_per_second * static_cast<uint64_t>(options_.request_timeout.count());
    auto window_start = std::chrono::steady_clock::now();
    uint64_t window_bytes = 0, since_room_check = 0;
    while (!ec && !parser.is_done()) {
      beast::get_lowest_layer(stream).expires_after(options_.request_timeout);
      const size_t n =
          co_await http::async_read_some(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      window_bytes += n;
      since_room_check += n;
      if (ec) break;
      if (since_room_check >= (uint64_t{64} << 20)) {  // a statvfs per 64 MiB
        since_room_check = 0;
        if (!SpoolHasRoom(spool.dir, 0, options_.spool_reserve_bytes)) co_return NoRoomToSpool(req);
      }
      if (const auto now = std::chrono::steady_clock::now(); now - window_start >= window) {
        if (window_bytes < window_minimum) {
          const double seconds = std::chrono::duration<double>(now - window_start).count();
          co_return ProblemResponse(
              408, "DEADLINE_EXCEEDED", "Upload too slow",
              fmt::format("the upload brought {} bytes in the last {:.0f} s, below the minimum of {} bytes a second "
                          "(server.min_upload_bytes_per_second); nothing was applied: send it again over a faster "
                          "link, or ask the operator to lower the minimum",
                          window_bytes, seconds, options_.min_upload_bytes_per_second),
              req.path, req.request_id);
        }
        window_start = now;
        window_bytes = 0;
      }
    }
    if (IsDisconnect(ec)) co_return std::nullopt;
    if (!ec) co_return std::nullopt;
    if (ec.category() == beast::http::make_error_code(http::error::body_limit).category()) {
      co_return ErrorFor(ec, spool.max_bytes, spool.limit_name);
    }
    // Not the protocol: writing the spool file failed (disk full, I/O error).
    log::Error("http.spool_failed", {{"path", req.path}, {"request_id", req.request_id}, {"error", ec.message()}});
    bool full = ec == beast::errc::no_space_on_device;
    ec = {};
    co_return ProblemResponse(full ? 507 : 500, full ? "RESOURCE_EXHAUSTED" : "INTERNAL",
                              full ? "Insufficient storage" : "Internal error",
                              "the server could not store this upload; retry later (request id " + req.request_id +
                                  ")",
                              req.path, req.request_id);
  }

  Response NoRoomToSpool(const Request& req) const {
    log::Error("http.spool_reserve", {{"path", req.path}, {"request_id", req.request_id}});
    return ProblemResponse(507, "RESOURCE_EXHAUSTED", "Insufficient storage",
                           fmt::format("the server keeps {} bytes free beside its stores "
                                       "(server.spool_reserve_bytes), and this upload would not leave them; nothing "
                                       "was applied: retry later, or the operator must free disk space (request id {})",
                                       options_.spool_reserve_bytes, req.request_id),
                           req.path, req.request_id);
  }

  static void DrainReleases(Liveness& liveness) {
    std::vector<std::function<void()>> released;
    {
      std::lock_guard lock(liveness.mu);
      released.swap(liveness.released);
    }
    for (auto& release : released) release();
  }

  // Calls `gate` and resumes on `ex` once it is released, with its status.
  net::awaitable<Status> AwaitRelease(ReleaseGate gate, net::any_io_executor ex) {
    auto wait = std::make_shared<ReleaseWait>(ex);
    gate([this, wait, ex, liveness = liveness_](Status s) {
      std::lock_guard lock(liveness->mu);
      if (!liveness->alive) return;  // `this` is gone or going
      liveness->released.push_back([wait, ex, s = std::move(s)]() mutable {
        net::defer(ex, [wait, s = std::move(s)]() mutable {
          wait->status = std::move(s);
          wait->released = true;
          wait->timer.cancel();
        });
      });
      if (liveness->released.size() == 1) net::post(ioc_, [liveness] { DrainReleases(*liveness); });
    });
    while (!wait->released) {
      beast::error_code ec;
      co_await wait->timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    co_return wait->status;
  }

  net::awaitable<void> Session(ConnectionPtr conn) {
    struct Guard {  // unregisters however the coroutine ends
      Impl* impl;
      ConnectionPtr conn;
      ~Guard() { impl->Unregister(conn); }
    } guard{this, conn};
    beast::error_code ec;
    std::string remote;
    {
      auto ep = conn->plain.socket().remote_endpoint(ec);
      remote = ec ? "?" : fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }
    if (!tls_) {
      conn->plain.expires_after(options_.header_timeout);  // the first request's header (Serve)
      co_await Serve(conn->plain, conn, remote, "");
      co_return;
    }
    conn->tls = std::make_unique<TlsStream>(std::move(conn->plain), *tls_);
    // The handshake and then the first request's header share one deadline (Serve continues
    // it): a connection that sends nothing holds its slot header_timeout at most, TLS or not.
    conn->lowest().expires_after(std::min(options_.header_timeout, options_.request_timeout));
    co_await conn->tls->async_handshake(net::ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
    if (ec) {  // not TLS, an untrusted client certificate, a timeout: nothing to answer
      log::Debug("http.tls_handshake_failed", {{"remote", remote}, {"error", ec.message()}});
      beast::error_code ignored;
      conn->lowest().socket().close(ignored);
      co_return;
    }
    co_await Serve(*conn->tls, conn, remote, ClientCertificateSha256(conn->tls->native_handle()));
  }

  // The fingerprint of the client certificate the handshake verified, or "" if none was sent.
  static std::string ClientCertificateSha256(SSL* ssl) {
    X509* cert = SSL_get_peer_certificate(ssl);
    if (cert == nullptr) return "";
    std::string out;
    if (SSL_get_verify_result(ssl) == X509_V_OK) {
      unsigned char* der = nullptr;
      int len = i2d_X509(cert, &der);
      if (len > 0) out = CertificateSha256FromDer(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
      OPENSSL_free(der);
    }
    X509_free(cert);
    return out;
  }

  // The requests of one connection, over plain TCP or TLS.
  template <class Stream>
  net::awaitable<void> Serve(Stream& stream, ConnectionPtr conn, std::string remote, std::string client_cert) {
    beast::error_code ec;
    // Bounded: Beast limits the header block but not chunk-size lines or trailers.
    beast::flat_buffer buffer(static_cast<size_t>(options_.max_header_bytes) + 65536);
    bool first_request = true;
    for (;;) {
      http::request_parser<http::string_body> parser;
      // The body limit depends on the route (see ReadBody); Beast would otherwise refuse a large
      // Content-Length while reading the header, before the route is known. (Not boost::none:
      // Beast 1.74 compares the length with the optional and refuses every body.)
      parser.body_limit(std::numeric_limits<uint64_t>::max());
      parser.header_limit(options_.max_header_bytes);
      // Between requests the connection is idle (shutdown may close it); once a request's header
      // has arrived, the request is in flight and shutdown lets it finish. A kept-alive
      // connection may idle up to idle_timeout before the next request's first byte; the header
      // then has header_timeout to arrive, and so has a new connection's first request.
      ec = {};
      if (!first_request && buffer.size() == 0) {
        // The next request's first bytes, under the idle timeout, read through the stream itself
        // (over TLS: decrypted, including any the TLS layer already holds); the parser then takes
        // them from `buffer`.
        beast::get_lowest_layer(stream).expires_after(options_.idle_timeout);
        const size_t got = co_await stream.async_read_some(buffer.prepare(4096), net::redirect_error(net::use_awaitable, ec));
        if (ec) break;  // closed, idle too long, or shut down
        buffer.commit(got);
      }
      // A new connection's first header continues the deadline set at accept (or after the TLS
      // handshake, which shared it); a later one gets header_timeout from its first byte.
      if (!first_request) beast::get_lowest_layer(stream).expires_after(options_.header_timeout);
      first_request = false;
      co_await http::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      if (IsDisconnect(ec)) break;
      conn->busy = true;
      if (!beast::get_lowest_layer(stream).socket().is_open()) break;  // closed by shutdown just before we resumed
      int64_t start = clock_->MonotonicMicros();
      in_flight_->Add(1);
      Request req;
      struct SpoolCleanup {  // the spooled body (if any) never outlives its request
        std::string& path;
        void Now() {
          if (!path.empty()) ::unlink(path.c_str());
          path.clear();
        }
        ~SpoolCleanup() { Now(); }
      } spool_cleanup{req.body_file};
      Response res;
      bool keep_alive = false;
      bool body_unread = true;
      unsigned version = 11;
      if (ec) {
        req.method = "?";
        res = ErrorFor(ec);
      } else {
        const auto& msg = parser.get();
        version = msg.version();
        keep_alive = msg.keep_alive();
        req = FromHeader(msg.base(), remote);
        req.peer = conn->address;
        req.client_cert_sha256 = client_cert;
        req.request_id = NewRequestId();
        std::optional<Response> early;
        bool framing_broken = false;  // the body's end is unknown: nothing more is read on this connection
        if (std::string bad = HeaderProblem(msg.base()); !bad.empty()) {
          early = ProblemResponse(400, "INVALID_ARGUMENT", "Malformed request header", bad, "", req.request_id);
          framing_broken = true;
        } else if (!parser.is_done() && TakesNoBody(req.method)) {
          // Never read, so never held in memory: public routes would otherwise buffer it.
          early = ProblemResponse(400, "INVALID_ARGUMENT", "Unexpected request body",
                                  fmt::format("a {} request takes no body; send its parameters in the query",
                                              req.method),
                                  "", req.request_id);
        } else if (!ParseTarget(req.target, &req.path, &req.query)) {
          early = ProblemResponse(400, "INVALID_ARGUMENT", "Malformed request target",
                                  "the request target must be an absolute path with valid percent-encoding, "
                                  "no encoded '/' or NUL, and each query parameter at most once",
                                  "", req.request_id);
        } else if (!TargetIsUtf8(req)) {
          early = ProblemResponse(400, "INVALID_ARGUMENT", "Malformed request target",
                                  "the decoded path and query must be UTF-8 (percent-encode each byte of a "
                                  "UTF-8 sequence)",
                                  "", req.request_id);
        } else if (preflight_ && !parser.is_done()) {
          // Only a request with a body is checked before it is read; one without is checked
          // by the handler (the router authenticates it there, inside the route's read scope).
          early = preflight_(req);
        }
        if (early) {
          res = std::move(*early);
          body_unread = !parser.is_done() || framing_broken;
        } else {
          std::optional<Response> refused = co_await ReadBody(stream, buffer, parser, req, ec);
          if (IsDisconnect(ec)) {
            in_flight_->Add(-1);
            break;
          }
          if (refused) {
            res = std::move(*refused);
          } else {
            body_unread = false;
            // The handler may run long (an ingested batch); the response write below restarts the timer.
            try {
              res = handler_(req);
            } catch (const std::exception& e) {
              log::Error("http.handler_threw", {{"path", req.path}, {"error", e.what()}, {"request_id", req.request_id}});
              res = ProblemResponse(500, "INTERNAL", "Internal error", "an unexpected error occurred; see the server log");
            }
          }
        }
      }
      if (res.send_after) {
        // E.g. the audit entry of a data access: nothing is sent before it is durable. The
        // worker thread serves other connections meanwhile.
        Status released = co_await AwaitRelease(std::move(res.send_after), stream.get_executor());
        res.send_after = nullptr;
        if (!released.ok()) {
          log::Error("http.release_failed", {{"path", req.path}, {"request_id", req.request_id},
                                             {"error", released.message()}});
          std::string metric_route = std::move(res.metric_route);
          res = ProblemResponse(500, "INTERNAL", "Internal error", released.message(), req.path, req.request_id);
          res.metric_route = std::move(metric_route);
        }
      }
      spool_cleanup.Now();  // before the answer: a client that has it may look at the disk
      if (req.request_id.empty()) req.request_id = NewRequestId();
      keep_alive = keep_alive && !shutting_down_ && !body_unread;
      auto out = ToBeast(res, version, keep_alive, req.request_id, req.method == "HEAD");
      // Counted before the response leaves, so a client that has its answer also sees it counted.
      Observe(req, res, clock_->MonotonicMicros() - start);
      beast::get_lowest_layer(stream).expires_after(options_.request_timeout);
      beast::error_code wec;
      co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, wec));
      in_flight_->Add(-1);
      conn->busy = false;
      if (!wec && body_unread) co_await Linger(stream);
      if (wec || !keep_alive || shutting_down_) break;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
    beast::get_lowest_layer(stream).socket().close(ignored);
  }

  ServerOptions options_;
  Handler handler_;
  Preflight preflight_;
  Clock* clock_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  Gauge* connections_open_;
  Gauge* in_flight_;
  Counter* refused_;
  MetricsRegistry* metrics_;
  std::vector<std::thread> threads_;
  std::atomic<bool> started_{false};
  std::atomic<bool> shutting_down_{false};
  uint16_t port_ = 0;
  std::mutex mu_;
  std::condition_variable drained_;
  std::set<ConnectionPtr> connections_;
  std::map<std::string, int> per_address_;  // open connections by peer address (under mu_)
  int64_t last_cap_warning_ = -10'000'000;  // MonotonicMicros of the last http.connections_capped
  std::thread drain_thread_;
  std::shared_ptr<Liveness> liveness_ = std::make_shared<Liveness>();
  std::unique_ptr<net::ssl::context> tls_;  // set by Start() for HTTPS
};

HttpServer::HttpServer(ServerOptions options, Handler handler, MetricsRegistry* metrics, Clock* clock,
                       Preflight preflight)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(preflight), metrics, clock)) {}

HttpServer::~HttpServer() {
  impl_->Shutdown();
  impl_->Wait();
}

Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Shutdown() { impl_->Shutdown(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace ndc::api
