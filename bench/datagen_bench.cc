// datagen_bench: `ndc datagen` at national scale. Generates N persons (default 1,000,000) with all
// agency datasets into a temporary directory, then, as the baseline in the same run, writes the
// same number of rows and bytes of constant text through the same CsvWriter into the same
// directory; the ratio shows what generation itself costs over writing the bytes. Prints wall
// and CPU time of both and the peak RSS (getrusage). See docs/benchmarks.md.
//
//   datagen_bench [--persons N] [--seed S] [--dir DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "datagen/csv_writer.h"
#include "datagen/generator.h"
#include "flags.h"

namespace fs = std::filesystem;

namespace {

struct Times {
  double wall = 0, cpu = 0;
};

template <typename F>
Times Measure(F&& f) {
  const auto w0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  f();
  Times t;
  t.cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  return t;
}

struct FileShape {
  fs::path path;
  uint64_t rows = 0, bytes = 0;
};

FileShape Shape(const fs::path& p) {
  FileShape s{p, 0, 0};
  std::ifstream in(p, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(in.gcount());
    s.bytes += n;
    for (size_t i = 0; i < n; ++i) s.rows += buf[i] == '\n';
  }
  return s;
}

double LoadAverage() {
  double l = 0;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = 0;
    std::fclose(f);
  }
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  size_t persons = 1000000;
  uint64_t seed = 1;
  fs::path dir = fs::temp_directory_path() / ("ndc_datagen_bench_" + std::to_string(::getpid()));
  constexpr char kUsage[] =
      "usage: datagen_bench [--persons N] [--seed S] [--dir DIR]\n"
      "  --persons N  persons generated (default 1,000,000)\n"
      "  --seed S     generator seed (default 1)\n"
      "  --dir DIR    output directory, emptied first (default: a new one under $TMPDIR)\n"
      "See the header of bench/datagen_bench.cc and docs/benchmarks.md.\n";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    const bool known = a == "--persons" || a == "--seed" || a == "--dir";
    if (!known || i + 1 >= argc) {
      std::fprintf(stderr, "datagen_bench: %s\n%s", known ? ("flag " + a + " needs a value").c_str()
                                                           : ("unknown flag " + a).c_str(), kUsage);
      return 2;
    }
    const char* v = argv[++i];
    if (a == "--dir") {
      dir = v;
      continue;
    }
    const std::optional<uint64_t> n = ndc::bench::ParseCount(v);
    if (!n) {
      std::fprintf(stderr, "datagen_bench: %s wants a whole number, not \"%s\"\n%s", a.c_str(), v, kUsage);
      return 2;
    }
    if (a == "--persons") persons = *n;
    else seed = *n;
  }
  if (persons == 0) {
    std::fprintf(stderr, "datagen_bench: --persons must be at least 1\n");
    return 2;
  }
  fs::remove_all(dir);
  std::printf("datagen_bench: %zu persons, seed %llu, into %s; load average %.2f\n", persons,
              static_cast<unsigned long long>(seed), dir.c_str(), LoadAverage());

  ndc::datagen::GeneratorOptions o;
  o.persons = persons;
  o.seed = seed;
  ndc::Result<ndc::datagen::GenerationSummary> summary = ndc::Status();
  const Times gen = Measure([&] { summary = ndc::datagen::Generate(o, dir.string()); });
  if (!summary.ok()) {
    std::fprintf(stderr, "datagen_bench: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  std::vector<FileShape> shapes;
  uint64_t rows = 0, bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".csv") {
      shapes.push_back(Shape(e.path()));
      rows += shapes.back().rows;
      bytes += shapes.back().bytes;
    }
  }

  // Baseline: the same rows and bytes per file, one constant field per row, same writer.
  ndc::Status baseline_status;
  const Times base = Measure([&] {
    for (const auto& s : shapes) {
      auto w = ndc::datagen::CsvWriter::Open(s.path.string() + ".baseline");
      if (!w.ok()) {
        baseline_status = w.status();
        return;
      }
      const std::string field(s.rows ? s.bytes / s.rows - 2 : 0, 'x');
      for (uint64_t r = 0; r < s.rows; ++r) {
        (*w)->Field(field);
        (*w)->EndRow();
      }
      baseline_status = (*w)->Close();
      if (!baseline_status.ok()) return;
    }
  });
  if (!baseline_status.ok()) {
    std::fprintf(stderr, "datagen_bench: %s\n", baseline_status.ToString().c_str());
    return 1;
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);

  std::printf("%s", summary->ToText().c_str());
  std::printf("\n%-40s %10s %10s\n", "", "wall s", "cpu s");
  std::printf("%-40s %10.2f %10.2f\n", "ndc datagen (population + 6 datasets)", gen.wall, gen.cpu);
  std::printf("%-40s %10.2f %10.2f\n", "baseline: same rows/bytes, constant text", base.wall, base.cpu);
  std::printf("files: %zu CSV, %llu rows, %.1f MB; generation/baseline (cpu): %.1fx\n", shapes.size(),
              static_cast<unsigned long long>(rows), static_cast<double>(bytes) / 1e6, gen.cpu / base.cpu);
  std::printf("peak RSS: %.0f MB; load average after: %.2f\n", static_cast<double>(ru.ru_maxrss) / 1024.0,
              LoadAverage());
  fs::remove_all(dir);
  return 0;
}
