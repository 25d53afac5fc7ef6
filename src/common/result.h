// Result<T>: a value or a non-OK Status (like absl::StatusOr<T>).
//
// Access the value only after checking ok(); doing otherwise is a bug and aborts.
// Thread-compatible: a const Result may be read from several threads.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

#include "common/status.h"

namespace ndc {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit from a value or an error status, so functions can `return value;` or `return status;`.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { Check(); return *value_; }
  const T& value() const& { Check(); return *value_; }
  T&& value() && { Check(); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& { return ok() ? *value_ : static_cast<T>(std::forward<U>(fallback)); }

 private:
  void Check() const {
    if (!value_) {
      std::fprintf(stderr, "Result::value() on error: %s\n", status_.ToString().c_str());
      std::abort();
    }
  }
  std::optional<T> value_;
  Status status_;
};

}  // namespace ndc

// Evaluates `rexpr` (a Result<T>); on error returns its status, else moves the value into `lhs`,
// which may be a declaration: ASSIGN_OR_RETURN(auto db, OpenDatabase(url));
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  NDC_ASSIGN_OR_RETURN_IMPL_(NDC_STATUS_CONCAT_(ndc_result_, __LINE__), lhs, rexpr)
#define NDC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
