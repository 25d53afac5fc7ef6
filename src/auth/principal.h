// Who is calling: the authenticated principal and its role. Roles follow docs/architecture.md:
// operator (runs the hub), agency (a machine client of one agency), analyst, auditor, citizen.
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc::auth {

enum class Role { kOperator, kAgency, kAnalyst, kAuditor, kCitizen };

std::string_view RoleName(Role role);
// "operator" -> kOperator; kInvalidArgument naming the allowed roles otherwise.
Result<Role> ParseRole(std::string_view name);

struct Principal {
  std::string key_id;
  std::string name;
  Role role = Role::kCitizen;
  std::string agency_id;   // for agency clients; empty otherwise
  std::string person_key;  // for citizen keys: the person they act for; empty otherwise
  // The access generation (access_generation.h) read when the key was checked, kept only while
  // that read is in the request's current read snapshot — a pinned route's handler, before it
  // writes anything (the router clears it otherwise): the agreements can then be taken from the
  // cache at this value without reading the marker again (sharing::AgreementStore::ForConsumer).
  std::optional<int64_t> access_generation;
};

}  // namespace ndc::auth
