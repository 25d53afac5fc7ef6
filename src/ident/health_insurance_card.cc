#include "ident/health_insurance_card.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "ident/internal/chars.h"
#include "ident/internal/tables.h"
#include "ident/social_insurance.h"

namespace ndc::ident {
namespace {

using C = BeneficiaryCategory;

// Group codes of Decision 1351/QĐ-BHXH (2015) as used on cards; descriptions are summaries, see
// docs/design/identifiers.md#health-insurance-card. Sorted by code for binary search.
constexpr std::array<BeneficiaryGroup, 44> kGroups = {{
    {"BT", C::kStateBudget, "recipients of monthly social protection allowances"},
    {"CA", C::kStateBudget, "officers and soldiers of the People's Public Security"},
    {"CB", C::kStateBudget, "war veterans"},
    {"CC", C::kStateBudget, "persons with meritorious services to the revolution"},
    {"CH", C::kEmployment, "employees of state agencies and public service units"},
    {"CK", C::kStateBudget, "other persons with meritorious services to the revolution"},
    {"CN", C::kStateBudgetSupported, "members of near-poor households"},
    {"CS", C::kSocialInsuranceFund, "retired rubber workers on a monthly allowance"},
    {"CT", C::kSocialInsuranceFund, "persons aged 80 or more on a monthly survivor allowance"},
    {"CY", C::kStateBudget, "cipher personnel"},
    {"DK", C::kStateBudget, "residents of extremely disadvantaged areas"},
    {"DN", C::kEmployment, "employees of enterprises"},
    {"DT", C::kStateBudget, "ethnic minorities living in disadvantaged areas"},
    {"GB", C::kStateBudgetSupported,
     "farming, forestry, fishery and salt households of average living standard"},
    {"GD", C::kHousehold, "members of participating households"},
    {"HC", C::kEmployment, "cadres, civil servants and public employees"},
    {"HD", C::kStateBudget, "sitting deputies of the National Assembly and People's Councils"},
    {"HG", C::kStateBudget, "donors of body parts"},
    {"HN", C::kStateBudget, "members of poor households"},
    {"HS", C::kStateBudgetSupported, "pupils"},
    {"HT", C::kSocialInsuranceFund, "pensioners and recipients of monthly incapacity allowances"},
    {"HX", C::kEmployment, "employees of cooperatives"},
    {"KC", C::kStateBudget, "participants in the resistance and in the defence of the Fatherland"},
    {"LS", C::kStateBudget, "foreign students on Vietnamese state scholarships"},
    {"MS", C::kStateBudget, "former incapacity-allowance recipients on a monthly budget allowance"},
    {"NN", C::kEmployment, "employees of foreign and international organizations in Vietnam"},
    {"NO", C::kSocialInsuranceFund, "employees on long-term sickness benefit"},
    {"PV", C::kStateBudget, "carers of persons with meritorious services"},
    {"QN", C::kStateBudget, "officers and soldiers of the People's Army"},
    {"SV", C::kStateBudgetSupported, "students"},
    {"TA", C::kStateBudget, "relatives of People's Public Security personnel"},
    {"TB", C::kSocialInsuranceFund, "recipients of monthly work-accident or occupational-disease allowances"},
    {"TC", C::kStateBudget, "relatives of persons with meritorious services"},
    {"TE", C::kStateBudget, "children under 6"},
    {"TK", C::kEmployment, "employees of other organizations"},
    {"TN", C::kSocialInsuranceFund, "recipients of unemployment benefit"},
    {"TQ", C::kStateBudget, "relatives of People's Army personnel"},
    {"TS", C::kStateBudget, "relatives of martyrs"},
    {"TV", C::kStateBudget, "relatives of defence workers and employees"},
    {"TY", C::kStateBudget, "relatives of cipher personnel"},
    {"XB", C::kSocialInsuranceFund, "retired commune officials on a monthly social insurance allowance"},
    {"XD", C::kStateBudget, "residents of island communes and districts"},
    {"XK", C::kEmployment, "part-time commune officials"},
    {"XN", C::kStateBudget, "retired commune officials on a monthly budget allowance"},
}};

constexpr std::string_view kCard = "health insurance card";
constexpr int kDefenceProvinceCode = 97;  // Social insurance agency of the Ministry of National Defence
constexpr int kPoliceProvinceCode = 98;   // Social insurance agency of the People's Public Security

bool IsKnownProvince(int code) {
  // Registration prefixes 001-096 carry the pre-2025 GSO province codes 01-96.
  return internal::kRegistrationIndexByPrefix[code] >= 0 || code == kDefenceProvinceCode ||
         code == kPoliceProvinceCode;
}

bool IsKnownGroup(std::string_view code, const HealthCardOptions& options) {
  return FindBeneficiaryGroup(code) != nullptr ||
         std::find(options.extra_groups.begin(), options.extra_groups.end(), code) !=
             options.extra_groups.end();
}

Status FieldNonDigit(std::string_view field, std::string_view text, size_t begin, size_t end) {
  const size_t bad = internal::FindNonDigit(text.substr(begin, end - begin));
  if (bad == std::string_view::npos) return OkStatus();
  return internal::NonDigitError(fmt::format("{} {}", kCard, field), text, begin + bad);
}

Result<HealthInsuranceCard> ParseLongForm(std::string_view text, const HealthCardOptions& options) {
  HealthInsuranceCard card;
  for (size_t i = 0; i < 2; ++i) {
    if (!internal::IsAlpha(text[i])) {
      return InvalidArgumentError(fmt::format("{} beneficiary group has a non-letter {} at position {}",
                                              kCard, internal::DescribeCharAt(text, i),
                                              internal::CharPosition(text, i)));
    }
    card.group.push_back(internal::ToUpper(text[i]));
  }
  if (!IsKnownGroup(card.group, options)) {
    return InvalidArgumentError(
        fmt::format("{} beneficiary group '{}' is not a known group code", kCard, card.group));
  }
  if (text[2] < '1' || text[2] > '5') {
    return InvalidArgumentError(fmt::format("{} benefit level must be a digit 1-5, got {} at position 3",
                                            kCard, internal::DescribeCharAt(text, 2)));
  }
  card.benefit_level = text[2] - '0';
  RETURN_IF_ERROR(FieldNonDigit("province code", text, 3, 5));
  if (!IsKnownProvince(internal::DigitsValue(text, 3, 2))) {
    return InvalidArgumentError(
        fmt::format("{} province code '{}' is not a province code (pre-2025 GSO code, 97 or 98)", kCard,
                    text.substr(3, 2)));
  }
  card.province_code.assign(text.substr(3, 2));
  RETURN_IF_ERROR(FieldNonDigit("social insurance number", text, 5, 15));
  card.social_insurance_number.assign(text.substr(5));
  return card;
}

}  // namespace

std::span<const BeneficiaryGroup> BeneficiaryGroups() { return kGroups; }

const BeneficiaryGroup* FindBeneficiaryGroup(std::string_view code) {
  const auto it = std::lower_bound(kGroups.begin(), kGroups.end(), code,
                                   [](const BeneficiaryGroup& g, std::string_view c) { return g.code < c; });
  return it != kGroups.end() && it->code == code ? &*it : nullptr;
}

Result<HealthInsuranceCard> ParseHealthInsuranceCard(std::string_view text,
                                                     const HealthCardOptions& options) {
  if (text.empty()) return InvalidArgumentError(fmt::format("{} code is empty", kCard));
  if (text.size() == 15) return ParseLongForm(text, options);
  if (text.size() == kSocialInsuranceNumberLength) {
    RETURN_IF_ERROR(internal::CheckDigits("health insurance card code", text, kSocialInsuranceNumberLength));
    HealthInsuranceCard card;
    card.social_insurance_number.assign(text);
    return card;
  }
  return InvalidArgumentError(fmt::format(
      "{} code must be 15 characters (group, benefit level, province, social insurance number) or 10 digits, "
      "got {}",
      kCard, internal::CharCount(text)));
}

}  // namespace ndc::ident
