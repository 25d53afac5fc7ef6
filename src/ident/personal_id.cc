#include "ident/personal_id.h"

#include <fmt/format.h>

#include "ident/internal/chars.h"
#include "ident/internal/tables.h"

namespace ndc::ident {
namespace {

constexpr std::string_view kWhat = "personal ID";

// Century digit (digit 4) for a birth year and sex; the caller has checked the year range.
char CenturyDigit(int birth_year, Sex sex) {
  const int century = (birth_year - kPersonalIdMinYear) / 100;  // 0 for the 1900s
  return static_cast<char>('0' + century * 2 + (sex == Sex::kFemale ? 1 : 0));
}

}  // namespace

std::string_view SexName(Sex sex) { return sex == Sex::kFemale ? "female" : "male"; }

Result<PersonalId> ParsePersonalId(std::string_view text) {
  RETURN_IF_ERROR(internal::CheckDigits(kWhat, text, kPersonalIdLength));
  const int prefix = internal::DigitsValue(text, 0, 3);
  const int province_index = internal::kRegistrationIndexByPrefix[prefix];
  if (province_index < 0) {
    return InvalidArgumentError(
        fmt::format("personal ID province code '{}' is not a registration code (Circular 07/2016/TT-BCA)",
                    text.substr(0, 3)));
  }
  const int digit4 = text[3] - '0';
  PersonalId id;
  id.province_code = internal::kRegistrationProvinces[province_index].prefix;
  id.sex = digit4 % 2 == 0 ? Sex::kMale : Sex::kFemale;
  id.birth_year = kPersonalIdMinYear + (digit4 / 2) * 100 + internal::DigitsValue(text, 4, 2);
  return id;
}

Status ValidatePersonalId(std::string_view text, const PersonalIdFacts& facts) {
  ASSIGN_OR_RETURN(const PersonalId id, ParsePersonalId(text));
  const int digit4 = text[3] - '0';
  if (facts.birth_date && facts.birth_date->year != id.birth_year) {
    return InvalidArgumentError(fmt::format("personal ID says birth year {} but birth date is {}",
                                            id.birth_year, FormatIsoDate(*facts.birth_date)));
  }
  if (facts.birth_year && *facts.birth_year != id.birth_year) {
    return InvalidArgumentError(
        fmt::format("personal ID says birth year {} but birth year is {}", id.birth_year, *facts.birth_year));
  }
  if (facts.sex && *facts.sex != id.sex) {
    return InvalidArgumentError(fmt::format("personal ID says {} (digit 4 = {}) but sex is {}",
                                            SexName(id.sex), digit4, SexName(*facts.sex)));
  }
  if (facts.today && id.birth_year > facts.today->year) {
    return InvalidArgumentError(fmt::format("personal ID says birth year {} (digit 4 = {}), after today {}",
                                            id.birth_year, digit4, FormatIsoDate(*facts.today)));
  }
  return OkStatus();
}

Result<std::string> MakePersonalId(std::string_view province_code, Sex sex, int birth_year,
                                   uint32_t random6) {
  const bool well_formed =
      province_code.size() == 3 && internal::FindNonDigit(province_code) == std::string_view::npos;
  if (!well_formed || internal::kRegistrationIndexByPrefix[internal::DigitsValue(province_code, 0, 3)] < 0) {
    return InvalidArgumentError(
        fmt::format("province code {} is not a personal ID registration code (Circular 07/2016/TT-BCA)",
                    internal::Quote(province_code)));
  }
  if (birth_year < kPersonalIdMinYear || birth_year > kPersonalIdMaxYear) {
    return InvalidArgumentError(fmt::format("birth year {} cannot be encoded in a personal ID ({}-{})",
                                            birth_year, kPersonalIdMinYear, kPersonalIdMaxYear));
  }
  if (random6 > 999999) {
    return InvalidArgumentError(fmt::format("random part {} does not fit in 6 digits (0-999999)", random6));
  }
  return fmt::format("{}{}{:02}{:06}", province_code, CenturyDigit(birth_year, sex), birth_year % 100,
                     random6);
}

}  // namespace ndc::ident
