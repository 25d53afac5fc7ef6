// Plain HTTP request/response values, independent of the HTTP library, so that only
// http_server.cc includes Boost.Beast (it is slow to compile) and handlers stay testable.
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "common/status.h"

namespace ndc::api {

struct Request {
  std::string method;                         // "GET"
  std::string target;                         // raw "/v1/x?a=b"
  std::string path;                           // percent-decoded path "/v1/x"
  std::map<std::string, std::string> query;   // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  std::string remote;                         // "127.0.0.1:5555"
  // The client as per-client limits count it: its IPv4 address, or its IPv6 address's /64 (one
  // subscriber's usual allocation: counting whole /128s, one client would be countless).
  std::string peer;
  // Set by the server on a mutual-TLS connection: the SHA-256 fingerprint (64 lower-case hex
  // digits) of the client certificate it verified; empty without TLS or without a certificate.
  std::string client_cert_sha256;
  std::string request_id;                     // set by the server
  // Set by the router's preflight once the caller is authenticated and allowed (never by clients).
  std::optional<auth::Principal> principal;

  // Set by a route's preflight guard (never by clients) for routes whose bodies may be far larger
  // than memory: the server then streams the body into a new file in `dir` (`body_file`; `body`
  // stays empty), refuses it with 413 above `max_bytes` instead of server.max_body_bytes, and
  // removes the file once the handler has returned.
  struct BodySpool {
    std::string dir;
    uint64_t max_bytes = 0;
    std::string limit_name;  // the setting behind max_bytes, named in the 413 ("ingest.max_batch_bytes")
  };
  std::optional<BodySpool> spool;
  std::string body_file;  // the spooled body's path, when `spool` was set
  // Set by a preflight guard: held while the body arrives and the handler runs, released with
  // the request however it ends (an upload cut off never reaches the handler).
  std::shared_ptr<void> hold;

  // Header value by lower-case name, or nullopt.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

// What a response must wait for before any byte of it is sent — a data endpoint's audit entry
// becoming durable. The server calls the gate once with `release` and sends nothing until
// `release` is called, exactly once, from any thread: OkStatus() sends the response; an error
// replaces it with a 500 problem, so nothing of it leaves. No server thread is held meanwhile.
using ReleaseGate = std::function<void(std::function<void(Status)> release)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string metric_route;  // route pattern for metrics labels, e.g. "/v1/datasets/{id}"
  ReleaseGate send_after;    // empty: send at once
};

// Splits "/a/b?x=1&y=%20" into a decoded path and query map. Returns false when the target is
// not origin-form or holds bad percent-encoding, an encoded '/' in the path, a NUL byte, or the
// same query parameter twice.
bool ParseTarget(std::string_view target, std::string* path, std::map<std::string, std::string>* query);

// Percent-decodes; returns false on a malformed escape or a decoded NUL.
bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space);

// The last transfer coding of one Transfer-Encoding header's comma-separated list (spaces and
// tabs around each trimmed), or `before` — the last of the earlier headers — if the list names
// none. RFC 9112, 6.3: only a request whose last coding is chunked has a known body length.
std::string_view LastTransferCoding(std::string_view list, std::string_view before);

}  // namespace ndc::api
