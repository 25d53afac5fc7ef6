// Status: the outcome of an operation that can fail, as a value.
//
// Shaped like absl::Status with the same canonical code values (google.rpc.Code), so the
// code is part of each API's contract and maps to one HTTP status (HttpStatusFor).
// A Status is cheap to copy when OK (no allocation). Thread-safe as a value type.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace ndc {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,     // the caller's input is wrong, whatever the state
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,    // authenticated, but not allowed
  kResourceExhausted = 8,   // quota, rate, size
  kFailedPrecondition = 9,  // the system is not in a state that allows this
  kAborted = 10,            // concurrency conflict; retry the whole operation
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,        // transient; retry with backoff
  kDataLoss = 15,           // unrecoverable corruption or tampering
  kUnauthenticated = 16,
};

// "INVALID_ARGUMENT" etc.
std::string_view StatusCodeName(StatusCode code);
// HTTP status for a code: InvalidArgument/FailedPrecondition/OutOfRange 400, Unauthenticated 401,
// PermissionDenied 403, NotFound 404, AlreadyExists/Aborted 409, ResourceExhausted 429,
// Cancelled 499, Unimplemented 501, Unavailable 503, DeadlineExceeded 504, others 500.
int HttpStatusFor(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
    if (code_ == StatusCode::kOk) message_.clear();
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NOT_FOUND: dataset 'x' does not exist"
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message" (for adding where an error happened).
  Status WithContext(std::string_view prefix) const;

  // Explicitly ignores a status where failure truly does not matter.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status OutOfRangeError(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }

}  // namespace ndc

#define NDC_STATUS_CONCAT_INNER_(a, b) a##b
#define NDC_STATUS_CONCAT_(a, b) NDC_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::ndc::Status ndc_status_ = (expr);              \
    if (!ndc_status_.ok()) return ndc_status_;       \
  } while (0)
