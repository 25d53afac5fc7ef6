// RFC 9457 problem details (application/problem+json) for every error NDC's HTTP API returns.
//
// Body: {"type": "urn:ndc:problem:<code>", "title", "status", "detail", "code" (canonical code
// name, e.g. "NOT_FOUND"), "instance" (request path, when known), "request_id" (when known)}.
// The type URIs are listed in docs/api/problems.md. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/http.h"
#include "common/status.h"

namespace ndc::api {

// The longest `detail` a problem carries; a longer one is cut (at a character boundary) and says
// how long it was: details may quote the caller's input.
inline constexpr size_t kMaxDetailBytes = 2000;

// A problem response with an explicit HTTP status (e.g. 413, 431 from the server itself).
// `reason`, if given, is the stable reason name of a refusal (e.g. "rate_limited").
Response ProblemResponse(int http_status, std::string_view code_name, std::string_view title,
                         std::string_view detail, std::string_view instance = {},
                         std::string_view request_id = {}, std::string_view reason = {});

// A problem response for a non-OK Status: the HTTP status is HttpStatusFor(code), the detail is
// the status message — except for 5xx codes and messages carrying database driver text, which
// are logged and replaced by a generic detail with the request id.
//
// RESOURCE_EXHAUSTED is 429 only for a caller over its rate (`rate_limited`: the route set a
// Retry-After). Otherwise it is the server's own limit: 507 when the store or a disk is full
// (nothing more could be saved: retrying soon will not help, freeing space will), else 503 (out
// of memory or connections: retry later).
Response ProblemFromStatus(const Status& status, const Request& request, bool rate_limited = false);

// Whether `status` carries a database driver's text ("sqlite: ", "postgresql: "): the store's own
// failure, whatever its code (a read-only file is kFailedPrecondition, a full disk
// kResourceExhausted). A refusal of the caller (kUnauthenticated, kPermissionDenied, kNotFound)
// often quotes what the caller sent, so there only a message that leads with the driver counts.
bool CarriesDriverText(const Status& status);

// Whether a status message says a store or a disk has no room left (SQLite's "database or disk is
// full", PostgreSQL's "could not extend file", ENOSPC, a quota).
bool SaysStorageIsFull(std::string_view message);

// The context a change's handler puts before the error when the change committed but its audit
// entry could not be written (ApiService::AuditChange); ProblemFromStatus recognises it.
inline constexpr std::string_view kUnauditedChange = "the change was made but its audit entry failed";

// "urn:ndc:problem:not-found" for NOT_FOUND.
std::string ProblemType(std::string_view code_name);

}  // namespace ndc::api
