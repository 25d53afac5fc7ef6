// RejectSpool: the rejects of a running batch, kept in an anonymous temporary file rather than in
// memory (a bad 100-million-row file must not exhaust RAM), then replayed into ingest_rejects
// when the batch is recorded. Thread-compatible.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>

#include "common/result.h"
#include "ingest/batch.h"

namespace ndc::ingest {

class RejectSpool {
 public:
  // kInternal if no temporary file can be created.
  static Result<std::unique_ptr<RejectSpool>> Create();
  ~RejectSpool();

  Status Add(const Reject& reject);
  int64_t count() const { return count_; }
  // Calls `fn` for every reject in the order added; stops at the first error.
  Status ForEach(const std::function<Status(const Reject&)>& fn);

 private:
  explicit RejectSpool(std::FILE* file) : file_(file) {}
  std::FILE* file_;
  int64_t count_ = 0;
};

}  // namespace ndc::ingest
