// datagen/dataset: one agency dataset derived from the population, and the engine that writes it.
// Each AgencyDataset (one file per agency, e.g. social_insurance.cc) says who the agency holds,
// its conventions (name case and diacritics, address kind) and how a row is written; the engine
// (dataset.cc) walks the population, applies the noise of noise.h with the dataset's rates, and
// writes `<id>.csv`, `<id>.schema.json` and `truth/<id>.truth.csv`. docs/design/datagen.md.
//
// Determinism: the engine draws from its own stream DeriveSeed(seed, id), in population order.
// Not thread-safe (one engine run per dataset object at a time).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "datagen/csv_writer.h"
#include "datagen/noise.h"
#include "datagen/population.h"

namespace ndc::datagen {

struct NameStyle {
  bool upper = false;       // "NGUYỄN VĂN AN" rather than "Nguyễn Văn An"
  bool diacritics = true;   // false: "Nguyen Van An" (then dropped_diacritics does not apply)
};

enum class AddressKind : uint8_t { kNone, kPermanentCommune, kCurrentCommune, kProvince };

// One record as the agency holds it, noise applied.
struct AgencyRecord {
  const Person* person = nullptr;
  uint32_t person_no = 0;
  std::string personal_id;  // 12 digits, or "" (missing, or absent from the registry)
  std::string surname, middle, given;  // in the dataset's NameStyle; middle may be ""
  bool reversed = false;               // written given name first
  ident::Date birth;
  std::string address;  // current or stale code, per the dataset's AddressKind; "" for kNone
  bool duplicate = false;  // the second registration of a person

  // The parts in written order, single spaces.
  std::string FullName() const;
};

class AgencyDataset {
 public:
  virtual ~AgencyDataset() = default;
  virtual std::string_view id() const = 0;
  // The catalog schema file (docs/design/dataset-schema.md).
  virtual std::string_view schema_json() const = 0;
  // CSV header: the schema's `column` values, in row order.
  virtual std::vector<std::string_view> header() const = 0;
  virtual NameStyle name_style() const = 0;
  virtual AddressKind address_kind() const = 0;
  // Whether the row carries the personal ID of `p` (a dataset may use the old 9-digit number instead).
  virtual bool has_personal_id(const Person& /*p*/) const { return true; }
  // True for the registry: deaths are recorded there, never "unreported".
  virtual bool records_deaths() const { return false; }
  // Whether the agency holds a record of registered person `p` (alive or dead).
  virtual bool Includes(const Person& p, const Population& pop, Rng* rng) = 0;
  // Writes one row (header() order) and returns its source key, unique in the file.
  virtual std::string WriteRow(const AgencyRecord& r, const Population& pop, Rng* rng, CsvWriter* out) = 0;
};

struct DatasetResult {
  std::string id;
  uint64_t rows = 0;     // data rows
  uint64_t invalid = 0;  // rows made invalid on purpose (wrong_year with a personal ID)
  uint64_t bytes = 0;
  NoiseRates rates;
  NoiseCounts counts;
};

// Writes the dataset's three files under `dir` (which must exist, with a `truth` subdirectory).
// Errors: those of CsvWriter (kUnavailable).
Result<DatasetResult> WriteDataset(AgencyDataset* dataset, const Population& pop, const NoiseRates& rates,
                                   uint64_t seed, const std::string& dir);

// The six datasets, in output order: population_registry, social_insurance, health_insurance,
// education, civil_servants, tax.
std::vector<std::unique_ptr<AgencyDataset>> AllDatasets();
std::unique_ptr<AgencyDataset> NewPopulationRegistry();
std::unique_ptr<AgencyDataset> NewSocialInsurance();
std::unique_ptr<AgencyDataset> NewHealthInsurance();
std::unique_ptr<AgencyDataset> NewEducation();
std::unique_ptr<AgencyDataset> NewCivilServants();
std::unique_ptr<AgencyDataset> NewTax();

// Date spellings agencies use.
enum class DateStyle : uint8_t { kIso, kDmySlash, kDmSlashShort, kDmyDash, kCompact };
std::string FormatDate(const ident::Date& d, DateStyle style);
// A number zero-padded to `width` digits.
std::string Digits(uint64_t v, int width);

}  // namespace ndc::datagen
