#include "ingest/internal/key_index.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace ndc::ingest {
namespace {

using MaybeDropped = std::optional<DroppedKeyIndex>;

// The catalog's DDL declares the key inline (src/catalog/tables.cc); SQLite backs that with an
// automatic index that only dropping the table removes.
constexpr std::string_view kInlineUniqueKey = "_key TEXT NOT NULL UNIQUE,";
constexpr std::string_view kPlainKey = "_key TEXT NOT NULL,";

Result<std::optional<DroppedKeyIndex>> DropSqlite(store::Transaction& tx, const std::string& table) {
  DroppedKeyIndex dropped{table, table + "_key_idx"};
  ASSIGN_OR_RETURN(store::ResultSet objects,
                   tx.Query("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = $1 OR name = $2",
                            std::vector<store::Value>{table, dropped.name}));
  std::string create_table;
  std::vector<std::string> create_indexes;
  for (const auto& row : objects.rows) {
    const std::string type = row.Str(0), name = row.Str(1);
    if (name == dropped.name) return MaybeDropped();  // the name is taken (by a dataset's table?)
    if (type == "table") {
      create_table = row.Str(2);
    } else if (type == "index" && !row.IsNull(2)) {
      create_indexes.push_back(row.Str(2));  // explicit indexes; automatic ones have no SQL
    } else if (type != "index") {
      return MaybeDropped();  // a trigger or view would be dropped with the table
    }
  }
  const size_t at = create_table.find(kInlineUniqueKey);
  if (at == std::string::npos || create_table.find(kInlineUniqueKey, at + 1) != std::string::npos) {
    return MaybeDropped();
  }
  create_table.replace(at, kInlineUniqueKey.size(), kPlainKey);
  std::string script = fmt::format("DROP TABLE {};\n{};\n", store::QuoteIdentifier(table), create_table);
  for (const auto& index : create_indexes) script += index + ";\n";
  RETURN_IF_ERROR(tx.ExecScript(script));
  return MaybeDropped(std::move(dropped));
}

Result<std::optional<DroppedKeyIndex>> DropPostgres(store::Transaction& tx, const std::string& table) {
  ASSIGN_OR_RETURN(store::ResultSet keys,
                   tx.Query("SELECT contype, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = CAST(CAST($1 AS TEXT) AS regclass) AND contype IN ('p', 'u')",
                            std::vector<store::Value>{store::QuoteIdentifier(table)}));
  // Exactly the catalog's two: the key's UNIQUE and the PRIMARY KEY on _seq.
  DroppedKeyIndex dropped{table, "", ""};
  for (const auto& row : keys.rows) {
    const std::string type = row.Str(0), name = row.Str(1), definition = row.Str(2);
    if (!store::IsSafeIdentifier(name)) return MaybeDropped();
    if (type == "u" && definition == "UNIQUE (_key)" && dropped.name.empty()) {
      dropped.name = name;
    } else if (type == "p" && definition == "PRIMARY KEY (_seq)" && dropped.primary_key.empty()) {
      dropped.primary_key = name;
    } else {
      return MaybeDropped();
    }
  }
  if (dropped.name.empty() || dropped.primary_key.empty()) return MaybeDropped();
  // Keys that other things hang on stay up: a foreign key of another table referring to this one
  // would make the drop fail (the load with it), and a replica identity or CLUSTER mark lives on
  // the index, which the rebuild would not bring back.
  ASSIGN_OR_RETURN(store::ResultSet held,
                   tx.Query("SELECT (SELECT COUNT(*) FROM pg_constraint WHERE confrelid = t.oid) + "
                            "(SELECT COUNT(*) FROM pg_index WHERE indrelid = t.oid AND (indisreplident OR indisclustered)) "
                            "FROM (SELECT CAST(CAST($1 AS TEXT) AS regclass) AS oid) t",
                            std::vector<store::Value>{store::QuoteIdentifier(table)}));
  if (held.rows.empty() || held.rows[0].Int(0) != 0) return MaybeDropped();
  RETURN_IF_ERROR(tx.ExecScript(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}, DROP CONSTRAINT {}",
                                            store::QuoteIdentifier(table), store::QuoteIdentifier(dropped.name),
                                            store::QuoteIdentifier(dropped.primary_key))));
  return MaybeDropped(std::move(dropped));
}

}  // namespace

Result<std::optional<DroppedKeyIndex>> DropKeyIndex(store::Transaction& tx, const std::string& table) {
  if (!store::IsSafeIdentifier(table)) return MaybeDropped();
  return tx.backend() == store::Backend::kSqlite ? DropSqlite(tx, table) : DropPostgres(tx, table);
}

Status RebuildKeyIndex(store::Transaction& tx, const DroppedKeyIndex& dropped) {
  const std::string table = store::QuoteIdentifier(dropped.table), name = store::QuoteIdentifier(dropped.name);
  // Untimed: the build grows with the load (minutes for 100 M rows), far past the statement
  // timeout that bounds the store's ordinary statements.
  if (tx.backend() == store::Backend::kSqlite) {
    return tx.ExecScriptUntimed(fmt::format("CREATE UNIQUE INDEX {} ON {} (_key)", name, table));
  }
  // The sort of a national first load would spill to disk with the default 64 MB. One ALTER
  // TABLE: each index is still built by its own scan, but the table is checked and locked once.
  return tx.ExecScriptUntimed(fmt::format("SET LOCAL maintenance_work_mem = '256MB';\n"
                                   "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY (_seq), ADD CONSTRAINT {} UNIQUE (_key)",
                                   table, store::QuoteIdentifier(dropped.primary_key), name));
}

}  // namespace ndc::ingest
