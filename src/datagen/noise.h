// datagen/noise: the kinds of error injected into agency datasets, their rates (per dataset,
// with low / default / high presets), the counts kept while injecting, and the text and date
// edits themselves. Every kind and rate is documented in docs/design/datagen.md#noise.
//
// A rate is the probability that an *eligible* record gets the error (eligibility per kind: e.g.
// a day/month swap needs a day <= 12 that differs from the month), so the measured rate is
// injected / eligible, which the summary reports. Pure functions and value types; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "datagen/random.h"
#include "ident/date.h"

namespace ndc::datagen {

enum class NoiseKind : uint8_t {
  kMissingId,         // the personal ID field is blank
  kWrongIdDigit,      // one digit of the random part (digits 7-12) replaced: still well-formed
  kNameTypo,          // one edit (substitution, deletion, insertion, transposition) in a name part
  kDroppedDiacritics, // the name written without diacritics (datasets that keep them)
  kSwappedNameOrder,  // given name first (or surname and given name fields swapped)
  kDayMonthSwap,      // birth day and month exchanged (day <= 12, day != month)
  kWrongYear,         // birth year off by 1 or 10: contradicts the personal ID, record invalid
  kStaleAddress,      // a pre-2025 commune (or province) code instead of the current one
  kDuplicate,         // the person registered a second time under a new source key
  kNotInRegistry,     // a record of someone absent from the registry (foreigner, unregistered)
  kUnreportedDeath,   // a dead person still listed: the death was not reported to the agency
};
inline constexpr size_t kNoiseKindCount = 11;

// "missing_id", "wrong_id_digit", "name_typo", "dropped_diacritics", "swapped_name_order",
// "day_month_swap", "wrong_year", "stale_address", "duplicate", "not_in_registry",
// "unreported_death".
std::string_view NoiseKindName(NoiseKind kind);
// Errors: kInvalidArgument "unknown noise kind 'x' (expected missing_id, ...)".
Result<NoiseKind> ParseNoiseKind(std::string_view name);

enum class NoiseLevel : uint8_t { kNone, kLow, kDefault, kHigh };
// "none", "low", "default", "high". Errors: kInvalidArgument "unknown noise level 'x' (expected
// none, low, default or high)".
Result<NoiseLevel> ParseNoiseLevel(std::string_view name);
std::string_view NoiseLevelName(NoiseLevel level);

struct NoiseRates {
  std::array<double, kNoiseKindCount> rate{};
  double& operator[](NoiseKind k) { return rate[static_cast<size_t>(k)]; }
  double operator[](NoiseKind k) const { return rate[static_cast<size_t>(k)]; }
};

// The rates of `dataset` at `level`: the default rates (a table in noise.cc, the same for every
// agency dataset except stale addresses, which are an agency habit) halved for low and doubled
// for high (capped at 0.9). The population registry, the authoritative source, is clean at
// every level.
NoiseRates RatesFor(std::string_view dataset, NoiseLevel level);

struct NoiseCounts {
  std::array<uint64_t, kNoiseKindCount> eligible{};
  std::array<uint64_t, kNoiseKindCount> injected{};
};

// One edit at a letter of `s` (UTF-8; positions count code points; spaces are never edited):
// substitution by a neighbouring ASCII letter of the same case, deletion, insertion of a copy, or
// transposition with the next letter. Returns `s` unchanged when it has no letter.
std::string Typo(std::string_view s, Rng* rng);

// The same calendar date with day and month exchanged; requires day <= 12.
ident::Date SwapDayMonth(const ident::Date& d);
// The year moved by +-1 (70 %) or +-10 (30 %); 29 February becomes 28 February if needed.
ident::Date ShiftYear(const ident::Date& d, Rng* rng);
// `id` (12 digits) with one of digits 7-12 replaced by a different digit.
uint64_t ReplaceIdDigit(uint64_t id, Rng* rng);

}  // namespace ndc::datagen
