#include "policy/purposes.h"

#include <algorithm>

namespace ndc::policy {

PurposeCatalog::PurposeCatalog(std::vector<Purpose> purposes) : purposes_(std::move(purposes)) {
  std::sort(purposes_.begin(), purposes_.end(), [](const Purpose& a, const Purpose& b) { return a.code < b.code; });
}

const Purpose* PurposeCatalog::Find(std::string_view code) const {
  auto it = std::lower_bound(purposes_.begin(), purposes_.end(), code,
                             [](const Purpose& p, std::string_view c) { return p.code < c; });
  return it != purposes_.end() && it->code == code ? &*it : nullptr;
}

const PurposeCatalog& PurposeCatalog::Default() {
  static const PurposeCatalog* catalog = new PurposeCatalog({
      {"public_service.civil_status", "civil status registration (birth, marriage, death)", false},
      {"public_service.residence", "residence registration and address verification", false},
      {"public_service.social_insurance", "social insurance enrolment, contributions and benefits", false},
      {"public_service.health_insurance", "health insurance cards and claims", false},
      {"public_service.education", "school and university enrolment, diplomas", false},
      {"public_service.tax", "tax registration and administration", false},
      {"public_service.civil_service", "civil servant management", false},
      {"public_service.social_assistance", "social assistance and poverty programmes", false},
      {"law_enforcement", "investigation and prosecution as provided by law", true},
      {"national_security", "protecting national security as provided by law", true},
      {"statistics", "official statistics (aggregates only leave the hub)", false},
      {"identity_verification", "verifying a person's identity attributes (eKYC)", false},
      {"banking.account_opening", "opening a bank account (consent)", false},
      {"insurance.contract", "concluding or managing an insurance contract (consent)", false},
      {"employment.onboarding", "hiring and onboarding an employee (consent)", false},
  });
  return *catalog;
}

}  // namespace ndc::policy
