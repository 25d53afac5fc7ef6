// OpenSqlite: a PooledDatabase over SqliteConnections to one file.
#include <filesystem>

#include "store/internal/pooled_database.h"
#include "store/sqlite/sqlite_connection.h"

namespace ndc::store {

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    // Each pooled connection would get its own private database.
    return InvalidArgumentError("sqlite: a database file path is required, got '" + path + "'");
  }
  std::error_code ec;
  if ((options.read_only || !options.create_if_missing) && !std::filesystem::exists(path, ec)) {
    return NotFoundError("sqlite: database file " + path + " does not exist");
  }
  Clock* clock = options.clock ? options.clock : SystemClock();
  // Writers leave checkpoints to one background thread per Database (wal_checkpointer.h).
  std::shared_ptr<WalCheckpointer> checkpointer =
      options.read_only ? nullptr : std::make_shared<WalCheckpointer>(path);
  auto pool = std::make_unique<ConnectionPool>(
      "sqlite", options.pool_size, options.acquire_timeout_ms,
      [path, options, clock, checkpointer]() -> Result<std::unique_ptr<Connection>> {
        ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> conn,
                         SqliteConnection::Open(path, options, clock, checkpointer));
        return std::unique_ptr<Connection>(std::move(conn));
      });
  {
    // Open one connection now so a bad path or file is reported by Open, not by the first query.
    ASSIGN_OR_RETURN(ConnectionPool::Lease first, pool->Acquire());
  }
  return std::unique_ptr<Database>(
      new PooledDatabase(Backend::kSqlite, path, clock, options.read_only, std::move(pool)));
}

}  // namespace ndc::store
