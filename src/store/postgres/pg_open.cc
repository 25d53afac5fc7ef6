// OpenPostgres: a PooledDatabase over PgConnections to one database.
#include "store/internal/pooled_database.h"
#include "store/postgres/pg_connection.h"

namespace ndc::store {

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo, const OpenOptions& options) {
  // The first connection is opened now so that an unreachable server is reported by Open, and
  // it names the database for Describe().
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> first, PgConnection::Open(conninfo, options));
  std::string describe = first->Describe();
  auto pool = std::make_unique<ConnectionPool>("postgresql", options.pool_size, options.acquire_timeout_ms,
                                               [conninfo, options]() -> Result<std::unique_ptr<Connection>> {
                                                 ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                                                                  PgConnection::Open(conninfo, options));
                                                 return std::unique_ptr<Connection>(std::move(conn));
                                               });
  pool->Adopt(std::move(first));
  Clock* clock = options.clock ? options.clock : SystemClock();
  return std::unique_ptr<Database>(
      new PooledDatabase(Backend::kPostgres, std::move(describe), clock, options.read_only, std::move(pool)));
}

}  // namespace ndc::store
