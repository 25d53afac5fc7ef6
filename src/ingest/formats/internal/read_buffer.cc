#include "ingest/formats/internal/read_buffer.h"

#include <algorithm>
#include <cstring>

namespace ndc::ingest::internal {

ReadBuffer::ReadBuffer(ByteSource* source, size_t chunk, size_t max_capacity)
    : source_(source), chunk_(chunk), max_capacity_(std::max(chunk, max_capacity)) {}

Status ReadBuffer::Fill() {
  if (eof_) return OkStatus();
  if (buf_ == nullptr) {
    // A small input (an HTTP body, a test) gets a small buffer; +1 so its end is seen in one Fill.
    // For gzip, total() is the compressed size: the buffer then only refills more often.
    constexpr size_t kMinCapacity = 4096;
    const int64_t total = source_->total();
    capacity_ = total < 0
                    ? chunk_
                    : std::clamp(static_cast<size_t>(total) + 1, std::min(kMinCapacity, chunk_), chunk_);
    buf_.reset(new char[capacity_]);
  }
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    if (capacity_ >= max_capacity_)
      return InternalError("read buffer full at " + std::to_string(capacity_) + " bytes");
    size_t grown = std::min(max_capacity_, std::max(capacity_ * 2, capacity_ + 1));
    std::unique_ptr<char[]> next(new char[grown]);
    std::memcpy(next.get(), buf_.get(), end_);
    buf_ = std::move(next);
    capacity_ = grown;
  }
  while (end_ < capacity_) {
    ASSIGN_OR_RETURN(size_t got, source_->Read(buf_.get() + end_, capacity_ - end_));
    if (got == 0) {
      eof_ = true;
      break;
    }
    end_ += got;
  }
  return OkStatus();
}

void SetRawText(std::string_view text, size_t total, size_t max_bytes, std::string* out) {
  if (total <= max_bytes) {
    out->assign(text.data(), std::min(total, text.size()));
    return;
  }
  size_t cut = std::min(max_bytes, text.size());
  auto continuation = [&](size_t i) {
    return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  // Move back to the lead byte of the sequence the limit falls into, if that sequence is well
  // formed enough to have one (at most 3 continuation bytes before the limit).
  size_t back = cut;
  while (back > 0 && cut - back < 3 && continuation(back)) --back;
  if (back < cut) {
    auto lead = static_cast<unsigned char>(text[back]);
    size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len > 1 && back + len > cut) cut = back;
  }
  out->assign(text.data(), cut);
  out->append("…");
}

}  // namespace ndc::ingest::internal
