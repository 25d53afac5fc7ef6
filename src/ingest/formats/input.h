// Byte sources for ingestion: where a batch's bytes come from (a file, an HTTP body spooled to
// disk, memory in tests), with transparent gzip decompression and a SHA-256 of the decompressed
// content (the batch's default idempotency key). Design: docs/design/ingest-formats.md ("Input").
//
// A ByteSource is read front to back once; it is used by one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc::ingest {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; returns how many, 0 only at the end of the input.
  // Errors: kNotFound / kPermissionDenied / kInternal for I/O, kInvalidArgument for corrupt
  // compressed data ("gzip: ... at byte N").
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes of the underlying input consumed so far (compressed bytes for gzip), for progress.
  virtual int64_t consumed() const = 0;
  // Total size of the underlying input when known (a file), else -1.
  virtual int64_t total() const { return -1; }
};

// A file; "-" means standard input. kNotFound if it does not exist, kPermissionDenied if it
// cannot be read, kInvalidArgument if it is a directory.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);
// The bytes of `data` (copied).
std::unique_ptr<ByteSource> MemorySource(std::string data);
// Decompresses gzip (RFC 1952, several members allowed) from `inner`. Read() errors:
// kInvalidArgument "gzip: corrupt data at byte N (reason)" (also for bytes after a member that are
// not another member) or "gzip: truncated input at byte N", N counting compressed bytes; and
// kInvalidArgument "gzip: ... a compression bomb?" once the output passes `free_bytes` and is more
// than `max_ratio` times the compressed bytes inflated so far (CSV and NDJSON compress 3-20 times; deflate's
// limit is about 1,030). The default free allowance is small, so that a bomb is refused after a
// few MiB of rows, in seconds (with 64 MiB, a 2 MB gzip of tiny rows held a batch slot for three
// minutes before its refusal; review of 2026-12-02).
struct GzipLimits {
  int64_t free_bytes = int64_t{4} << 20;
  int64_t max_ratio = 200;
};
std::unique_ptr<ByteSource> GzipSource(std::unique_ptr<ByteSource> inner, GzipLimits limits = {});
// Peeks at the first bytes of `inner`: gzip magic (1f 8b) -> GzipSource, else `inner` as is.
Result<std::unique_ptr<ByteSource>> AutoDecompress(std::unique_ptr<ByteSource> inner);

// Passes bytes through and hashes them; digest() is valid once Read() has returned 0 (before
// that it is the hash of the bytes read so far).
class HashingSource final : public ByteSource {
 public:
  explicit HashingSource(std::unique_ptr<ByteSource> inner);
  ~HashingSource() override;
  Result<size_t> Read(char* buf, size_t n) override;
  int64_t consumed() const override { return inner_->consumed(); }
  int64_t total() const override { return inner_->total(); }
  // Lower-case hex SHA-256 of every byte read.
  std::string digest() const;

 private:
  struct State;
  std::unique_ptr<ByteSource> inner_;
  std::unique_ptr<State> state_;
};

}  // namespace ndc::ingest
