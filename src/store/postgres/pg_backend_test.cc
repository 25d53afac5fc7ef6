// PostgreSQL-only behaviour: session settings, connection replacement, serialization
// failures, connection errors. The shared behaviour is in the conformance suite.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store/migrations/migration.h"
#include "store/testing/conformance.h"
#include "store/testing/pg_test_server.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::store {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest, ::testing::Values(Backend::kPostgres),
                         BackendParamName);

namespace {

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override { NDC_ASSERT_OK_AND_ASSIGN(db_, NewTestDatabase(Backend::kPostgres)); }
  std::unique_ptr<TestDatabase> db_;
};

TEST_F(PgTest, SessionUsesUtcIsoDatesAndStatementTimeout) {
  EXPECT_EQ(db_->QueryOne("SHOW TimeZone")->Str(0), "UTC");
  EXPECT_EQ(db_->QueryOne("SHOW DateStyle")->Str(0), "ISO, YMD");
  EXPECT_EQ(db_->QueryOne("SHOW statement_timeout")->Str(0), "30s");
  EXPECT_EQ(db_->QueryOne("SELECT CAST('2024-01-02 03:04:05+07' AS TIMESTAMPTZ)")->Str(0),
            "2024-01-01 20:04:05+00");
}

// A node whose host dies holding a row lock frees it in about 90 s (server-side keepalives), not
// after the server's two-hour default (store review of 2026-11-30). The test server is on TCP.
TEST_F(PgTest, SessionsHaveKeepalivesOnBothSides) {
  EXPECT_EQ(db_->QueryOne("SHOW tcp_keepalives_idle")->Str(0), "60");
  EXPECT_EQ(db_->QueryOne("SHOW tcp_keepalives_interval")->Str(0), "10");
  EXPECT_EQ(db_->QueryOne("SHOW tcp_keepalives_count")->Str(0), "3");
  EXPECT_EQ(db_->QueryOne("SHOW tcp_user_timeout")->Str(0), "120000");
  // A transaction left idle (a stopped node) does not hold its locks forever.
  EXPECT_EQ(db_->QueryOne("SHOW idle_in_transaction_session_timeout")->Str(0), "15min");
}

// The test server runs with synchronous_commit = off (postgresql.conf); NDC's sessions still
// commit durably. A durable setting the operator chose stays (review of 2026-12-01).
TEST_F(PgTest, SessionsCommitDurablyWhateverTheServerSays) {
  NDC_ASSERT_OK_AND_ASSIGN(Row name, db_->QueryOne("SELECT current_database()"));
  const std::string database = QuoteIdentifier(name.Str(0));
  ASSERT_TRUE(db_->Exec("ALTER DATABASE " + database + " SET synchronous_commit = off").ok());
  NDC_ASSERT_OK_AND_ASSIGN(auto off, OpenPostgres(db_->url()));
  EXPECT_EQ(off->QueryOne("SHOW synchronous_commit")->Str(0), "on");
  // The session holds it: a later change of the server's setting does not reach it.
  EXPECT_EQ(off->QueryOne("SELECT source FROM pg_settings WHERE name = 'synchronous_commit'")->Str(0), "session");
  ASSERT_TRUE(db_->Exec("ALTER DATABASE " + database + " SET synchronous_commit = local").ok());
  NDC_ASSERT_OK_AND_ASSIGN(auto local, OpenPostgres(db_->url()));
  EXPECT_EQ(local->QueryOne("SHOW synchronous_commit")->Str(0), "local");
}

TEST_F(PgTest, UntypedParameterIsTextUnlessCast) {
  const Value p[] = {int64_t{41}};
  EXPECT_EQ(db_->QueryOne("SELECT $1", p)->values()[0], Value(std::string("41")));
  EXPECT_EQ(db_->QueryOne("SELECT CAST($1 AS BIGINT) + 1", p)->values()[0], Value(int64_t{42}));
}

