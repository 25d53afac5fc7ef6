// datagen/generator: `ndc datagen` as a library call. Generates the population and writes every
// dataset into an output directory:
//
//   <dir>/<dataset>.csv              the agency's records (RFC 4180, UTF-8, header row)
//   <dir>/<dataset>.schema.json      its catalog schema (docs/design/dataset-schema.md)
//   <dir>/truth/<dataset>.truth.csv  source key -> true person, injected noise, invalid flag
//   <dir>/summary.json               counts by dataset, noise by kind, invalid records
//   <dir>/agencies.json              the agencies owning the datasets
//
// Output is a pure function of the options (same seed, same bytes). Formats, model and noise:
// docs/design/datagen.md. Single-threaded; the call is thread-safe (no shared mutable state).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "datagen/dataset.h"
#include "datagen/noise.h"

namespace ndc::datagen {

struct RateOverride {
  std::string dataset;  // a dataset id
  NoiseKind kind;
  double rate;  // 0-1
};

struct GeneratorOptions {
  size_t persons = 10000;
  uint64_t seed = 1;
  NoiseLevel noise = NoiseLevel::kDefault;
  std::string province;  // a current 2-digit province code; "" for the whole country
  ident::Date as_of{2026, 1, 1};
  std::vector<RateOverride> rates;  // applied after the level's rates
  bool overwrite = false;           // allow a non-empty output directory
  // Called with a one-line progress message at each stage (e.g. to print on stderr).
  std::function<void(std::string_view)> progress;
};

struct GenerationSummary {
  uint64_t seed = 0;
  NoiseLevel noise = NoiseLevel::kDefault;
  ident::Date as_of;
  size_t persons = 0, absent = 0, households = 0, deaths = 0;
  std::vector<DatasetResult> datasets;

  // summary.json (stable key order; docs/design/datagen.md#summary).
  std::string ToJson() const;
  // The human summary printed at the end of a run.
  std::string ToText() const;
};

// Errors:
//   kInvalidArgument "persons must be between 1 and 200000000"
//   kInvalidArgument "unknown province code '99' (expected one of the 34 current province codes)"
//   kInvalidArgument "unknown dataset 'x' in a rate override" / "rate 1.5 for tax.duplicate is not in [0, 1]"
//   kFailedPrecondition "output directory 'd' is not empty (use --force to overwrite)"
//   kUnavailable when a directory or file cannot be created or written
Result<GenerationSummary> Generate(const GeneratorOptions& options, const std::string& out_dir);

// agencies.json: [{"id": "bca", "name": "Bộ Công an", "kind": "state"}, ...].
std::string AgenciesJson();

}  // namespace ndc::datagen
