// Test-only byte sources: one that hands out its bytes a few at a time (so every buffer boundary
// of a reader gets exercised) and one that fails part-way. Header-only; used by the unit tests
// and the fuzzers. Thread-compatible.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "ingest/formats/input.h"

namespace ndc::ingest::testing {

// Returns at most `chunk` bytes per Read(), after waiting `pause` (an upload arriving slowly).
class ChunkedSource final : public ByteSource {
 public:
  ChunkedSource(std::string data, size_t chunk, std::chrono::milliseconds pause = {})
      : data_(std::move(data)), chunk_(std::max<size_t>(chunk, 1)), pause_(pause) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pause_.count() > 0 && pos_ < data_.size()) std::this_thread::sleep_for(pause_);
    size_t k = std::min({n, chunk_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  int64_t consumed() const override { return static_cast<int64_t>(pos_); }
  int64_t total() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
  size_t chunk_;
  std::chrono::milliseconds pause_;
  size_t pos_ = 0;
};

// Returns `data`, then fails every Read() with `error`.
class FailingSource final : public ByteSource {
 public:
  FailingSource(std::string data, Status error) : data_(std::move(data)), error_(std::move(error)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size()) return error_;
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  int64_t consumed() const override { return static_cast<int64_t>(pos_); }

 private:
  std::string data_;
  Status error_;
  size_t pos_ = 0;
};

inline std::unique_ptr<ByteSource> Chunked(std::string data, size_t chunk) {
  return std::make_unique<ChunkedSource>(std::move(data), chunk);
}

}  // namespace ndc::ingest::testing
