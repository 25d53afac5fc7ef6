// The audit log suite, written once and run on both store backends (audit_sqlite_test,
// audit_pg_test): a migrated test database, a log with a seeded clock and randomness, a signing
// key and a checkpointer, and helpers to tamper with the stored rows the way a database
// administrator could. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "audit/checkpointer.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::audit::testing {

// The i-th sample entry: varied actors, subjects, fields and decisions.
Entry SampleEntry(int i);
SigningKey TestKey(uint64_t seed);

class AuditSuite : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Appends n sample entries (through the group committer, concurrently).
  void AppendMany(int n);
  // Runs SQL that must succeed.
  void Sql(const std::string& sql, std::vector<store::Value> params = {});
  std::string EntryBytes(uint64_t index);

  FakeClock clock_;
  SeededRandom random_{42};
  SigningKey key_ = TestKey(1);
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<Checkpointer> checkpointer_;
};

// The two suites; each test binary instantiates both for its backend.
class LogSuite : public AuditSuite {};
// With 40 entries and checkpoints at sizes 20 and 40 (tamper_suite.cc).
class Tamper : public AuditSuite {
 protected:
  void SetUp() override;
  Status Verify();
  // Expects kDataLoss whose message ends with "first bad index <index>".
  void ExpectBadIndex(uint64_t index);
  std::string LeafHash(uint64_t index);
};

std::string BackendParamName(const ::testing::TestParamInfo<store::Backend>& info);

}  // namespace ndc::audit::testing
