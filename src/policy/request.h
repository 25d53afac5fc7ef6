// policy/request: who asks for what, and for which purpose — the input of Decide (decide.h).
// Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/agreement.h"

namespace ndc::policy {

// The caller as policy sees it. The API layer maps an authenticated principal to this: agency
// clients to kStateAgency / kNonStateAgency (from the agency's kind), citizens to kCitizen with
// their person key, operators, analysts and auditors to kStaff (they administer the hub and read
// aggregates and the audit log, never a person's data through the data endpoints).
enum class CallerKind { kStateAgency, kNonStateAgency, kCitizen, kStaff };

struct Caller {
  CallerKind kind = CallerKind::kStaff;
  std::string agency_id;   // agencies
  std::string person_key;  // citizens: the person they are
};

// One field of one dataset: "population_registry.ho_ten".
struct FieldRef {
  std::string dataset;
  std::string field;
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
  friend auto operator<=>(const FieldRef&, const FieldRef&) = default;
};

struct Request {
  Caller caller;
  Action action = Action::kReadPerson;
  std::string purpose;       // a purpose code; required for agencies
  std::string agreement_id;  // optional: serve under this agreement only
  std::string person_key;    // the subject (person reads, verify, consent lookup)
  std::string dataset;       // kReadRecord: the dataset read; kFeed with a dataset event
  std::string feed_event;    // kFeed: the event type
  // Whether `dataset`'s records are persons' (catalog::DatasetSchema::RecordsArePersons: classified
  // personal, or a field mapped to a person attribute):
  // open data is no one's, so no open agreement serves a record read or record_change feed of
  // such a dataset (AgreementStore::Validate refuses the grant since 2026-12-02; one stored
  // before is passed over). True unless the caller knows otherwise: an open agreement serves a
  // dataset only when told it is no one's.
  bool dataset_personal = true;
  // The fields asked for. Empty: every field the agreement (and consent) allows. A field outside
  // them is a denial, not a silent omission, so clients learn what they are not entitled to.
  std::vector<FieldRef> fields;
  int64_t now = 0;  // Unix microseconds
};

}  // namespace ndc::policy
