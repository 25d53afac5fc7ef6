#include "sharing/surviving_person.h"

#include <fmt/format.h>

namespace ndc::sharing {

Result<std::string> SurvivingPerson(store::Executor& tx, const std::string& key) {
  std::string current = key;
  for (int hops = 0; hops < 64; ++hops) {
    const store::Value p[] = {current};
    ASSIGN_OR_RETURN(store::ResultSet rs, tx.Query("SELECT status, merged_into FROM persons WHERE person_key = $1", p));
    if (rs.rows.empty() || rs.rows[0].Str(0) != "merged" || rs.rows[0].IsNull(1)) return current;
    current = rs.rows[0].Str(1);
  }
  return DataLossError(fmt::format("persons: the merge chain from {} is longer than 64 (a cycle?)", key));
}

Result<std::string> TakeTurnOfSurvivor(store::Executor& tx, const std::string& prefix, const std::string& key) {
  std::string held = key;
  RETURN_IF_ERROR(store::SerializeOn(tx, prefix + held));
  for (int turns = 0; turns < 64; ++turns) {
    ASSIGN_OR_RETURN(std::string survivor, SurvivingPerson(tx, held));
    if (survivor == held) return held;
    held = std::move(survivor);
    RETURN_IF_ERROR(store::SerializeOn(tx, prefix + held));
  }
  return DataLossError(fmt::format("persons: the merges from {} did not settle after 64 turns (a cycle?)", key));
}

}  // namespace ndc::sharing
