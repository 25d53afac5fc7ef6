// ndc datagen: synthetic national population and agency datasets with known truth.
// Library: src/datagen (docs/design/datagen.md).
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "datagen/generator.h"

namespace ndc::cli {
namespace {

struct DatagenFlags {
  size_t persons = 10000;
  uint64_t seed = 1;
  std::string out = "datagen-out";
  std::string noise = "default";
  std::string province;
  std::vector<std::string> rates;
  bool force = false;
  bool quiet = false;
};

// "social_insurance.missing_id=0.05" -> {dataset, kind, rate}.
Result<datagen::RateOverride> ParseRate(const std::string& spec) {
  const size_t dot = spec.find('.'), eq = spec.find('=');
  if (dot == std::string::npos || eq == std::string::npos || eq < dot) {
    return InvalidArgumentError("--rate '" + spec.substr(0, 60) + "' must look like DATASET.KIND=RATE, e.g. tax.duplicate=0.02");
  }
  ASSIGN_OR_RETURN(datagen::NoiseKind kind, datagen::ParseNoiseKind(spec.substr(dot + 1, eq - dot - 1)));
  const std::string value = spec.substr(eq + 1);
  char* end = nullptr;
  const double rate = std::strtod(value.c_str(), &end);
  if (value.empty() || end == nullptr || *end != '\0') {
    return InvalidArgumentError("--rate '" + spec.substr(0, 60) + "': '" + value.substr(0, 20) + "' is not a number");
  }
  return datagen::RateOverride{spec.substr(0, dot), kind, rate};
}

Status Run(const DatagenFlags& f) {
  datagen::GeneratorOptions o;
  o.persons = f.persons;
  o.seed = f.seed;
  ASSIGN_OR_RETURN(o.noise, datagen::ParseNoiseLevel(f.noise));
  o.province = f.province;
  o.overwrite = f.force;
  for (const auto& r : f.rates) {
    ASSIGN_OR_RETURN(auto parsed, ParseRate(r));
    o.rates.push_back(std::move(parsed));
  }
  if (!f.quiet) {
    o.progress = [](std::string_view m) { std::cerr << "datagen: " << m << "\n"; };
  }
  ASSIGN_OR_RETURN(auto summary, datagen::Generate(o, f.out));
  if (!f.quiet) {
    std::cout << summary.ToText() << fmt::format("Wrote {} (truth in {}/truth, counts in {}/summary.json)\n", f.out, f.out, f.out);
  }
  return OkStatus();
}

}  // namespace

void RegisterDatagen(CLI::App* app, int* exit_code) {
  auto* f = NewCommandState<DatagenFlags>();
  auto* cmd = app->add_subcommand(
      "datagen",
      "Generate a synthetic population registry and agency datasets (social insurance, health insurance, "
      "education, civil servants, tax) with injected errors and a truth file; the same seed gives "
      "byte-identical files. See docs/design/datagen.md");
  cmd->add_option("--persons,-n", f->persons, "Registered persons to generate")->capture_default_str();
  cmd->add_option("--seed", f->seed, "Random seed; the output is a function of the seed and options")->capture_default_str();
  cmd->add_option("--out,-o", f->out, "Output directory (created; must be empty unless --force)")->capture_default_str();
  cmd->add_option("--noise", f->noise, "Error rates: none, low (half), default or high (double)")->capture_default_str();
  cmd->add_option("--province", f->province, "Confine residents to one current province (2-digit code, e.g. 01 Hà Nội)");
  cmd->add_option("--rate", f->rates,
                  "Override one rate, DATASET.KIND=RATE (repeatable), e.g. tax.stale_address=0.8; kinds: missing_id, "
                  "wrong_id_digit, name_typo, dropped_diacritics, swapped_name_order, day_month_swap, wrong_year, "
                  "stale_address, duplicate, not_in_registry, unreported_death");
  cmd->add_flag("--force", f->force, "Write into a non-empty output directory, replacing files");
  cmd->add_flag("--quiet,-q", f->quiet, "No progress or summary");
  cmd->callback([f, exit_code] {
    Status s = Run(*f);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
