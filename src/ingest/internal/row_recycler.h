// RowRecycler: the value vectors of rows a load has written go back to the validating threads,
// which fill them again for the next rows (RecordValidator::Validate writes into the strings a
// record already holds). Once the first chunks are written, a row's values then cost neither an
// allocation nor a free — on a national first load, tens of millions of each, and the frees
// happened on the writer thread, away from the arena that made them (docs/design/ingest.md,
// "Row buffers"). Thread-safe. Holds at most `capacity` vectors, each of at most
// kMaxKeptBytes of string buffers (a record's strings keep the largest size they ever had, and a
// field may be a megabyte); the rest are freed.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace ndc::ingest {

class RowRecycler {
 public:
  using Rows = std::vector<std::vector<store::Value>>;
  static constexpr size_t kMaxKeptBytes = 4096;
  explicit RowRecycler(size_t capacity) : capacity_(capacity) {}

  // Takes the vectors of `rows` (written; their values are not needed any more). `rows` is left
  // empty, its own capacity kept.
  void Return(Rows* rows);
  // Moves up to `n` vectors onto the end of *out; returns how many.
  size_t Take(size_t n, Rows* out);

 private:
  const size_t capacity_;
  std::mutex mu_;
  Rows spare_;  // guarded by mu_
};

}  // namespace ndc::ingest
