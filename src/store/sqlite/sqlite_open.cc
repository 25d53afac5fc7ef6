// OpenSqlite: a PooledDatabase over SqliteConnections to one file.
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "common/log.h"
#include "store/internal/pooled_database.h"
#include "store/sqlite/sqlite_connection.h"

namespace ndc::store {

namespace {

// By default SQLite counts every allocation for sqlite3_memory_used() under one process-wide
// mutex, so connections stepping statements on several threads contend on it: under the person
// read benchmark a quarter of all futex calls were that mutex. NDC never reads the counters. This
// must happen before SQLite initializes (the first open); if something opened SQLite earlier in
// the process the call is refused (SQLITE_MISUSE) and the counting simply stays on.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// An existing file that every user of the machine may read (made 0644 by an older version, or
// copied in under the usual umask) is opened for writing only after other users lose their access
// to it and to its -wal and -shm files; the owner's and the group's (a backup group) stay.
void WithholdFromOtherUsers(const std::string& path) {
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    // Regular files only, never through a symbolic link (it could name any file of the user's):
    // the mode is read and changed on the file opened, not on its name.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ELOOP) log::Warn("store.file_is_a_link", {{"file", file}, {"note", "its mode was not checked"}});
      continue;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0007) == 0) {
      ::close(fd);
      continue;
    }
    const mode_t mode = st.st_mode & 07770;
    const int changed = ::fchmod(fd, mode);
    ::close(fd);
    if (changed == 0) {
      log::Warn("store.file_mode_tightened", {{"file", file},
                                              {"was", fmt::format("{:04o}", st.st_mode & 07777)},
                                              {"now", fmt::format("{:04o}", mode)},
                                              {"note", "the database holds personal data: other users may not read it"}});
    } else {
      log::Warn("store.file_readable_by_all", {{"file", file}, {"error", std::strerror(errno)}});
    }
  }
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options) {
  ConfigureSqliteOnce();
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    // Each pooled connection would get its own private database.
    return InvalidArgumentError("sqlite: a database file path is required, got '" + path + "'");
  }
  std::error_code ec;
  if ((options.read_only || !options.create_if_missing) && !std::filesystem::exists(path, ec)) {
    return NotFoundError("sqlite: database file " + path + " does not exist");
  }
  if (!options.read_only && !std::filesystem::exists(path, ec)) {
    // Created owner-only: the file holds personal data, and SQLite gives its -wal and -shm files
    // the database file's mode (it would make them 0644 under the usual umask; review of
    // 2026-12-01).
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  } else if (!options.read_only) {
    WithholdFromOtherUsers(path);
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
