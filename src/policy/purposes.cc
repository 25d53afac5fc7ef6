#include "policy/purposes.h"

#include <algorithm>

namespace ndc::policy {

PurposeCatalog::PurposeCatalog(std::vector<Purpose> purposes) : purposes_(std::move(purposes)) {
  std::sort(purposes_.begin(), purposes_.end(), [](const Purpose& a, const Purpose& b) { return a.code < b.code; });
}

bool PurposeCatalog::Contains(std::string_view code) const {
  auto it = std::lower_bound(purposes_.begin(), purposes_.end(), code,
                             [](const Purpose& p, std::string_view c) { return p.code < c; });
  return it != purposes_.end() && it->code == code;
}

const PurposeCatalog& PurposeCatalog::Default() {
  static const PurposeCatalog* catalog = new PurposeCatalog({
      {"public_service.civil_status", "civil status registration (birth, marriage, death)"},
      {"public_service.residence", "residence registration and address verification"},
      {"public_service.social_insurance", "social insurance enrolment, contributions and benefits"},
      {"public_service.health_insurance", "health insurance cards and claims"},
      {"public_service.education", "school and university enrolment, diplomas"},
      {"public_service.tax", "tax registration and administration"},
      {"public_service.civil_service", "civil servant management"},
      {"public_service.social_assistance", "social assistance and poverty programmes"},
      {"law_enforcement", "investigation and prosecution as provided by law"},
      {"statistics", "official statistics (aggregates only leave the hub)"},
      {"identity_verification", "verifying a person's identity attributes (eKYC)"},
      {"banking.account_opening", "opening a bank account (consent)"},
      {"insurance.contract", "concluding or managing an insurance contract (consent)"},
      {"employment.onboarding", "hiring and onboarding an employee (consent)"},
  });
  return *catalog;
}

}  // namespace ndc::policy
