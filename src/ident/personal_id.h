// The 12-digit personal identification number (số định danh cá nhân), printed on the chip ID card
// (CCCD / thẻ căn cước): structure per Decree 137/2015/ND-CP art. 7 and Circular 07/2016/TT-BCA art. 7,
// kept by the Law on Identification 2023 (26/2023/QH15). See docs/design/identifiers.md#personal-id.
//
//   digits 1-3  registration province code (one of the 63 pre-2025 codes, ident/registration_province.h)
//   digit  4    sex and century: 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s; even male, odd female
//   digits 5-6  last two digits of the birth year
//   digits 7-12 random
//
// The number is personal data: error messages name the faulty part (a character, the province code,
// the derived year or sex) but never repeat the whole number. Errors are kInvalidArgument.
// Parsing does not allocate on success. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "ident/date.h"

namespace ndc::ident {

enum class Sex : uint8_t { kMale, kFemale };

// "male" / "female".
std::string_view SexName(Sex sex);

inline constexpr size_t kPersonalIdLength = 12;
// Birth years a personal ID can encode (digit 4 covers five centuries).
inline constexpr int kPersonalIdMinYear = 1900;
inline constexpr int kPersonalIdMaxYear = 2399;

// What a personal ID says about its holder.
struct PersonalId {
  std::string_view province_code;  // "001"; points into static storage, valid forever
  Sex sex = Sex::kMale;
  int birth_year = 0;  // 1900-2399

  friend bool operator==(const PersonalId&, const PersonalId&) = default;
};

// Parses and checks the structure. Errors:
//   "personal ID is empty"
//   "personal ID has a non-digit 'A' at position 5"      (also '１' (U+FF11), control byte 0x00, ...)
//   "personal ID must be 12 digits, got 11"
//   "personal ID province code '003' is not a registration code (Circular 07/2016/TT-BCA)"
Result<PersonalId> ParsePersonalId(std::string_view text);

// Facts known about the holder from elsewhere, to check against the number. All optional.
struct PersonalIdFacts {
  std::optional<Date> birth_date;
  std::optional<int> birth_year;  // when only the year is known (a partial birth date)
  std::optional<Sex> sex;
  std::optional<Date> today;  // rejects a birth year after today's year
};

// ParsePersonalId, then agreement with `facts`. Further errors:
//   "personal ID says birth year 1987 but birth date is 1988-03-02"
//   "personal ID says birth year 1987 but birth year is 1988"
//   "personal ID says female (digit 4 = 1) but sex is male"
//   "personal ID says birth year 2187 (digit 4 = 4), after today 2026-01-01"
Status ValidatePersonalId(std::string_view text, const PersonalIdFacts& facts = {});

// Builds a personal ID, e.g. for the synthetic data generator. Errors:
//   "province code '003' is not a personal ID registration code (Circular 07/2016/TT-BCA)"
//   "birth year 1899 cannot be encoded in a personal ID (1900-2399)"
//   "random part 1000000 does not fit in 6 digits (0-999999)"
Result<std::string> MakePersonalId(std::string_view province_code, Sex sex, int birth_year, uint32_t random6);

}  // namespace ndc::ident
