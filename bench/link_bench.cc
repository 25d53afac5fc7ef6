// link_bench: record linkage at national scale (docs/benchmarks.md, "Linkage").
//
//  1. Generates N persons with `ndc datagen` (default 1,000,000; or reuses --dir) and links the
//     --dataset agency file (default health_insurance, the largest) against population_registry
//     end to end: read and prepare both CSV files, train (EM), block, score, cluster, write the
//     pairs file; every phase runs on --threads threads (reading: chunks of each file in
//     parallel). Prints each phase's wall and CPU time and records/s/core two ways: agency
//     records / (wall seconds x threads), the goal's figure (>= 50,000; only meaningful when the
//     machine is otherwise idle: see the load averages printed), and agency records / CPU
//     seconds of the process (fair when other work shares the cores).
//  2. Baseline in the same run: the all-pairs reference (every agency record scored against every
//     registry record, same scorer, one thread, its CPU time) on a sample of --sample agency
//     records, extrapolated to the whole file.
//  3. Quality: precision / recall / F1 of every agency dataset against the registry (truth files),
//     and of FEBRL 4 with examples/link/febrl4.toml.
//
//   link_bench [--persons N] [--threads T] [--dataset D] [--dir DIR] [--sample S] [--no-quality]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "datagen/generator.h"
#include "flags.h"
#include "link/internal/scorer.h"
#include "link/linker.h"
#include "link/pairs_csv.h"
#include "link/settings.h"
#include "link/testing/quality.h"

namespace fs = std::filesystem;
using namespace ndc;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double Cpu() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::string LoadAverage() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) < 0) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  return buf;
}

// Wall and CPU time (all threads of the process) of consecutive phases.
struct Phases {
  struct Phase {
    std::string name;
    double wall, cpu;
  };
  std::vector<Phase> done;
  double wall0 = 0, cpu0 = 0, wall_total = 0, cpu_total = 0;
  void Start() { wall0 = Now(), cpu0 = Cpu(); }
  void End(const char* name) {
    double w = Now(), c = Cpu();
    done.push_back({name, w - wall0, c - cpu0});
    wall_total += w - wall0;
    cpu_total += c - cpu0;
    wall0 = w, cpu0 = c;
  }
  void Print() const {
    for (const auto& p : done) std::printf("  %-22s %8.2f s wall %8.2f s CPU\n", p.name.c_str(), p.wall, p.cpu);
  }
};

