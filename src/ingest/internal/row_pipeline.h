// RowPipeline: reads a batch's rows on one thread, validates them on N worker threads, and hands
// the results to the applying thread in input order — so line numbers, rejects, chunking and
// change-event numbers are exactly those of a one-thread read (docs/design/ingest.md, "Reading
// and validating in parallel").
//
// The reader fills chunks of `chunk_rows` input rows (reusing each chunk's row storage from
// chunk to chunk); a worker validates a whole chunk; Next() returns the chunks in the order they
// were read. At most 2 × workers + 2 chunks are in flight, each of at most `chunk_rows` rows and
// about kMaxChunkBytes of text, so memory stays bounded when the store is slower than the readers. Next() is for one consumer thread; the rest is internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "ingest/batch.h"
#include "ingest/formats/row_reader.h"
#include "ingest/internal/chunk_applier.h"

namespace ndc::ingest {

// What the validating side hands the applying side: a run of validated rows and rejects.
struct ValidatedChunk {
  std::vector<PendingRow> rows;
  std::vector<Reject> rejects;
  std::vector<std::string> protected_keys;  // snapshot: keys of rejected rows
  int64_t rows_read = 0, unkeyed_rejects = 0;
  int64_t bytes_consumed = 0, bytes_total = -1;
  Status status;  // a read error ends the stream
  bool last = false;
};

// A chunk of rows also ends once its rows hold this many bytes of text, so wide rows (fields of
// up to a megabyte each) cannot make a chunk of chunk_rows rows hold gigabytes; the applying side
// bounds its chunks the same way (docs/design/ingest.md, "Memory").
inline constexpr size_t kMaxChunkBytes = 8 << 20;
// A reused row whose strings grew past this is freed instead (a record's strings keep the largest
// size they ever had), as RowRecycler does for written rows.
inline constexpr size_t kMaxKeptRowBytes = 4096;

// The bytes of text a read row holds (its raw text and values).
size_t InputRowBytes(const InputRow& row);

class RowPipeline {
 public:
  // Validates one row into `out`; called on worker `worker` (0 .. workers-1), so per-worker
  // scratch can be indexed by it. Must be safe to call from several threads at once.
  using ValidateFn = std::function<void(size_t worker, InputRow& row, ValidatedChunk* out)>;

  // `reader` must outlive the pipeline. Starts the threads. `workers` >= 1.
  RowPipeline(RowReader* reader, size_t chunk_rows, size_t workers, ValidateFn validate);
  // Stops (as Stop()) and joins the threads.
  ~RowPipeline();

  // The next chunk in input order; blocks until it is validated. Do not call again after a
  // chunk with `last` set.
  ValidatedChunk Next();
  // The consumer gives up (an apply error): the threads stop at their next chunk.
  void Stop();
  // The number of worker threads `requested` means: itself if > 0, else one per core beyond
  // the applying thread (at least 1, at most 8).
  static size_t WorkerCount(size_t requested);

 private:
  struct Slot;
  void ReadLoop();
  void WorkLoop(size_t worker);

  RowReader* const reader_;
  const size_t chunk_rows_, capacity_;
  const ValidateFn validate_;
  std::mutex mu_;
  std::condition_variable slot_free_, todo_ready_, front_ready_;
  std::vector<std::unique_ptr<Slot>> free_;   // recycled chunks
  std::deque<std::unique_ptr<Slot>> ordered_;  // read, in input order
  std::deque<Slot*> todo_;                     // read, not yet taken by a worker
  size_t allocated_ = 0;
  bool read_done_ = false, stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ndc::ingest
