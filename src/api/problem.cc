#include "api/problem.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace ndc::api {
namespace {

std::string_view TitleFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "Invalid request";
    case StatusCode::kFailedPrecondition: return "Request not allowed in the current state";
    case StatusCode::kOutOfRange: return "Value out of range";
    case StatusCode::kUnauthenticated: return "Authentication required";
    case StatusCode::kPermissionDenied: return "Permission denied";
    case StatusCode::kNotFound: return "Not found";
    case StatusCode::kAlreadyExists: return "Already exists";
    case StatusCode::kAborted: return "Conflict; retry";
    case StatusCode::kResourceExhausted: return "Limit exceeded";
    case StatusCode::kUnimplemented: return "Not implemented";
    case StatusCode::kUnavailable: return "Service unavailable; retry later";
    case StatusCode::kDeadlineExceeded: return "Timed out";
    case StatusCode::kDataLoss: return "Data loss detected";
    default: return "Internal error";
  }
}

}  // namespace

std::string ProblemType(std::string_view code_name) {
  std::string out = "urn:ndc:problem:";
  for (char c : code_name) out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// A detail repeats what was wrong, sometimes the caller's own value: kept to kMaxDetailBytes,
// cut at a UTF-8 character boundary, so a megabyte of input is not echoed back.
std::string BoundedDetail(std::string_view detail) {
  if (detail.size() <= kMaxDetailBytes) return std::string(detail);
  const std::string note = fmt::format("… (cut: {} bytes in all)", detail.size());
  size_t cut = kMaxDetailBytes - note.size();
  while (cut > 0 && (static_cast<unsigned char>(detail[cut]) & 0xC0) == 0x80) --cut;
  return std::string(detail.substr(0, cut)) + note;
}

Response ProblemResponse(int http_status, std::string_view code_name, std::string_view title,
                         std::string_view detail, std::string_view instance, std::string_view request_id,
                         std::string_view reason) {
  nlohmann::json j = {{"type", ProblemType(code_name)},
                      {"title", std::string(title)},
                      {"status", http_status},
                      {"detail", BoundedDetail(detail)},
                      {"code", std::string(code_name)}};
  // The path the caller sent, bounded like the detail (a 15,000-character path made a 17 KB 404).
  if (!instance.empty()) j["instance"] = BoundedDetail(instance);
  if (!request_id.empty()) j["request_id"] = std::string(request_id);
  if (!reason.empty()) j["reason"] = std::string(reason);
  Response r;
  r.status = http_status;
  r.content_type = "application/problem+json";
  // Invalid UTF-8 from hostile input is replaced, never echoed raw or thrown.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

bool SaysStorageIsFull(std::string_view message) {
  for (std::string_view sign : {"database or disk is full", "No space left on device", "no space left on device",
                                "could not extend file", "Disk quota exceeded", "disk full"}) {
    if (message.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

bool CarriesDriverText(const Status& status) {
  const StatusCode code = status.code();
  const std::string_view detail = status.message();
  const bool caller_refused = code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied ||
                              code == StatusCode::kNotFound;
  for (std::string_view driver : {"sqlite: ", "postgresql: "}) {
    if (caller_refused ? detail.starts_with(driver) : detail.find(driver) != std::string_view::npos) return true;
  }
  return false;
}

Response ProblemFromStatus(const Status& status, const Request& request, bool rate_limited) {
  StatusCode code = status.ok() ? StatusCode::kInternal : status.code();
  std::string detail = status.ok() ? "an OK status was reported as an error" : status.message();
  int http_status = HttpStatusFor(code);
  std::string_view title = TitleFor(code);
  const bool storage_full = code == StatusCode::kResourceExhausted && !rate_limited && SaysStorageIsFull(detail);
  const bool unaudited = detail.starts_with(kUnauditedChange);
  if (code == StatusCode::kAborted && unaudited) {
    // Made, but its audit entry lost a lock conflict: never "retry", which would make it again.
    http_status = 500;
    title = "Internal error";
  }
  if (code == StatusCode::kResourceExhausted && !rate_limited) {
    // A change made without its entry is never "retry later": the retry would make it again.
    http_status = storage_full ? 507 : unaudited ? 500 : 503;
    title = storage_full ? "Insufficient storage" : unaudited ? "Internal error" : "Service unavailable; retry later";
  }
  // Server-side failures and anything carrying a database driver's text (host names, table and
  // constraint names), wherever it stands in the message, stay in the log; the client gets what
  // it can act on and the request id.
  // A refusal of the caller (401, 403, 404) often quotes what the caller sent: text it chose
  // must not turn it into an error line (a review flooded the log with 15 KB lines through a key
  // id reading "sqlite: "). A store's own 401 or 404 (a connection refused by the server, a
  // missing database) leads with the driver's name, where no caller's text stands.
  const bool driver_text = !status.ok() && CarriesDriverText(status);
  // A node at its capacity (batches, uploads) says so in its own words: the client can act on them.
  const bool at_capacity = code == StatusCode::kResourceExhausted && !rate_limited && !storage_full && !unaudited &&
                           !driver_text && detail.starts_with("this node is ");
  if ((http_status >= 500 && !at_capacity) || driver_text) {
    // Bounded: the path and a message may quote what the caller sent.
    log::Error("http.error", {{"path", request.path.substr(0, 512)}, {"request_id", request.request_id},
                              {"code", StatusCodeName(code)}, {"status", std::to_string(http_status)},
                              {"error", detail.substr(0, 4096)}});
    if (storage_full) {
      detail = std::string(unaudited ? "the change was made, but the audit log has no room for its entry"
                                     : "the store has no room left, so nothing more was saved") +
               "; the operator must free disk space (request id " + request.request_id + ")";
    } else if (unaudited) {
      detail = "the change was made, but its audit entry could not be written; the server log has the details "
               "under request id " + request.request_id;
    } else if (code == StatusCode::kUnavailable || http_status == 503) {
      detail = "a service NDC depends on is unavailable; retry later (request id " + request.request_id + ")";
    } else if (code == StatusCode::kDeadlineExceeded) {
      detail = "the request took too long and was stopped; retry later (request id " + request.request_id + ")";
    } else if (code == StatusCode::kAborted) {
      detail = "another change held the store's lock for too long, so this one was not made; retry (request id " +
               request.request_id + ")";
    } else if (http_status < 500) {
      detail = "the request conflicts with stored data; the server log has the details under request id " +
               request.request_id;
    } else {
      detail = "an internal error occurred; the server log has the details under request id " + request.request_id;
    }
  }
  // A refusal for a rate carries the reason a client can branch on, as the data endpoints' do.
  Response r = ProblemResponse(http_status, StatusCodeName(code), title, detail, request.path, request.request_id,
                               rate_limited && code == StatusCode::kResourceExhausted ? "rate_limited" : "");
  if (code == StatusCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ndc\"");
  // ABORTED: a lock conflict or timeout, rolled back whole; trying again is expected to work.
  if ((http_status == 503 && code == StatusCode::kResourceExhausted) || (code == StatusCode::kAborted && !unaudited)) {
    r.headers.emplace_back("Retry-After", "1");
  }
  return r;
}

}  // namespace ndc::api
