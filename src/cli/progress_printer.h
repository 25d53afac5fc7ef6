// ProgressPrinter: the progress line of a long `ndc ingest` on stderr — rows read, MB of the
// file consumed (of its size), percent, rows per second and rejects. On a terminal one line is
// redrawn with \r at most four times a second and erased when the batch ends; otherwise (a log,
// a pipe) a full line is written when the first rows are read and then every five seconds, so
// logs stay short and a watcher knows the batch is being applied. Not thread-safe: one batch,
// one thread (the Ingestor calls its ProgressFn on the thread running the batch).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "common/clock.h"
#include "ingest/batch.h"

namespace ndc::cli {

class ProgressPrinter {
 public:
  // `out` and `clock` are not owned and must outlive the printer. `label` names the batch
  // ("population_registry.csv").
  ProgressPrinter(std::ostream* out, bool terminal, const Clock* clock, std::string label);

  // Called by the Ingestor (as its ProgressFn) every few thousand rows and at the end.
  void Update(const ingest::Progress& p);
  // The batch is over (applied or not): erases the terminal line so the summary starts clean.
  void Finish();

  // The text of one progress line (no \r or newline).
  std::string Line(const ingest::Progress& p) const;

  static constexpr int64_t kTerminalIntervalMicros = 250'000;
  static constexpr int64_t kLogIntervalMicros = 5'000'000;

 private:
  std::ostream* out_;
  bool terminal_;
  const Clock* clock_;
  std::string label_;
  int64_t started_ = 0;
  int64_t last_printed_ = -1;  // monotonic micros of the last line, -1 before the first
  bool drawn_ = false;         // terminal: a line is on screen
};

}  // namespace ndc::cli
