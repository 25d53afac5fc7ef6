// The unique source-key index of a record table (and, on PostgreSQL, its primary key), taken
// down for a first load and rebuilt after it (docs/design/ingest.md, "First load"). Inserting
// keys in the random order agencies send them into a B-tree costs a descent and page splits per
// row; building the index once from sorted keys at the end costs a fraction of that. On
// PostgreSQL even the `_seq` primary key, whose values arrive in order, costs a B-tree insert
// and its write-ahead log record per row during the COPY: one build at the end is cheaper. Only
// for an EMPTY record table, inside the batch's transaction: a rollback restores the indexes with
// everything else. Thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace ndc::ingest {

// What RebuildKeyIndex needs to put the index back.
struct DroppedKeyIndex {
  std::string table;  // the record table
  std::string name;   // PostgreSQL: the UNIQUE constraint; SQLite: the index to create
  std::string primary_key;  // PostgreSQL: the PRIMARY KEY (_seq) constraint; SQLite: empty (the rowid)
};

// Drops the unique index on `_key` of the empty record table `table` within `tx`.
// PostgreSQL: ALTER TABLE ... DROP CONSTRAINT of the key's UNIQUE and of the PRIMARY KEY (_seq)
// (holds the table's ACCESS EXCLUSIVE lock until the transaction ends). SQLite, where the inline UNIQUE of the catalog's DDL cannot be dropped: the
// empty table is recreated from its own DDL without that UNIQUE, with its other indexes.
// nullopt (nothing changed) when the table does not have the expected shape — the caller then
// loads with the index in place. Store errors are returned (and poison `tx`).
Result<std::optional<DroppedKeyIndex>> DropKeyIndex(store::Transaction& tx, const std::string& table);

// Builds the unique index (and the primary key) again from the rows now in the table (one sorted
// build each), under the names they had. kAlreadyExists
// (a bug: the caller guarantees distinct keys) or a store error poisons `tx`.
Status RebuildKeyIndex(store::Transaction& tx, const DroppedKeyIndex& dropped);

}  // namespace ndc::ingest