TEST_F(PgTest, BrokenConnectionIsReplaced) {
  OpenOptions options;
  options.pool_size = 1;
  NDC_ASSERT_OK(db_->Reopen(options));
  NDC_ASSERT_OK_AND_ASSIGN(Row me, db_->QueryOne("SELECT pg_backend_pid()"));
  const int64_t pid = me.Int(0);
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> admin, Open(db_->url()));
  const Value victim[] = {pid};
  NDC_ASSERT_OK(admin->Query("SELECT pg_terminate_backend($1)", victim));
  // Wait until the server has really ended that backend.
  for (int i = 0; i < 500 && admin->QueryOne("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1", victim)
                                     .value_or(Row(std::vector<Value>{}))
                                     .Int(0) != 0;
       ++i) {
    usleep(10000);
  }
  // The dead connection is noticed at checkout or by the first statement (kUnavailable);
  // either way the pool then opens a new one.
  Result<Row> first = db_->QueryOne("SELECT pg_backend_pid()");
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  }
  NDC_ASSERT_OK_AND_ASSIGN(Row again, db_->QueryOne("SELECT pg_backend_pid()"));
  EXPECT_NE(again.Int(0), pid);
}

TEST_F(PgTest, SerializationFailureIsAborted) {
  NDC_ASSERT_OK(
      db_->ExecScript("CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT); INSERT INTO c VALUES (1, 0)"));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> a, db_->Begin(/*serializable=*/true));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> b, db_->Begin(/*serializable=*/true));
  NDC_ASSERT_OK(a->Query("SELECT n FROM c WHERE id = 1"));
  NDC_ASSERT_OK(b->Query("SELECT n FROM c WHERE id = 1"));
  NDC_ASSERT_OK(a->Exec("UPDATE c SET n = 1 WHERE id = 1"));
  NDC_ASSERT_OK(a->Commit());
  EXPECT_EQ(b->Exec("UPDATE c SET n = 2 WHERE id = 1").status().code(), StatusCode::kAborted);
}

// What a migration's ${LOCK_FOR_COPY:t} does: another session's write waits for the migration's
// commit instead of landing in a table about to be copied and dropped.
TEST_F(PgTest, ALockForCopyMakesOtherWritersWait) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT)"));
  NDC_ASSERT_OK_AND_ASSIGN(std::string lock, ApplyDialect(Backend::kPostgres, "${LOCK_FOR_COPY:t}"));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> migration, db_->Begin());
  NDC_ASSERT_OK(migration->ExecScript(lock));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> writer, db_->Begin());
  NDC_ASSERT_OK(writer->ExecScript("SET LOCAL lock_timeout = '200ms'"));
  EXPECT_EQ(writer->Exec("INSERT INTO t VALUES (1)").status().code(), StatusCode::kAborted);
  NDC_ASSERT_OK_AND_ASSIGN(Row n, migration->QueryOne("SELECT COUNT(*) FROM t"));  // reads still pass
  EXPECT_EQ(n.Int(0), 0);
}

TEST_F(PgTest, ReadOnlyDatabaseRejectsWrites) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT)"));
  OpenOptions options;
  options.read_only = true;
  NDC_ASSERT_OK(db_->Reopen(options));
  NDC_EXPECT_OK(db_->Query("SELECT COUNT(*) FROM t"));
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (1)").status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(PgTest, DescribeNamesHostPortAndDatabase) {
  std::string d = db_->Describe();
  EXPECT_NE(d.find("ndc_t_"), std::string::npos) << d;
  EXPECT_NE(d.find(':'), std::string::npos) << d;
}

TEST_F(PgTest, MissingDatabaseIsNotFound) {
  NDC_ASSERT_OK_AND_ASSIGN(std::string url, WithDatabase(db_->url(), "ndc_no_such_database"));
  EXPECT_EQ(OpenPostgres(url).status().code(), StatusCode::kNotFound);
}

TEST(PgOpenTest, RefusedConnectionIsUnavailable) {
  // A bound but not listening socket: connecting to its port is refused, and no one else can
  // take the port meanwhile.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/postgres";
  EXPECT_EQ(OpenPostgres(url).status().code(), StatusCode::kUnavailable);
  close(fd);
}

TEST(PgOpenTest, MalformedConninfoIsInvalidArgument) {
  EXPECT_EQ(OpenPostgres("postgresql://[::1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenPostgres("nonsense_key=1").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ndc::store
