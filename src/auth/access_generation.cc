#include "auth/access_generation.h"

namespace ndc::auth {

Result<int64_t> ReadAccessGeneration(store::Executor& db) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query("SELECT value FROM access_generation WHERE id = 1", {}));
  if (rs.rows.empty()) return DataLossError("access_generation: its one row is missing (migration 0013)");
  return rs.rows[0].Int(0);
}

Status BumpAccessGeneration(store::Executor& db, RandomSource* random) {
  // 63 random bits: a positive BIGINT on both stores; a repeat is as likely as guessing a key id.
  const store::Value p[] = {static_cast<int64_t>(random->Uint64() >> 1)};
  ASSIGN_OR_RETURN(int64_t n, db.Exec("UPDATE access_generation SET value = $1 WHERE id = 1", p));
  if (n != 1) return DataLossError("access_generation: its one row is missing (migration 0013)");
  return OkStatus();
}

}  // namespace ndc::auth
