#include "store/testing/test_database.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <random>

#include "store/testing/pg_test_server.h"

namespace ndc::store {
namespace {

Result<std::unique_ptr<TestDatabase>> NewSqlite(const OpenOptions& options) {
  std::error_code ec;
  std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  std::string dir = (tmp / "ndc_store_XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    return UnavailableError(fmt::format("cannot create a temporary directory under {}", tmp.string()));
  }
  const std::string path = dir + "/test.db";
  auto cleanup = [dir] {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  };
  Result<std::unique_ptr<Database>> db = OpenSqlite(path, options);
  if (!db.ok()) {
    cleanup();
    return db.status();
  }
  return std::make_unique<TestDatabase>(std::move(db).value(), "sqlite:" + path, cleanup);
}

Result<std::unique_ptr<TestDatabase>> NewPostgres(const OpenOptions& options) {
  ASSIGN_OR_RETURN(std::string admin_url, PgTestServerUrl());
  OpenOptions admin_options;
  admin_options.pool_size = 1;
  Result<std::unique_ptr<Database>> admin_db = OpenPostgres(admin_url, admin_options);
  if (!admin_db.ok()) {
    return FailedPreconditionError(fmt::format("PostgreSQL test server not available at {}: {}", admin_url,
                                               admin_db.status().ToString()));
  }
  std::shared_ptr<Database> admin = std::move(admin_db).value();
  std::random_device random;
  const std::string name = fmt::format("ndc_t_{:08x}{:08x}", random(), random());
  const std::string create =
      fmt::format("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", name);
  // FILE_COPY is about twice as fast as PostgreSQL 15's default for a small template; servers
  // before 15 (NDC_TEST_PG_URL) do not know the option.
  if (!admin->ExecScript(create + " STRATEGY FILE_COPY").ok()) RETURN_IF_ERROR(admin->ExecScript(create));
  auto drop = [admin, name] {
    admin->ExecScript(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)).IgnoreError();
  };
  ASSIGN_OR_RETURN(std::string url, WithDatabase(admin_url, name));
  Result<std::unique_ptr<Database>> db = OpenPostgres(url, options);
  if (!db.ok()) {
    drop();
    return db.status();
  }
  return std::make_unique<TestDatabase>(std::move(db).value(), url, drop);
}

}  // namespace

TestDatabase::TestDatabase(std::unique_ptr<Database> db, std::string url, std::function<void()> cleanup)
    : backend_(db->backend()), db_(std::move(db)), url_(std::move(url)), cleanup_(std::move(cleanup)) {}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (cleanup_) cleanup_();
}

void TestDatabase::Close() { db_.reset(); }

Status TestDatabase::Reopen(const OpenOptions& options) {
  db_.reset();
  ASSIGN_OR_RETURN(db_, Open(url_, options));
  return OkStatus();
}

Status TestDatabase::Closed() const {
  return FailedPreconditionError("test database is closed; Reopen() it");
}

Result<ResultSet> TestDatabase::Query(std::string_view sql, std::span<const Value> params) {
  if (!db_) return Closed();
  return db_->Query(sql, params);
}

Result<int64_t> TestDatabase::Exec(std::string_view sql, std::span<const Value> params) {
  if (!db_) return Closed();
  return db_->Exec(sql, params);
}

Status TestDatabase::ExecScript(std::string_view sql) {
  if (!db_) return Closed();
  return db_->ExecScript(sql);
}

std::unique_ptr<ReadPin> TestDatabase::PinReads() {
  if (!db_) return std::make_unique<ReadPin>();
  return db_->PinReads();
}

uint64_t TestDatabase::ReadSnapshot() const { return db_ ? db_->ReadSnapshot() : 0; }

Result<std::unique_ptr<Transaction>> TestDatabase::Begin(bool serializable) {
  if (!db_) return Closed();
  return db_->Begin(serializable);
}

Result<int> TestDatabase::Migrate() {
  if (!db_) return Closed();
  return db_->Migrate();
}

Result<int> TestDatabase::SchemaVersion() {
  if (!db_) return Closed();
  return db_->SchemaVersion();
}

std::string TestDatabase::Describe() const { return db_ ? db_->Describe() : url_ + " (closed)"; }

Result<std::unique_ptr<TestDatabase>> NewTestDatabase(Backend backend, const OpenOptions& options) {
  return backend == Backend::kSqlite ? NewSqlite(options) : NewPostgres(options);
}

Result<std::unique_ptr<TestDatabase>> NewMigratedTestDatabase(Backend backend, const OpenOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<TestDatabase> db, NewTestDatabase(backend, options));
  RETURN_IF_ERROR(db->Migrate().status());
  return db;
}

}  // namespace ndc::store
