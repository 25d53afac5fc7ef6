// sharing/agreement_json: the agreement document — what operators write (CLI file, HTTP body)
// and what the store keeps — to and from policy::Agreement. Shape only: whether the agency,
// datasets and fields exist is checked by AgreementStore against the catalog.
// Format: docs/design/sharing.md, "Agreement document". Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "policy/agreement.h"

namespace ndc::sharing {

// An agreement version with what the store adds.
struct StoredAgreement {
  policy::Agreement agreement;
  std::string title;
  int64_t created_at = 0;
  std::string created_by;  // the key id (or "cli:<user>") that made this version
  // On input only: the document's `version`, the version it was read at. A change made from it
  // is refused if the agreement has moved past that version since (AgreementStore::Update).
  std::optional<int> read_version;
};

// kInvalidArgument naming the member ("agreement.valid_to: ...") for unknown members, wrong
// types, unknown actions / forms / statuses / feed events, an id or field name that is not an
// identifier, an empty grant, purposes or actions list, valid_to not after valid_from, negative
// retention or rate, a legal basis that names neither an instrument nor consent, "*" outside the
// open form. `version` (optional, a positive integer) becomes read_version; `created_at` and
// `created_by` are ignored on input (the store sets them).
Result<StoredAgreement> AgreementFromJson(const nlohmann::json& doc);

// The document with version, created_at and created_by; times as RFC 3339.
nlohmann::json AgreementToJson(const StoredAgreement& a);

// The feed event types an agreement may list (docs/design/sharing.md).
bool IsKnownFeedEvent(std::string_view name);

}  // namespace ndc::sharing
