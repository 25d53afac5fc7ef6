#include "store/sqlite/sqlite_copy.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "store/sqlite/sqlite_errors.h"

namespace ndc::store {

Status CopySqliteFile(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) return AlreadyExistsError(fmt::format("{} exists: copy into a new file", to));
  if (!std::filesystem::exists(from, ec)) return NotFoundError(fmt::format("{} does not exist", from));
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(from.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                           nullptr);
  auto fail = [&](int code) {
    Status s = MapSqliteError(code, db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
    return Status(s.code(), fmt::format("sqlite: copying {} to {}: {}", from, to, s.message()));
  };
  if (rc != SQLITE_OK) {
    Status s = fail(rc);
    sqlite3_close_v2(db);
    return s;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* stmt = nullptr;
  rc = sqlite3_prepare_v2(db, "VACUUM INTO ?1", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, to.data(), static_cast<int>(to.size()), SQLITE_TRANSIENT);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  Status s = rc == SQLITE_DONE ? OkStatus() : fail(rc);
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  if (!s.ok()) std::filesystem::remove(to, ec);
  return s;
}

}  // namespace ndc::store
