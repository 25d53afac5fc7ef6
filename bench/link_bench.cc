// link_bench: record linkage at national scale (docs/benchmarks.md, "Linkage").
//
//  1. Generates N persons with `ndc datagen` (default 1,000,000; or reuses --dir) and links the
//     --dataset agency file (default health_insurance, the largest) against population_registry
//     end to end: read and prepare both CSV files, train (EM), block, score, cluster. Prints
//     records/s/core = agency records / (wall seconds x threads).
//  2. Baseline in the same run: the all-pairs reference (every agency record scored against every
//     registry record, same scorer) on a sample of --sample agency records, extrapolated to the
//     whole file.
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
#include <string>
#include <thread>

#include "datagen/generator.h"
#include "link/internal/scorer.h"
#include "link/linker.h"
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

int Fail(const Status& s) {
  std::fprintf(stderr, "link_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t persons = 1000000, threads = std::max(1u, std::thread::hardware_concurrency()), sample = 200;
  std::string dataset = "health_insurance", dir;
  bool quality = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--persons") persons = std::stoul(next());
    else if (a == "--threads") threads = std::stoul(next());
    else if (a == "--dataset") dataset = next();
    else if (a == "--dir") dir = next();
    else if (a == "--sample") sample = std::stoul(next());
    else if (a == "--no-quality") quality = false;
    else {
      std::fprintf(stderr, "usage: link_bench [--persons N] [--threads T] [--dataset D] [--dir DIR] [--sample S] [--no-quality]\n");
      return 2;
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
  // 1. End to end.
  double w0 = Now(), c0 = Cpu();
  auto registry = link::testing::LoadDatagenDataset(settings, dir, "population_registry");
  if (!registry.ok()) return Fail(registry.status());
  double t_reg = Now() - w0;
  auto q = link::testing::EvaluateDatagen(settings, dir, dataset, *registry, threads);
  if (!q.ok()) return Fail(q.status());
  double wall = Now() - w0, cpu = Cpu() - c0;
  const size_t n = q->stats.left_records;
  std::printf("\nLinkage end to end: %s (%zu records) -> population_registry (%zu records), %zu threads\n",
              dataset.c_str(), n, registry->size(), threads);
  std::printf("  read+prepare registry %.2f s, agency %.2f s; train %.2f s; link %.2f s (%zu candidate pairs)\n", t_reg,
              q->load_seconds, q->train_seconds, q->stats.seconds, q->stats.candidate_pairs);
  std::printf("  total %.2f s wall, %.2f s CPU, peak RSS %ld MB\n", wall, cpu, PeakRssMb());
  std::printf("  => %.0f records/s/core (wall x threads), %.0f records/s per CPU-second\n", n / (wall * threads), n / cpu);
  std::printf("  quality: precision %.5f recall %.5f F1 %.5f\n", q->precision, q->recall, q->f1);
  std::printf("  load average after: %s\n", LoadAverage().c_str());

  // 2. All-pairs reference on a sample.
  auto agency = link::testing::LoadDatagenDataset(settings, dir, dataset);
  if (!agency.ok()) return Fail(agency.status());
  link::Model model;  // weights do not change the cost of scoring; use a neutral model
  for (const auto& c : settings.comparisons) {
    link::ComparisonParams p{c.name, std::vector<link::LevelParams>(c.levels.size() + 1, {0.5, 0.5})};
    model.comparisons.push_back(p);
  }
  link::internal::Scorer scorer(settings, model);
  link::LevelVector lv;
  double sink = 0;
  sample = std::min(sample, agency->size());
  double s0 = Now();
  for (uint32_t ra = 0; ra < sample; ++ra) {
    for (uint32_t rb = 0; rb < registry->size(); ++rb) sink += scorer.Score(agency->data(), ra, registry->data(), rb, &lv);
  }
  double per_record = (Now() - s0) / std::max<size_t>(sample, 1);
  double all_pairs = per_record * n;
  std::printf("\nAll-pairs reference: %zu sample records x %zu = %.3g pairs in %.2f s (1 thread); checksum %.0f\n", sample,
              registry->size(), static_cast<double>(sample) * registry->size(), per_record * sample, sink);
  std::printf("  extrapolated to %zu records: %.0f s on 1 core (%.1f h) = %.3f records/s/core;"
              " blocked linkage is %.0fx faster per core\n",
              n, all_pairs, all_pairs / 3600, n / all_pairs, all_pairs / (wall * threads));

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
