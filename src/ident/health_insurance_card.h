// The health insurance card code (mã thẻ bảo hiểm y tế, thẻ BHYT). See
// docs/design/identifiers.md#health-insurance-card.
//
// The 15-character form (Decision 1351/QĐ-BHXH of 2015):
//   1-2   beneficiary group, 2 letters (DN employees of enterprises, HC civil servants, TE children under
//         6, ...; BeneficiaryGroups() lists the known codes; callers may add codes Vietnam Social Security
//         introduces later through HealthCardOptions::extra_groups)
//   3     benefit level 1-5
//   4-5   province code: a pre-2025 GSO province code (the 2025 codes are a subset), or 97 / 98 for
//         the social insurance agencies of the Ministry of National Defence / of Public Security
//   6-15  the 10-digit social insurance number (ident/social_insurance.h)
// Cards issued from 2021 (Decision 1666/QĐ-BHXH of 2020) print only the 10-digit social insurance number,
// which is accepted as the short form.
//
// Messages name the faulty part; the 10-digit number is never repeated. Errors are kInvalidArgument.
// Pure functions over constant data; thread-safe. No heap allocation on success (all fields fit the
// small-string buffer).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc::ident {

// Who pays the contribution (Law on Health Insurance, art. 12 as amended in 2014).
enum class BeneficiaryCategory : uint8_t {
  kEmployment = 1,        // employee and employer
  kSocialInsuranceFund,   // the social insurance organization
  kStateBudget,           // the state budget
  kStateBudgetSupported,  // the participant, with state budget support
  kHousehold,             // household participation
};

struct BeneficiaryGroup {
  std::string_view code;  // "DN"
  BeneficiaryCategory category;
  std::string_view name_en;
};

// The known group codes, sorted by code.
std::span<const BeneficiaryGroup> BeneficiaryGroups();
// The group with this upper-case code, or nullptr.
const BeneficiaryGroup* FindBeneficiaryGroup(std::string_view code);

struct HealthInsuranceCard {
  std::string group;          // "DN" (upper-cased); empty for the 10-digit form
  int benefit_level = 0;      // 1-5; 0 for the 10-digit form
  std::string province_code;  // "79"; empty for the 10-digit form
  std::string social_insurance_number;

  friend bool operator==(const HealthInsuranceCard&, const HealthInsuranceCard&) = default;
};

struct HealthCardOptions {
  // Upper-case group codes accepted in addition to BeneficiaryGroups(); the viewed strings must outlive
  // the call.
  std::span<const std::string_view> extra_groups;
};

// Parses either form; group letters may be lower-case. Errors:
//   "health insurance card code is empty"
//   "health insurance card code must be 15 characters (group, benefit level, province, social insurance
//    number) or 10 digits, got 12"
//   "health insurance card beneficiary group has a non-letter '4' at position 2"
//   "health insurance card beneficiary group 'ZZ' is not a known group code"
//   "health insurance card benefit level must be a digit 1-5, got '6' at position 3"
//   "health insurance card province code has a non-digit 'O' at position 4"
//   "health insurance card province code '03' is not a province code (pre-2025 GSO code, 97 or 98)"
//   "health insurance card social insurance number has a non-digit 'O' at position 9"
//   10-digit form: "health insurance card code has a non-digit 'O' at position 2"
Result<HealthInsuranceCard> ParseHealthInsuranceCard(std::string_view text,
                                                     const HealthCardOptions& options = {});

}  // namespace ndc::ident
