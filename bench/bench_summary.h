// bench/bench_summary: pairs each NDC benchmark with its baseline and prints the ratio.
//
// Every benchmark program in bench/ measures an NDC function and a baseline doing the same job in
// the same run (docs/benchmarks.md). This header holds the shared machinery, on Google Benchmark:
//  - Register(op, side, label, fn) registers "<op>/<label>" with the common settings below and
//    remembers whether it is the NDC side or the baseline of `op`;
//  - RunAndSummarize() runs the benchmarks (command-line flags such as --benchmark_filter apply),
//    prints Google Benchmark's usual table, then a summary: per operation, ns/op for NDC and the
//    baseline and baseline/NDC (above 1: NDC is faster).
//
// Method: each benchmark iteration does one operation on the next input of a fixed, pre-built
// list (so the figure is ns per operation averaged over realistic inputs). Google Benchmark picks
// the iteration count (at least kMinTimeSeconds of measurement, after kWarmUpSeconds of warm-up),
// repeats that kRepetitions times, and the summary takes the median repetition. It uses CPU time
// of the benchmark thread, not wall time, so that a concurrent build on the machine perturbs the
// figure less (it still shares caches and memory bandwidth); the wall-time medians are printed in
// Google Benchmark's table above it.
//
// Thread safety: none needed; used from main() only.
#pragma once

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ndc::bench {

inline constexpr double kMinTimeSeconds = 0.1;
inline constexpr double kWarmUpSeconds = 0.02;
inline constexpr int kRepetitions = 5;

enum class Side { kNdc, kBaseline };

namespace internal {

struct Entry {
  std::string op;
  Side side;
  std::string label;
};

struct Result {
  double ndc_ns = NAN;
  double baseline_ns = NAN;
  std::string baseline_label;
};

// Registered benchmarks by full name, and operations in registration order.
inline std::map<std::string, Entry>& Entries() {
  static std::map<std::string, Entry> entries;
  return entries;
}
inline std::vector<std::string>& Ops() {
  static std::vector<std::string> ops;
  return ops;
}

// The console reporter, also keeping the median CPU time of each registered benchmark.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  SummaryReporter() : benchmark::ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Aggregate || run.aggregate_name != "median") continue;
      const auto it = Entries().find(run.run_name.function_name);
      if (it == Entries().end()) continue;
      Result& r = results_[it->second.op];
      const double ns = run.GetAdjustedCPUTime();  // benchmarks are registered with kNanosecond
      if (it->second.side == Side::kNdc) {
        r.ndc_ns = ns;
      } else {
        r.baseline_ns = ns;
        r.baseline_label = it->second.label;
      }
    }
    // Print names without the settings every benchmark here shares ("/min_time:0.100/...").
    std::vector<Run> shown = runs;
    for (Run& run : shown) {
      run.run_name.min_time.clear();
      run.run_name.min_warmup_time.clear();
      run.run_name.repetitions.clear();
    }
    ConsoleReporter::ReportRuns(shown);
  }

  const std::map<std::string, Result>& results() const { return results_; }

 private:
  std::map<std::string, Result> results_;
};

inline std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

}  // namespace internal

// Registers `fn` (one operation per iteration) as "<op>/<label>".
inline void Register(const std::string& op, Side side, const std::string& label,
                     std::function<void(benchmark::State&)> fn) {
  const std::string name = op + "/" + label;
  internal::Entries()[name] = {op, side, label};
  if (side == Side::kNdc) internal::Ops().push_back(op);
  benchmark::RegisterBenchmark(name.c_str(), [fn = std::move(fn)](benchmark::State& state) { fn(state); })
      ->Unit(benchmark::kNanosecond)
      ->MinWarmUpTime(kWarmUpSeconds)
      ->MinTime(kMinTimeSeconds)
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(true);
}

// Runs the registered benchmarks and prints the summary table titled `title`. Returns main()'s
// exit code.
inline int RunAndSummarize(int argc, char** argv, const char* title) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::string load_before = internal::LoadAverage();
  internal::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\n%s: median of %d repetitions, CPU time per operation; base/NDC > 1 means NDC is faster\n",
              title, kRepetitions);
  std::printf("load average (1/5/15 min): %s before, %s after\n", load_before.c_str(),
              internal::LoadAverage().c_str());
  std::printf("%-42s %12s %12s %9s  %s\n", "operation", "NDC ns/op", "base ns/op", "base/NDC", "baseline");
  for (const std::string& op : internal::Ops()) {
    const auto it = reporter.results().find(op);
    if (it == reporter.results().end()) continue;  // filtered out
    const internal::Result& r = it->second;
    std::printf("%-42s %12.1f %12.1f %8.2fx  %s\n", op.c_str(), r.ndc_ns, r.baseline_ns,
                r.baseline_ns / r.ndc_ns, r.baseline_label.c_str());
  }
  return 0;
}

}  // namespace ndc::bench
