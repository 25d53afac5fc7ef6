#include "cli/progress_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ndc::cli {
namespace {

ingest::Progress At(int64_t rows, int64_t bytes, bool done = false) {
  return {rows, 0, bytes, 4000000, done};
}

TEST(ProgressPrinter, LineShowsRowsMegabytesPercentAndRate) {
  FakeClock clock;
  std::ostringstream out;
  ProgressPrinter p(&out, false, &clock, "a.csv");
  clock.Advance(2000000);
  EXPECT_EQ(p.Line({20000, 3, 1000000, 4000000, false}),
            "a.csv: 20,000 rows, 1.0 of 4.0 MB (25%), 10,000 rows/s, 3 rejected");
  EXPECT_EQ(p.Line({20000, 0, 1500000, -1, true}), "a.csv: 20,000 rows, 1.5 MB, 10,000 rows/s — committing");
}

TEST(ProgressPrinter, LogGetsFirstLineAtOnceThenOneEveryFiveSeconds) {
  FakeClock clock;
  std::ostringstream out;
  ProgressPrinter p(&out, false, &clock, "a.csv");
  clock.Advance(100000);
  p.Update(At(20000, 100));
  clock.Advance(1000000);
  p.Update(At(40000, 200));  // too soon
  clock.Advance(4000000);
  p.Update(At(60000, 300));
  p.Update(At(60000, 400, true));  // the end: the summary says it
  p.Finish();
  const std::string s = out.str();
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 2) << s;
  EXPECT_NE(s.find("a.csv: 20,000 rows"), std::string::npos);
  EXPECT_NE(s.find("a.csv: 60,000 rows"), std::string::npos);
  EXPECT_EQ(s.find('\r'), std::string::npos);
}

TEST(ProgressPrinter, TerminalRedrawsAtMostFourTimesASecondAndErasesAtTheEnd) {
  FakeClock clock;
  std::ostringstream out;
  ProgressPrinter p(&out, true, &clock, "a.csv");
  for (int i = 1; i <= 10; ++i) {
    clock.Advance(100000);
    p.Update(At(i * 1000, i * 100));
  }
  p.Finish();
  const std::string s = out.str();
  // Drawn at 0.1 s, 0.4 s, 0.7 s, 1.0 s; then erased.
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 5) << s;
  EXPECT_EQ(s.find('\n'), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 4), "\r\033[K");
}

TEST(ProgressPrinter, SmallBatchPrintsNothing) {
  FakeClock clock;
  std::ostringstream out;
  ProgressPrinter tty(&out, true, &clock, "a.csv"), log(&out, false, &clock, "a.csv");
  tty.Update(At(10, 100, true));
  log.Update(At(10, 100, true));
  tty.Finish();
  log.Finish();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace ndc::cli
