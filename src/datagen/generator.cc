#include "datagen/generator.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "datagen/geography.h"

namespace ndc::datagen {
namespace {

namespace fs = std::filesystem;

Status WriteFile(const std::string& path, std::string_view content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return UnavailableError("cannot create '" + path + "': " + std::strerror(errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) return UnavailableError("cannot write '" + path + "': " + std::strerror(err));
  return OkStatus();
}

Status PrepareDir(const std::string& dir, bool overwrite) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec) && !overwrite) {
    return FailedPreconditionError("output directory '" + dir + "' is not empty (use --force to overwrite)");
  }
  fs::create_directories(fs::path(dir) / "truth", ec);
  if (ec) return UnavailableError("cannot create directory '" + dir + "/truth': " + ec.message());
  return OkStatus();
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct AgencyInfo {
  std::string_view id, name;
};
constexpr AgencyInfo kAgencies[] = {
    {"bca", "Bộ Công an (Ministry of Public Security)"},
    {"vss", "Bảo hiểm xã hội Việt Nam (Vietnam Social Security)"},
    {"moet", "Bộ Giáo dục và Đào tạo (Ministry of Education and Training)"},
    {"moha", "Bộ Nội vụ (Ministry of Home Affairs)"},
    {"gdt", "Cục Thuế, Bộ Tài chính (Tax Department, Ministry of Finance)"},
};

}  // namespace

std::string AgenciesJson() {
  std::string out = "[\n";
  for (size_t i = 0; i < std::size(kAgencies); ++i) {
    out += fmt::format("  {{\"id\": {}, \"name\": {}, \"kind\": \"state\"}}{}\n", JsonString(kAgencies[i].id),
                       JsonString(kAgencies[i].name), i + 1 < std::size(kAgencies) ? "," : "");
  }
  return out + "]\n";
}

std::string GenerationSummary::ToJson() const {
  std::string out = "{\n";
  out += fmt::format("  \"seed\": {},\n  \"noise\": \"{}\",\n  \"as_of\": \"{}\",\n", seed, NoiseLevelName(noise),
                     ident::FormatIsoDate(as_of));
  out += fmt::format("  \"persons\": {},\n  \"absent_persons\": {},\n  \"households\": {},\n  \"deaths\": {},\n", persons,
                     absent, households, deaths);
  uint64_t invalid = 0;
  std::array<uint64_t, kNoiseKindCount> totals{};
  out += "  \"datasets\": [\n";
  for (size_t d = 0; d < datasets.size(); ++d) {
    const auto& ds = datasets[d];
    invalid += ds.invalid;
    out += fmt::format("    {{\"id\": \"{}\", \"rows\": {}, \"invalid_on_purpose\": {}, \"noise\": {{", ds.id, ds.rows,
                       ds.invalid);
    bool first = true;
    for (size_t k = 0; k < kNoiseKindCount; ++k) {
      totals[k] += ds.counts.injected[k];
      if (ds.rates.rate[k] == 0 && ds.counts.injected[k] == 0) continue;
      out += fmt::format("{}\n      \"{}\": {{\"rate\": {}, \"eligible\": {}, \"injected\": {}}}", first ? "" : ",",
                         NoiseKindName(static_cast<NoiseKind>(k)), ds.rates.rate[k], ds.counts.eligible[k],
                         ds.counts.injected[k]);
      first = false;
    }
    out += first ? "}}" : "\n    }}";
    out += d + 1 < datasets.size() ? ",\n" : "\n";
  }
  out += "  ],\n  \"injected_by_kind\": {";
  for (size_t k = 0; k < kNoiseKindCount; ++k) {
    out += fmt::format("{}\"{}\": {}", k ? ", " : "", NoiseKindName(static_cast<NoiseKind>(k)), totals[k]);
  }
  out += fmt::format("}},\n  \"invalid_on_purpose\": {}\n}}\n", invalid);
  return out;
}

std::string GenerationSummary::ToText() const {
  std::string out = fmt::format("{} registered persons in {} households ({} deaths), {} absent from the registry\n",
                                persons, households, deaths, absent);
  for (const auto& ds : datasets) {
    uint64_t noisy = 0;
    for (auto n : ds.counts.injected) noisy += n;
    out += fmt::format("  {:<20} {:>10} rows {:>8} injected errors {:>6} invalid on purpose\n", ds.id, ds.rows, noisy,
                       ds.invalid);
  }
  return out;
}

Result<GenerationSummary> Generate(const GeneratorOptions& options, const std::string& out_dir) {
  if (options.persons < 1 || options.persons > 200000000) {
    return InvalidArgumentError("persons must be between 1 and 200000000");
  }
  int province = -1;
  if (!options.province.empty()) {
    province = Geography::Get().FindProvince(options.province);
    if (province < 0) {
      return InvalidArgumentError("unknown province code '" + options.province.substr(0, 40) +
                                  "' (expected one of the 34 current province codes)");
    }
  }
  auto datasets = AllDatasets();
  for (const auto& o : options.rates) {
    bool known = false;
    for (const auto& d : datasets) known = known || d->id() == o.dataset;
    if (!known) return InvalidArgumentError("unknown dataset '" + o.dataset.substr(0, 40) + "' in a rate override");
    if (!(o.rate >= 0 && o.rate <= 1)) {
      return InvalidArgumentError(fmt::format("rate {} for {}.{} is not in [0, 1]", o.rate, o.dataset, NoiseKindName(o.kind)));
    }
  }
  RETURN_IF_ERROR(PrepareDir(out_dir, options.overwrite));
  auto progress = [&](std::string_view m) {
    if (options.progress) options.progress(m);
  };

  progress(fmt::format("generating {} persons (seed {})", options.persons, options.seed));
  PopulationOptions po;
  po.persons = options.persons;
  po.seed = options.seed;
  po.as_of = options.as_of;
  po.province = province;
  ASSIGN_OR_RETURN(Population pop, GeneratePopulation(po));

  GenerationSummary summary;
  summary.seed = options.seed;
  summary.noise = options.noise;
  summary.as_of = options.as_of;
  summary.persons = pop.registered_count;
  summary.absent = pop.persons.size() - pop.registered_count;
  summary.households = pop.households.size();
  for (size_t i = 0; i < pop.registered_count; ++i) summary.deaths += pop.persons[i].alive() ? 0 : 1;

  for (auto& ds : datasets) {
    NoiseRates rates = RatesFor(ds->id(), options.noise);
    for (const auto& o : options.rates) {
      if (o.dataset == ds->id()) rates[o.kind] = o.rate;
    }
    progress(fmt::format("writing {}", ds->id()));
    RETURN_IF_ERROR(WriteFile(out_dir + "/" + std::string(ds->id()) + ".schema.json", ds->schema_json()));
    ASSIGN_OR_RETURN(DatasetResult r, WriteDataset(ds.get(), pop, rates, options.seed, out_dir));
    summary.datasets.push_back(std::move(r));
  }
  RETURN_IF_ERROR(WriteFile(out_dir + "/agencies.json", AgenciesJson()));
  RETURN_IF_ERROR(WriteFile(out_dir + "/summary.json", summary.ToJson()));
  return summary;
}

}  // namespace ndc::datagen