int Fail(const Status& s) {
  std::fprintf(stderr, "link_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t persons = 1000000, threads = std::max(1u, std::thread::hardware_concurrency()), sample = 200;
  std::string dataset = "health_insurance", dir;
  bool quality = true;
  constexpr char kUsage[] =
      "usage: link_bench [--persons N] [--threads T] [--dataset D] [--dir DIR] [--sample S] [--no-quality]\n"
      "  --persons N    persons generated (default 1,000,000)\n"
      "  --threads T    threads of every phase (default: the hardware's)\n"
      "  --dataset D    the agency dataset linked against population_registry (default health_insurance)\n"
      "  --dir DIR      generated data, reused when it holds summary.json (default under $TMPDIR)\n"
      "  --sample S     agency records scored against all registry records for the baseline (default 200)\n"
      "  --no-quality   skip the precision/recall section\n"
      "See the header of bench/link_bench.cc and docs/benchmarks.md, \"Linkage\".\n";
  auto usage = [&](const std::string& problem) {
    std::fprintf(stderr, "link_bench: %s\n%s", problem.c_str(), kUsage);
    std::exit(2);
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("flag " + a + " needs a value");
      return argv[++i];
    };
    auto count = [&]() -> size_t {
      const std::string v = next();
      const std::optional<uint64_t> n = ndc::bench::ParseCount(v.c_str());
      if (!n) usage(a + " wants a whole number, not \"" + v + "\"");
      return static_cast<size_t>(*n);
    };
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    } else if (a == "--persons") {
      persons = count();
    } else if (a == "--threads") {
      threads = std::max<size_t>(1, count());
    } else if (a == "--dataset") {
      dataset = next();
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--sample") {
      sample = count();
    } else if (a == "--no-quality") {
      quality = false;
    } else {
      usage("unknown flag " + a);
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress visible when redirected
  const link::Settings& settings = link::DefaultPersonSettings();
  if (dir.empty()) dir = (fs::temp_directory_path() / ("ndc_link_bench_" + std::to_string(persons))).string();
  if (!fs::exists(fs::path(dir) / "summary.json")) {
    std::printf("generating %zu persons into %s ...\n", persons, dir.c_str());
    datagen::GeneratorOptions o;
    o.persons = persons;
    o.seed = 42;
    o.overwrite = true;
    auto g = datagen::Generate(o, dir);
    if (!g.ok()) return Fail(g.status());
  }

  std::printf("load average before: %s\n", LoadAverage().c_str());
  // 1. End to end, as `ndc link files` does it: read and prepare both files, train, link (block,
  // score, cluster), write the pairs. Each phase's wall and CPU time (all threads) is printed.
  Phases phases;
  phases.Start();
  auto registry = link::testing::LoadDatagenDataset(settings, dir, "population_registry", threads);
  if (!registry.ok()) return Fail(registry.status());
  phases.End("read+prepare registry");
  auto agency = link::testing::LoadDatagenDataset(settings, dir, dataset, threads);
  if (!agency.ok()) return Fail(agency.status());
  phases.End("read+prepare agency");
  link::TrainOptions to;
  to.threads = threads;
  auto model = link::Train(settings, *agency, &*registry, to);
  if (!model.ok()) return Fail(model.status());
  phases.End("train");
  link::LinkOptions lo;
  lo.threads = threads;
  auto linked = link::Link(settings, *model, *agency, &*registry, lo);
  if (!linked.ok()) return Fail(linked.status());
  phases.End("link");
  const std::string pairs_path = (fs::path(dir) / "link_bench_pairs.csv").string();
  if (Status w = link::WritePairsCsv(pairs_path, settings, *agency, *registry, *linked, threads); !w.ok()) return Fail(w);
  phases.End("write pairs");
  const double wall = phases.wall_total, cpu = phases.cpu_total;
  const size_t n = agency->size();
  std::printf("\nLinkage end to end: %s (%zu records) -> population_registry (%zu records), %zu threads\n",
              dataset.c_str(), n, registry->size(), threads);
  phases.Print();
  std::printf("  %zu candidate pairs (%.2f per record), %zu decided by a deterministic rule, %zu matches; pairs in %s\n",
              linked->stats.candidate_pairs, static_cast<double>(linked->stats.candidate_pairs) / n,
              linked->stats.deterministic_pairs, linked->stats.matches, pairs_path.c_str());
  std::printf("  total %.2f s wall, %.2f s CPU, peak RSS %ld MB\n", wall, cpu, PeakRssMb());
  std::printf("  => %.0f records/s/core = records / (wall seconds x %zu threads) (the goal's figure: >= 50,000)\n",
              n / (wall * threads), threads);
  std::printf("  => %.0f records/s/core = records / CPU seconds (fair when other work shares the cores)\n", n / cpu);
  auto q = link::testing::ScoreDatagen(settings, dir, dataset, *agency, *registry, *linked);
  if (!q.ok()) return Fail(q.status());
  std::printf("  quality: precision %.5f recall %.5f F1 %.5f\n", q->precision, q->recall, q->f1);
  std::printf("  load average after: %s\n", LoadAverage().c_str());

  // 2. All-pairs reference on a sample.
  link::Model neutral;  // weights do not change the cost of scoring; use a neutral model
  for (const auto& c : settings.comparisons) {
    link::ComparisonParams p{c.name, std::vector<link::LevelParams>(c.levels.size() + 1, {0.5, 0.5})};
    neutral.comparisons.push_back(p);
  }
  link::internal::Scorer scorer(settings, neutral);
  link::LevelVector lv;
  double sink = 0;
  sample = std::min(sample, agency->size());
  double s0 = Cpu();  // one thread: its CPU time, not inflated by other work on the machine
  for (uint32_t ra = 0; ra < sample; ++ra) {
    for (uint32_t rb = 0; rb < registry->size(); ++rb) sink += scorer.Score(agency->data(), ra, registry->data(), rb, &lv);
  }
  double per_record = (Cpu() - s0) / std::max<size_t>(sample, 1);
  double all_pairs = per_record * n;
  std::printf("\nAll-pairs reference: %zu sample records x %zu = %.3g pairs in %.2f s CPU (1 thread); checksum %.0f\n", sample,
              registry->size(), static_cast<double>(sample) * registry->size(), per_record * sample, sink);
  std::printf("  extrapolated to %zu records: %.0f s on 1 core (%.1f h) = %.4g records/s/core;"
              " blocked linkage takes %.0fx less CPU\n",
              n, all_pairs, all_pairs / 3600, n / all_pairs, all_pairs / cpu);

  if (!quality) return 0;
  // 3. Quality table.
  std::printf("\nQuality (matches at probability >= %.2f against truth)\n", settings.thresholds.match);
  std::printf("  %-20s %9s %9s %9s %9s %9s %9s\n", "dataset", "records", "true", "found", "precision", "recall", "F1");
  for (const char* d : {"social_insurance", "health_insurance", "education", "civil_servants", "tax"}) {
    auto r = d == dataset ? q : link::testing::EvaluateDatagen(settings, dir, d, *registry, threads);
    if (!r.ok()) return Fail(r.status());
    std::printf("  %-20s %9zu %9zu %9zu %9.5f %9.5f %9.5f\n", d, r->stats.left_records, r->true_pairs, r->found,
                r->precision, r->recall, r->f1);
  }
  auto febrl_settings = link::LoadSettingsFile(std::string(NDC_EXAMPLES_DIR) + "/febrl4.toml");
  if (!febrl_settings.ok()) return Fail(febrl_settings.status());
  auto f = link::testing::EvaluateFebrl4(*febrl_settings, NDC_FEBRL_DIR, threads);
  if (!f.ok()) return Fail(f.status());
  std::printf("  %-20s %9zu %9zu %9zu %9.5f %9.5f %9.5f\n", "febrl4", f->stats.left_records, f->true_pairs, f->found,
              f->precision, f->recall, f->f1);
  return 0;
}
