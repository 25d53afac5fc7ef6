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

// A value of the access generation and the store read snapshot (store::Database::ReadSnapshot,
// never 0 here) it was read in.
struct AccessRead {
  int64_t generation = 0;
  uint64_t snapshot = 0;
};

struct Principal {
  std::string key_id;
  std::string name;
  Role role = Role::kCitizen;
  std::string agency_id;   // for agency clients; empty otherwise
  std::string person_key;  // for citizen keys: the person they act for; empty otherwise
  // The access generation (access_generation.h) as the key check read it, and the read snapshot
  // it was read in; absent when the check ran outside a read pin. While the request is still in
  // that snapshot, the agreements are taken from the cache at this value without reading the
  // marker again (sharing::AgreementStore::ForConsumer checks that it is).
  std::optional<AccessRead> access_read;
};

}  // namespace ndc::auth
