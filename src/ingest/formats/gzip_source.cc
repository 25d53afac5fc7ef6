// GzipSource and AutoDecompress (input.h). Design: docs/design/ingest-formats.md ("Input").
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "ingest/formats/input.h"

namespace ndc::ingest {
namespace {

constexpr size_t kInputChunk = 64 << 10;

class GzipSourceImpl final : public ByteSource {
 public:
  GzipSourceImpl(std::unique_ptr<ByteSource> inner, GzipLimits limits)
      : inner_(std::move(inner)), limits_(limits), in_(new unsigned char[kInputChunk]) {
    std::memset(&zs_, 0, sizeof(zs_));
    // 16 + MAX_WBITS: expect a gzip (RFC 1952) header and trailer, not zlib or raw deflate.
    init_ok_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipSourceImpl() override {
    if (init_ok_) inflateEnd(&zs_);
  }
  GzipSourceImpl(const GzipSourceImpl&) = delete;
  GzipSourceImpl& operator=(const GzipSourceImpl&) = delete;

  Result<size_t> Read(char* buf, size_t n) override {
    if (!init_ok_) return InternalError("gzip: cannot initialize zlib");
    if (finished_ || n == 0) return size_t{0};
    zs_.next_out = reinterpret_cast<unsigned char*>(buf);
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    const uInt want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0 && !in_eof_) {
        ASSIGN_OR_RETURN(size_t got, inner_->Read(reinterpret_cast<char*>(in_.get()), kInputChunk));
        if (got == 0) in_eof_ = true;
        zs_.next_in = in_.get();
        zs_.avail_in = static_cast<uInt>(got);
        fed_ += static_cast<int64_t>(got);
      }
      if (member_done_) {
        // A new member may follow (gzip files can be concatenated); anything else is corrupt.
        if (zs_.avail_in == 0) {
          if (in_eof_) {
            finished_ = true;
            break;
          }
          continue;
        }
        if (inflateReset(&zs_) != Z_OK) return InternalError("gzip: cannot reset zlib");
        member_done_ = false;
      }
      if (zs_.avail_in == 0 && in_eof_) {
        return InvalidArgumentError("gzip: truncated input at byte " + std::to_string(fed_));
      }
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
        return InvalidArgumentError("gzip: corrupt data at byte " + std::to_string(fed_ - zs_.avail_in) +
                                    (zs_.msg != nullptr ? std::string(" (") + zs_.msg + ")" : std::string()));
      } else if (rc == Z_MEM_ERROR) {
        return ResourceExhaustedError("gzip: out of memory");
      } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs_.avail_in == 0)) {
        return InternalError("gzip: zlib error " + std::to_string(rc));
      }
      // Z_BUF_ERROR: no progress without more input; the loop reads more or reports truncation.
    }
    const size_t out = want - zs_.avail_out;
    produced_ += static_cast<int64_t>(out);
    // Against the compressed bytes inflated so far, not those read ahead into in_ (a 64 KiB read
    // let a bomb give 13 MB before this tripped).
    const int64_t inflated = fed_ - static_cast<int64_t>(zs_.avail_in);
    if (produced_ > limits_.free_bytes && produced_ > limits_.max_ratio * std::max<int64_t>(inflated, 1)) {
      return InvalidArgumentError(fmt::format(
          "gzip: {} compressed bytes gave {} bytes, more than {} times as many (a compression bomb?); "
          "send the file uncompressed or compressed less",
          inflated, produced_, limits_.max_ratio));
    }
    return out;
  }
  int64_t consumed() const override { return inner_->consumed(); }
  int64_t total() const override { return inner_->total(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  GzipLimits limits_;
  std::unique_ptr<unsigned char[]> in_;
  z_stream zs_;
  bool init_ok_ = false;
  bool in_eof_ = false;
  bool member_done_ = false;
  bool finished_ = false;
  int64_t fed_ = 0;       // compressed bytes handed to zlib so far
  int64_t produced_ = 0;  // bytes returned so far
};

// Returns `prefix` (bytes already read from `inner` to look at them), then the rest of `inner`.
class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> inner)
      : prefix_(std::move(prefix)), inner_(std::move(inner)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->Read(buf, n);
  }
  int64_t consumed() const override { return inner_->consumed(); }
  int64_t total() const override { return inner_->total(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> inner_;
};

}  // namespace

std::unique_ptr<ByteSource> GzipSource(std::unique_ptr<ByteSource> inner, GzipLimits limits) {
  return std::make_unique<GzipSourceImpl>(std::move(inner), limits);
}

Result<std::unique_ptr<ByteSource>> AutoDecompress(std::unique_ptr<ByteSource> inner) {
  char magic[2];
  size_t have = 0;
  while (have < sizeof(magic)) {
    ASSIGN_OR_RETURN(size_t got, inner->Read(magic + have, sizeof(magic) - have));
    if (got == 0) break;
    have += got;
  }
  bool gzip = have == 2 && magic[0] == '\x1f' && magic[1] == '\x8b';
  auto prefixed = std::make_unique<PrefixedSource>(std::string(magic, have), std::move(inner));
  if (gzip) return GzipSource(std::move(prefixed));
  return std::unique_ptr<ByteSource>(std::move(prefixed));
}

}  // namespace ndc::ingest
