#include "auth/access_generation.h"

namespace ndc::auth {

Result<int64_t> ReadAccessGeneration(store::Executor& db) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query("SELECT value FROM access_generation WHERE id = 1", {}));
  if (rs.rows.empty()) return DataLossError("access_generation: its one row is missing (migration 0013)");
  return rs.rows[0].Int(0);
}

Status BumpAccessGeneration(store::Executor& db) {
  ASSIGN_OR_RETURN(int64_t n, db.Exec("UPDATE access_generation SET value = value + 1 WHERE id = 1", {}));
  if (n != 1) return DataLossError("access_generation: its one row is missing (migration 0013)");
  return OkStatus();
}

}  // namespace ndc::auth
