// The store conformance suite: one TEST_P suite over Backend that every backend must pass
// (cf. trillian storage/testonly). It is written once, in the conformance_*.cc files of the
// object library ndc_store_conformance, and instantiated by each backend's test binary:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Values(Backend::kSqlite),
//                            BackendParamName);
//
// Each test gets a fresh, empty database (test_database.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/store.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::store {

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;

  // The backend's spelling of a column type.
  std::string_view Type(ColumnType t) const { return SqlTypeName(GetParam(), t); }
  // Creates table `typed` with an id and one column per ColumnType, named text_col, int_col,
  // real_col, dec_col, date_col, bool_col, blob_col, ts_col (generated DDL, as catalog will).
  void CreateTypedTable();
  // Stores `v` in a new row's `column` of `typed` and reads it back; a store error fails the
  // test and returns the string "<error>".
  Value RoundTrip(std::string_view column, const Value& v);
  // Creates counter(id, n) with one row (1, 0).
  void CreateCounter();
  int64_t CounterValue();

  std::unique_ptr<TestDatabase> db_;

 private:
  int64_t next_id_ = 1;
};

// "Sqlite" / "Postgres": readable test names.
std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

}  // namespace ndc::store
