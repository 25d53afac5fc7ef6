// An audit entry: who did what to whose data, why, under which law, and what was decided. The
// byte encoding that the Merkle tree commits to is in entry_codec.h; docs/design/audit-log.md
// describes both. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ndc::audit {

// The caller: an API key (client), the agency it acts for, and its role.
struct Actor {
  std::string client;  // API key id, or "cli:<os user>" for the command line
  std::string agency;  // empty unless the caller acts for an agency
  std::string role;    // operator, agency, analyst, auditor, citizen
  friend bool operator==(const Actor&, const Actor&) = default;
};

// Whose data or which object the action touched; any part may be empty.
struct Subject {
  std::string person_key;  // the person in the repository, for data about a person
  std::string dataset;     // dataset id
  std::string record;      // record key, or the id of the object changed (agency, key, ...)
  friend bool operator==(const Subject&, const Subject&) = default;
};

enum class Decision : uint8_t { kDenied = 0, kAllowed = 1 };
std::string_view DecisionName(Decision d);  // "denied" / "allowed"

struct Entry {
  // Set by the log when the entry is appended: its position and a unique id ("aud_" + the index
  // in 16 hex digits + 8 random hex digits).
  uint64_t index = 0;
  std::string id;
  int64_t time_micros = 0;  // when it happened (µs since the epoch, UTC); 0: the log's clock at append
  Actor actor;
  std::string action;  // dotted lower-case verb, e.g. "dataset.create", "person.read"
  Subject subject;
  std::vector<std::string> fields;  // fields disclosed or changed, in the order given
  std::string purpose;
  std::string legal_basis;  // the law or agreement that allows it
  std::string consent_ref;  // the citizen's consent, when that is the basis
  Decision decision = Decision::kAllowed;
  std::string reason;      // why: required when denied
  std::string request_id;  // correlates with the HTTP request and logs
  friend bool operator==(const Entry&, const Entry&) = default;
};

// Limits that keep one entry small (the whole encoding stays under 64 KiB).
inline constexpr size_t kMaxEntryText = 4096;   // bytes per text field
inline constexpr size_t kMaxEntryFields = 256;  // names in `fields`

// Whether `text` may be one of an entry's texts or field names: valid UTF-8 without control
// characters, at most kMaxEntryText bytes (ValidateEntry's rule for each).
bool IsValidEntryText(std::string_view text);

// Checks what a caller supplies (not index/id): action [a-z0-9_.]+, texts valid UTF-8 without
// control characters and within the limits, a reason for a denial. kInvalidArgument naming the
// field otherwise.
Status ValidateEntry(const Entry& e);

}  // namespace ndc::audit
