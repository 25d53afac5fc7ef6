// Internal: the sliding window the CSV and NDJSON readers parse from. Holds the unconsumed tail
// of the input: normally one chunk (less for an input known to be smaller), grown (doubling) up to
// a cap only while a single record needs it, so memory stays at one record plus one chunk.
// Thread-compatible.
#pragma once

#include <cstddef>
#include <memory>

#include "common/status.h"
#include "ingest/formats/input.h"

namespace ndc::ingest::internal {

// Bytes read from the source per refill (and the buffer's starting size).
inline constexpr size_t kReadChunk = 128 << 10;

class ReadBuffer {
 public:
  // `source` must outlive the buffer. Nothing is allocated or read before the first Fill().
  ReadBuffer(ByteSource* source, size_t chunk, size_t max_capacity);

  const char* data() const { return buf_.get() + begin_; }
  size_t size() const { return end_ - begin_; }
  // True once the source has returned 0: data() then holds all that remains of the input.
  bool eof() const { return eof_; }
  void Consume(size_t n) { begin_ += n; }

  // Keeps the unconsumed bytes (moved to the front; data() changes) and reads after them until
  // the buffer is full or the input ends. A full buffer is grown first; kInternal if it is already
  // at max_capacity (callers consume before that). Errors of the source are returned as they are.
  Status Fill();

 private:
  ByteSource* source_;
  std::unique_ptr<char[]> buf_;
  size_t chunk_;
  size_t capacity_ = 0;
  size_t max_capacity_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
};

// Sets `out` to a row's text for reject reports: `text` holds the first bytes of the text (all of
// it when `total` <= its size) and `total` is the text's full length. Text longer than
// `max_bytes` is cut there (moved back to the start of a UTF-8 sequence when the bytes there are
// a valid sequence) and "…" is appended.
void SetRawText(std::string_view text, size_t total, size_t max_bytes, std::string* out);

}  // namespace ndc::ingest::internal
