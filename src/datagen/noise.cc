#include "datagen/noise.h"

#include <algorithm>

#include "text/unicode.h"

namespace ndc::datagen {
namespace {

constexpr std::array<std::string_view, kNoiseKindCount> kNames = {
    "missing_id", "wrong_id_digit", "name_typo", "dropped_diacritics", "swapped_name_order", "day_month_swap",
    "wrong_year", "stale_address", "duplicate", "not_in_registry", "unreported_death"};

// Default rates, per eligible record (docs/design/datagen.md#noise has the reasoning).
constexpr std::array<double, kNoiseKindCount> kDefault = {
    0.03,   // missing_id
    0.01,   // wrong_id_digit
    0.02,   // name_typo
    0.05,   // dropped_diacritics
    0.01,   // swapped_name_order
    0.01,   // day_month_swap
    0.005,  // wrong_year
    0.10,   // stale_address (tax 0.5, social insurance 0.3, civil servants 0.2)
    0.01,   // duplicate
    0.005,  // not_in_registry
    0.30,   // unreported_death
};

// QWERTY neighbours, for substitutions that look like typing errors.
constexpr std::string_view kNeighbours[26] = {
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",
    "njk",  "bhjm", "iklp", "ol",     "wa",   "edft",   "awedxz", "rfgy", "yhji",  "cfgb",  "qase", "zsdc",
    "tghu", "asx"};

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string_view NoiseKindName(NoiseKind kind) { return kNames[static_cast<size_t>(kind)]; }

Result<NoiseKind> ParseNoiseKind(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<NoiseKind>(i);
  }
  std::string all;
  for (size_t i = 0; i < kNames.size(); ++i) {
    all += (i == 0 ? "" : i + 1 == kNames.size() ? " or " : ", ");
    all += kNames[i];
  }
  return InvalidArgumentError("unknown noise kind '" + std::string(name.substr(0, 40)) + "' (expected " + all + ")");
}

Result<NoiseLevel> ParseNoiseLevel(std::string_view name) {
  if (name == "none") return NoiseLevel::kNone;
  if (name == "low") return NoiseLevel::kLow;
  if (name == "default") return NoiseLevel::kDefault;
  if (name == "high") return NoiseLevel::kHigh;
  return InvalidArgumentError("unknown noise level '" + std::string(name.substr(0, 40)) +
                              "' (expected none, low, default or high)");
}

std::string_view NoiseLevelName(NoiseLevel level) {
  switch (level) {
    case NoiseLevel::kNone: return "none";
    case NoiseLevel::kLow: return "low";
    case NoiseLevel::kDefault: return "default";
    case NoiseLevel::kHigh: return "high";
  }
  return "default";
}

NoiseRates RatesFor(std::string_view dataset, NoiseLevel level) {
  NoiseRates r;
  if (dataset == "population_registry" || level == NoiseLevel::kNone) return r;
  r.rate = kDefault;
  if (dataset == "tax") r[NoiseKind::kStaleAddress] = 0.5;
  if (dataset == "social_insurance") r[NoiseKind::kStaleAddress] = 0.3;
  if (dataset == "civil_servants") r[NoiseKind::kStaleAddress] = 0.2;
  const double factor = level == NoiseLevel::kLow ? 0.5 : level == NoiseLevel::kHigh ? 2.0 : 1.0;
  for (double& x : r.rate) x = std::min(0.9, x * factor);
  return r;
}

std::string Typo(std::string_view s, Rng* rng) {
  std::u32string cps = text::DecodeUtf8Lossy(s);
  std::vector<size_t> letters;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] != U' ' && cps[i] != U'-') letters.push_back(i);
  }
  if (letters.empty()) return std::string(s);
  const size_t at = letters[rng->Below(letters.size())];
  switch (rng->Below(4)) {
    case 0: {  // substitution
      char32_t c = cps[at];
      bool upper = c >= 'A' && c <= 'Z';
      if (!IsAsciiLetter(c)) upper = std::none_of(cps.begin(), cps.end(), [](char32_t x) { return x >= 'a' && x <= 'z'; });
      char base = IsAsciiLetter(c) ? static_cast<char>(upper ? c - 'A' + 'a' : c) : 'a' + static_cast<char>(rng->Below(26));
      std::string_view n = kNeighbours[base - 'a'];
      char32_t r = static_cast<char32_t>(n[rng->Below(n.size())]);
      if (upper) r = r - 'a' + 'A';
      cps[at] = r;
      break;
    }
    case 1:  // deletion (never empties a one-letter word: then insertion)
      if (letters.size() > 1) {
        cps.erase(at, 1);
        break;
      }
      [[fallthrough]];
    case 2:  // insertion of a doubled letter
      cps.insert(at, 1, cps[at]);
      break;
    default:  // transposition with the next letter, or with the previous at a word end
      if (at + 1 < cps.size() && cps[at + 1] != U' ' && cps[at + 1] != cps[at]) {
        std::swap(cps[at], cps[at + 1]);
      } else if (at > 0 && cps[at - 1] != U' ' && cps[at - 1] != cps[at]) {
        std::swap(cps[at], cps[at - 1]);
      } else {
        cps.insert(at, 1, cps[at]);
      }
  }
  return text::EncodeUtf8(cps);
}

ident::Date SwapDayMonth(const ident::Date& d) { return {d.year, d.day, d.month}; }

ident::Date ShiftYear(const ident::Date& d, Rng* rng) {
  const int step = rng->Chance(0.7) ? 1 : 10;
  ident::Date out = d;
  out.year += rng->Chance(0.5) ? step : -step;
  if (out.month == 2 && out.day == 29 && !ident::IsLeapYear(out.year)) out.day = 28;
  return out;
}

uint64_t ReplaceIdDigit(uint64_t id, Rng* rng) {
  uint64_t pow = 1;
  const uint64_t pos = rng->Below(6);  // 0 = last digit .. 5 = digit 7
  for (uint64_t i = 0; i < pos; ++i) pow *= 10;
  const uint64_t digit = (id / pow) % 10;
  const uint64_t repl = (digit + 1 + rng->Below(9)) % 10;
  return id - digit * pow + repl * pow;
}

}  // namespace ndc::datagen
