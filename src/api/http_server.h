// HttpServer: an HTTP/1.1 server (Boost.Beast) with keep-alive, a pool of worker threads,
// limits on header and body size (431 / 413, answered as problem+json), timeouts, metrics,
// and graceful shutdown: Shutdown() stops accepting, closes idle keep-alive connections, lets
// in-flight requests finish (up to the grace period) and then stops the workers.
//
// The handler is called on a worker thread, concurrently for different connections; it must
// be thread-safe. It must not throw; if it does, the client gets a 500 problem+json and the
// exception is logged. This is the only file that includes Beast (slow to compile).
//
// Bodies: read into Request::body up to max_body_bytes (413 above), unless the preflight set
// Request::spool: then the body is streamed into a file (Request::body_file) under the spool's
// limit, and the file is removed when the handler returns. `Expect: 100-continue` is answered
// once the preflight has accepted the request, so a refused client never sends its body.
//
// Timeouts: idle_timeout between requests; request_timeout for the header, the body (for a
// spooled body: each read, so a long upload that keeps moving is never cut, as long as it keeps
// min_upload_bytes_per_second) and the response. A body that misses its deadline is answered 408
// (DEADLINE_EXCEEDED) and the connection closed.
// The handler itself is not timed: it runs on the worker thread until it returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"

namespace ndc::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port; see HttpServer::port()
  int threads = 2;
  uint64_t max_body_bytes = 1ull << 20;
  uint32_t max_header_bytes = 16 << 10;
  std::chrono::seconds request_timeout{60};
  std::chrono::seconds idle_timeout{75};
  std::chrono::seconds shutdown_grace{30};
  int max_connections = 1024;  // further connections are closed at once
  // Of those, at most this many from one peer address: one client cannot take every slot.
  int max_connections_per_address = 256;
  // How long a request's header may take to arrive: from the connection's opening for its first
  // request, from the first byte of each later one (a keep-alive connection waits up to
  // idle_timeout for that byte). Bounds clients that open connections and send nothing, or send
  // a header a byte at a time.
  std::chrono::seconds header_timeout{10};
  // Spooled uploads (batches): each request_timeout window must bring at least this many bytes a
  // second on average, else the upload is cut (408): a client trickling a byte a minute would
  // otherwise hold an upload slot forever. 0: no minimum.
  uint64_t min_upload_bytes_per_second = 4096;
  // Spooling stops (507) rather than leave less than this free on the spool's file system, which
  // is the stores' too: a full disk would stop audit commits, and with them every data answer.
  uint64_t spool_reserve_bytes = 1ull << 30;
  // HTTPS: with a certificate chain and its private key (PEM files) the server speaks only TLS
  // (1.2 or newer). With a client CA bundle it also asks every client for a certificate and
  // verifies it against those CAs (mutual TLS): a client without one may still connect (its
  // API key must then be unbound), a client with an unverifiable one is refused in the
  // handshake, and a verified one's SHA-256 fingerprint is Request::client_cert_sha256.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
};

using Handler = std::function<Response(Request&)>;
// Called once the header of a request WITH a body has arrived, before the body is read. Returning
// a response ends the request there: the body is never read and the connection is closed
// afterwards. Used to refuse unknown routes and unauthenticated callers before they can upload
// anything. A request without a body goes straight to the handler, which must then do the same
// checks (Router::Handle does).
using Preflight = std::function<std::optional<Response>(Request&)>;

class HttpServer {
 public:
  // `metrics` and `clock` must outlive the server.
  HttpServer(ServerOptions options, Handler handler, MetricsRegistry* metrics, Clock* clock,
             Preflight preflight = nullptr);
  ~HttpServer();  // Shutdown() then Wait()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the worker threads. kInvalidArgument for a bad host or unreadable TLS
  // files (naming the file); kUnavailable when the
  // address cannot be bound (e.g. the port is in use), naming the address; kFailedPrecondition
  // when called twice or after Shutdown().
  Status Start();
  // The bound port (useful with port 0). Valid after Start().
  uint16_t port() const;
  // Begins a graceful shutdown and returns at once. Safe from any thread, more than once.
  void Shutdown();
  // Blocks until the server has stopped (after Shutdown() and the drain).
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndc::api
