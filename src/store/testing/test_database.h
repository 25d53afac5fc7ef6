// NewTestDatabase: an empty, isolated database for tests, on either backend, removed when the
// returned object is destroyed.
//
//   SQLite      a file test.db in a fresh temporary directory (mkdtemp under $TMPDIR or /tmp).
//   PostgreSQL  a new database ndc_t_<random> on the test server (pg_test_server.h), created
//               from template0 (UTF8, C collation) and dropped WITH (FORCE) afterwards.
//
// A PostgreSQL test database needs the test server: without one these functions return
// kFailedPrecondition with kPgTestServerMissing, and tests must fail (never skip) on it.
//
// Thread safety: TestDatabase is a Database (thread-safe), except Close() and Reopen(), which
// need that no other thread is using it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace ndc::store {

class TestDatabase final : public Database {
 public:
  TestDatabase(std::unique_ptr<Database> db, std::string url, std::function<void()> cleanup);
  ~TestDatabase() override;  // closes, then deletes the directory or drops the database

  // A url store::Open() accepts for this same database (for a second Database, another
  // thread's pool or a child process).
  const std::string& url() const { return url_; }
  // Closes every connection; the data stays. Calls other than Reopen() then return
  // kFailedPrecondition. Use before fork() so no SQLite handle crosses it.
  void Close();
  // Closes and opens the database again with `options`.
  Status Reopen(const OpenOptions& options = {});

  Result<ResultSet> Query(std::string_view sql, std::span<const Value> params = {}) override;
  Result<int64_t> Exec(std::string_view sql, std::span<const Value> params = {}) override;
  Status ExecScript(std::string_view sql) override;
  Backend backend() const override { return backend_; }
  Result<std::unique_ptr<Transaction>> Begin(bool serializable = false) override;
  std::unique_ptr<ReadPin> PinReads() override;
  uint64_t ReadSnapshot() const override;
  Result<int> Migrate() override;
  Result<int> SchemaVersion() override;
  std::string Describe() const override;

 private:
  Status Closed() const;

  const Backend backend_;
  std::unique_ptr<Database> db_;
  const std::string url_;
  std::function<void()> cleanup_;
};

// An empty database: schema version 0, no tables.
Result<std::unique_ptr<TestDatabase>> NewTestDatabase(Backend backend, const OpenOptions& options = {});
// The same, migrated to KnownSchemaVersion() (the hub's core tables exist).
Result<std::unique_ptr<TestDatabase>> NewMigratedTestDatabase(Backend backend,
                                                              const OpenOptions& options = {});

}  // namespace ndc::store
