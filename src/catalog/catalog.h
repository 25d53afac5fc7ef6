// Catalog: the registry of agencies and datasets, and the owner of each dataset's typed record
// table and history table in the store (docs/design/dataset-schema.md, "Record tables").
//
// Creating a dataset stores schema version 1 and creates `ds_<id>` and `ds_<id>_history` in one
// transaction. UpdateSchema() accepts only compatible changes (new optional fields; title,
// description, classification, validator and column-header changes) as a new version, adding
// the new columns in the same transaction; anything else is kFailedPrecondition with a message
// listing every incompatible change. Errors: kInvalidArgument for bad input (including a schema
// built in code whose stored form would not read back: what is stored always parses, with
// ParseStoredSchemaJson), kAlreadyExists for a duplicate id, kNotFound for an unknown agency or
// dataset, kDataLoss for a stored schema that does not parse, store errors as the store maps them.
// Thread-safe (the store is; schema changes are serialized by the store's write transactions).
//
// Agencies and stored schema versions are immutable rows, so the parsed forms are cached in the
// process (correct across several nodes on one store: a dataset's current version number is
// still read on every GetDataset, only the schema of a version is reused).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/schema.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::catalog {

struct Agency {
  std::string id;    // [a-z][a-z0-9_]{0,39}, e.g. "bca", "vss"
  std::string name;  // "Bộ Công an"
  std::string kind = "state";  // state | non_state (banks, insurers: consent-based access only)
  int64_t created_at = 0;
};

struct DatasetInfo {
  DatasetSchema schema;      // the requested version (the current one by default)
  int version = 0;
  int current_version = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string record_table;  // ds_<id>
  std::string history_table; // ds_<id>_history
};

struct SchemaUpdate {
  DatasetInfo dataset;
  bool changed = false;             // false: identical to the current version, nothing stored
  std::vector<std::string> added_fields;
};

// The names of the per-dataset tables.
std::string RecordTableName(std::string_view dataset_id);
std::string HistoryTableName(std::string_view dataset_id);
// CREATE TABLE statements for a dataset's record and history tables on a backend.
std::string RecordTablesDdl(const DatasetSchema& schema, store::Backend backend);
// The store column type of a field (a date field allowing partial dates is text).
store::ColumnType ColumnTypeFor(const FieldSpec& f);
// Changes from `from` to `to` that existing data cannot follow; empty when compatible.
std::vector<std::string> IncompatibleChanges(const DatasetSchema& from, const DatasetSchema& to);

class Catalog {
 public:
  Catalog(store::Database* db, Clock* clock) : db_(db), clock_(clock) {}

  Result<Agency> CreateAgency(Agency agency);
  Result<Agency> GetAgency(const std::string& id);
  Result<std::vector<Agency>> ListAgencies();

  Result<DatasetInfo> CreateDataset(const DatasetSchema& schema);
  Result<SchemaUpdate> UpdateSchema(const DatasetSchema& schema);
  // The current version, or `version` when given (kNotFound if it does not exist).
  Result<DatasetInfo> GetDataset(const std::string& id, std::optional<int> version = std::nullopt);
  Result<std::vector<DatasetInfo>> ListDatasets();
  // The parsed schema of (dataset, version), from the cache or the store (kNotFound if there is
  // no such version): for hot read paths that already know the version, without copying it.
  Result<std::shared_ptr<const DatasetSchema>> SchemaVersion(const std::string& id, int version);

 private:
  store::Database* db_;
  Clock* clock_;
  std::mutex cache_mu_;
  std::map<std::string, Agency> agencies_;                                              // guarded by cache_mu_
  std::map<std::pair<std::string, int>, std::shared_ptr<const DatasetSchema>> schemas_;  // guarded by cache_mu_
};

}  // namespace ndc::catalog
