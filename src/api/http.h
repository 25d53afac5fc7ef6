// Plain HTTP request/response values, independent of the HTTP library, so that only
// http_server.cc includes Boost.Beast (it is slow to compile) and handlers stay testable.
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"

namespace ndc::api {

struct Request {
  std::string method;                         // "GET"
  std::string target;                         // raw "/v1/x?a=b"
  std::string path;                           // percent-decoded path "/v1/x"
  std::map<std::string, std::string> query;   // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  std::string remote;                         // "127.0.0.1:5555"
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

  // Header value by lower-case name, or nullopt.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string metric_route;  // route pattern for metrics labels, e.g. "/v1/datasets/{id}"
};

// Splits "/a/b?x=1&y=%20" into a decoded path and query map. Returns false when the target is
// not origin-form or holds bad percent-encoding, an encoded '/' in the path, or a NUL byte.
bool ParseTarget(std::string_view target, std::string* path, std::map<std::string, std::string>* query);

// Percent-decodes; returns false on a malformed escape or a decoded NUL.
bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space);

}  // namespace ndc::api
