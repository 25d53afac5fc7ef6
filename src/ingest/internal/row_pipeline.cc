#include "ingest/internal/row_pipeline.h"

#include <algorithm>
#include <utility>

#include "common/thread_name.h"

namespace ndc::ingest {

size_t InputRowBytes(const InputRow& row) {
  size_t bytes = row.raw.size() + row.op.size();
  for (const auto& v : row.values) bytes += v ? v->size() : 0;
  return bytes;
}

struct RowPipeline::Slot {
  std::vector<InputRow> rows;  // the first `size` are this chunk's; storage reused
  std::vector<size_t> wide;    // rows of the last chunk that held more than kMaxKeptRowBytes
  size_t size = 0;
  ValidatedChunk out;
  bool ready = false;
};

RowPipeline::RowPipeline(RowReader* reader, size_t chunk_rows, size_t workers, ValidateFn validate)
    : reader_(reader), chunk_rows_(std::max<size_t>(chunk_rows, 1)), capacity_(2 * workers + 2),
      validate_(std::move(validate)) {
  threads_.emplace_back([this] {
    SetThreadName("ndc-ingest-read");
    ReadLoop();
  });
  for (size_t w = 0; w < workers; ++w) {
    threads_.emplace_back([this, w] {
      SetThreadName("ndc-ingest-chk");
      WorkLoop(w);
    });
  }
}

RowPipeline::~RowPipeline() {
  Stop();
  for (auto& t : threads_) t.join();
}

size_t RowPipeline::WorkerCount(size_t requested) {
  if (requested > 0) return requested;
  const size_t cores = std::thread::hardware_concurrency();
  return std::clamp<size_t>(cores > 1 ? cores - 1 : 1, 1, 8);
}

void RowPipeline::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  slot_free_.notify_all();
  todo_ready_.notify_all();
  front_ready_.notify_all();
}

void RowPipeline::ReadLoop() {
  for (;;) {
    std::unique_ptr<Slot> slot;
    {
      std::unique_lock lock(mu_);
      slot_free_.wait(lock, [&] { return stopped_ || !free_.empty() || allocated_ < capacity_; });
      if (stopped_) return;
      if (!free_.empty()) {
        slot = std::move(free_.back());
        free_.pop_back();
      } else {
        slot = std::make_unique<Slot>();
        ++allocated_;
      }
    }
    slot->size = 0;
    slot->ready = false;
    slot->out = ValidatedChunk{};
    for (size_t i : slot->wide) slot->rows[i] = InputRow{};  // give wide rows' buffers back
    slot->wide.clear();
    bool more = true;
    size_t bytes = 0;
    while (slot->size < chunk_rows_ && bytes < kMaxChunkBytes) {
      if (slot->rows.size() == slot->size) slot->rows.emplace_back();
      InputRow& row = slot->rows[slot->size];
      Result<bool> next = reader_->Next(&row);
      if (!next.ok() || !*next) {
        if (!next.ok()) slot->out.status = next.status();
        more = false;
        break;
      }
      const size_t row_bytes = InputRowBytes(row);
      bytes += row_bytes;
      if (row_bytes > kMaxKeptRowBytes) slot->wide.push_back(slot->size);
      ++slot->size;
    }
    slot->out.bytes_consumed = reader_->bytes_consumed();
    slot->out.bytes_total = reader_->bytes_total();
    slot->out.last = !more;
    std::lock_guard lock(mu_);
    todo_.push_back(slot.get());
    ordered_.push_back(std::move(slot));
    todo_ready_.notify_one();
    if (!more) {
      read_done_ = true;
      todo_ready_.notify_all();
      return;
    }
  }
}

void RowPipeline::WorkLoop(size_t worker) {
  for (;;) {
    Slot* slot;
    {
      std::unique_lock lock(mu_);
      todo_ready_.wait(lock, [&] { return stopped_ || !todo_.empty() || read_done_; });
      if (stopped_ || todo_.empty()) return;
      slot = todo_.front();
      todo_.pop_front();
    }
    slot->out.rows.reserve(slot->size);
    for (size_t i = 0; i < slot->size; ++i) validate_(worker, slot->rows[i], &slot->out);
    std::lock_guard lock(mu_);
    slot->ready = true;
    front_ready_.notify_all();
  }
}

ValidatedChunk RowPipeline::Next() {
  std::unique_lock lock(mu_);
  front_ready_.wait(lock, [&] { return stopped_ || (!ordered_.empty() && ordered_.front()->ready); });
  if (stopped_) {
    ValidatedChunk none;
    none.status = InternalError("RowPipeline::Next called after Stop()");
    none.last = true;
    return none;
  }
  std::unique_ptr<Slot> slot = std::move(ordered_.front());
  ordered_.pop_front();
  ValidatedChunk out = std::move(slot->out);
  free_.push_back(std::move(slot));
  slot_free_.notify_one();
  return out;
}

}  // namespace ndc::ingest
