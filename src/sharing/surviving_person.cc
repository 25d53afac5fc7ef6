#include "sharing/surviving_person.h"

#include <fmt/format.h>

namespace ndc::sharing {

Result<std::string> TakeTurnOfSurvivor(store::Executor& tx, const std::string& prefix, const std::string& key) {
  // One merge at a time, each person's turn taken before its row is read: a split giving back a
  // person in the middle of the chain holds that person's turn (person::GiveBackConsents), and
  // jumping to the chain's end would pass it by.
  std::string held = key;
  RETURN_IF_ERROR(store::SerializeOn(tx, prefix + held));
  for (int turns = 0; turns < 64; ++turns) {
    const store::Value p[] = {held};
    ASSIGN_OR_RETURN(store::ResultSet rs, tx.Query("SELECT status, merged_into FROM persons WHERE person_key = $1", p));
    if (rs.rows.empty() || rs.rows[0].Str(0) != "merged" || rs.rows[0].IsNull(1)) return held;
    held = rs.rows[0].Str(1);
    RETURN_IF_ERROR(store::SerializeOn(tx, prefix + held));
  }
  return DataLossError(fmt::format("persons: the merges from {} did not settle after 64 turns (a cycle?)", key));
}

}  // namespace ndc::sharing
