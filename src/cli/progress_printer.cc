#include "cli/progress_printer.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/ingest_output.h"

namespace ndc::cli {

ProgressPrinter::ProgressPrinter(std::ostream* out, bool terminal, const Clock* clock, std::string label)
    : out_(out),
      terminal_(terminal),
      clock_(clock),
      label_(std::move(label)),
      started_(clock->MonotonicMicros()) {}

std::string ProgressPrinter::Line(const ingest::Progress& p) const {
  std::string line = fmt::format("{}: {} rows", label_, Thousands(p.rows_read));
  const double mb = static_cast<double>(p.bytes_consumed) / 1e6;
  if (p.bytes_total > 0) {
    const double share =
        std::min(1.0, static_cast<double>(p.bytes_consumed) / static_cast<double>(p.bytes_total));
    line += fmt::format(", {:.1f} of {:.1f} MB ({:.0f}%)", mb, static_cast<double>(p.bytes_total) / 1e6,
                        share * 100);
  } else {
    line += fmt::format(", {:.1f} MB", mb);
  }
  const int64_t elapsed = clock_->MonotonicMicros() - started_;
  if (elapsed > 0 && p.rows_read > 0) {
    line += fmt::format(", {} rows/s", Thousands(static_cast<int64_t>(static_cast<double>(p.rows_read) * 1e6 /
                                                                      static_cast<double>(elapsed))));
  }
  if (p.rejected > 0) line += fmt::format(", {} rejected", Thousands(p.rejected));
  if (p.done) line += " — committing";
  return line;
}

void ProgressPrinter::Update(const ingest::Progress& p) {
  const int64_t now = clock_->MonotonicMicros();
  if (terminal_) {
    if (!p.done && last_printed_ >= 0 && now - last_printed_ < kTerminalIntervalMicros) return;
    // A small batch that ends before the first report needs no progress line at all.
    if (p.done && last_printed_ < 0) return;
    // \033[K erases what is left of a longer earlier line.
    *out_ << '\r' << Line(p) << "\033[K" << std::flush;
    drawn_ = true;
  } else {
    // The end is told by the summary; a line is due for the first rows, then every few seconds.
    if (p.done || p.rows_read == 0) return;
    if (last_printed_ >= 0 && now - last_printed_ < kLogIntervalMicros) return;
    *out_ << Line(p) << '\n' << std::flush;
  }
  last_printed_ = now;
}

void ProgressPrinter::Finish() {
  if (terminal_ && drawn_) {
    *out_ << "\r\033[K" << std::flush;
    drawn_ = false;
  }
}

}  // namespace ndc::cli
