// Per-dataset record and history tables (docs/design/dataset-schema.md, "Record tables").
#include <fmt/format.h>

#include "catalog/catalog.h"

namespace ndc::catalog {

std::string RecordTableName(std::string_view id) { return "ds_" + std::string(id); }
std::string HistoryTableName(std::string_view id) { return "ds_" + std::string(id) + "_history"; }

store::ColumnType ColumnTypeFor(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::kInteger: return store::ColumnType::kInteger;
    case FieldType::kDecimal: return store::ColumnType::kDecimal;
    // A partial date ("1987", "1987-03") is no SQL DATE: its ISO text, which sorts by time.
    case FieldType::kDate: return f.partial ? store::ColumnType::kText : store::ColumnType::kDate;
    case FieldType::kBoolean: return store::ColumnType::kBoolean;
    default: return store::ColumnType::kText;
  }
}

std::string RecordTablesDdl(const DatasetSchema& s, store::Backend b) {
  using store::ColumnType;
  auto type = [b](ColumnType t) { return std::string(store::SqlTypeName(b, t)); };
  std::string fields;
  for (const auto& f : s.fields) {
    fields += fmt::format(",\n  {} {}", store::QuoteIdentifier(f.name), type(ColumnTypeFor(f)));
  }
  std::string rec = store::QuoteIdentifier(RecordTableName(s.id));
  std::string hist = store::QuoteIdentifier(HistoryTableName(s.id));
  // _key: the source key (fields joined by U+001F); _person_key: the linked person, set by linkage;
  // _hash: a digest of the field values, so an unchanged record is recognised without reading it;
  // _seq: the change-event number of the change that made this version (the dataset's change feed).
  // The tables are keyed by _seq (on SQLite an INTEGER PRIMARY KEY is the rowid itself), with a
  // unique index on the key: versions are appended in _seq order, so a load inserts into the
  // table sequentially and into one narrow key index — the cheapest shape for the random key
  // order agencies send, and the change feed is a range scan of the primary key.
  return fmt::format(
      "CREATE TABLE {rec} (\n"
      "  _seq {seq} PRIMARY KEY,\n"
      "  _key {key} NOT NULL UNIQUE,\n"
      "  _person_key {text},\n"
      "  _version {int} NOT NULL,\n"
      "  _op {text} NOT NULL DEFAULT 'insert',\n"
      "  _source_version {text},\n"
      "  _batch_id {int},\n"
      "  _deleted {boolean} NOT NULL DEFAULT {false},\n"
      "  _updated_at {int} NOT NULL,\n"
      "  _hash {int}{fields}\n"
      ");\n"
      "CREATE INDEX {rec_person_idx} ON {rec} (_person_key) WHERE _person_key IS NOT NULL;\n"
      "CREATE TABLE {hist} (\n"
      "  _seq {seq} PRIMARY KEY,\n"
      "  _key {key} NOT NULL,\n"
      "  _version {int} NOT NULL,\n"
      "  _op {text} NOT NULL,\n"
      "  _source_version {text},\n"
      "  _batch_id {int},\n"
      "  _valid_from {int} NOT NULL,\n"
      "  _valid_to {int}{fields},\n"
      "  UNIQUE (_key, _version)\n"
      ");\n",
      fmt::arg("rec", rec), fmt::arg("hist", hist), fmt::arg("text", type(ColumnType::kText)),
      // Keys are opaque: byte order, never the database's locale collation (slow, and it would
      // make key order depend on the server's locale).
      fmt::arg("key", b == store::Backend::kPostgres ? "TEXT COLLATE \"C\"" : "TEXT"),
      fmt::arg("int", type(ColumnType::kInteger)), fmt::arg("boolean", type(ColumnType::kBoolean)),
      fmt::arg("false", b == store::Backend::kPostgres ? "FALSE" : "0"), fmt::arg("fields", fields),
      fmt::arg("rec_person_idx", store::QuoteIdentifier(RecordTableName(s.id) + "_person_idx")),
      // SQLite makes exactly "INTEGER PRIMARY KEY" the rowid.
      fmt::arg("seq", b == store::Backend::kSqlite ? "INTEGER" : "BIGINT"));
}

std::vector<std::string> IncompatibleChanges(const DatasetSchema& from, const DatasetSchema& to) {
  std::vector<std::string> out;
  if (from.id != to.id) out.push_back(fmt::format("id changed from '{}' to '{}'", from.id, to.id));
  if (from.owner != to.owner) {
    out.push_back(fmt::format("owner changed from '{}' to '{}' (a dataset's owner is fixed)", from.owner, to.owner));
  }
  if (from.source_key != to.source_key) {
    out.push_back(fmt::format("source_key changed from [{}] to [{}]", fmt::join(from.source_key, ", "),
                              fmt::join(to.source_key, ", ")));
  }
  if (from.source_version != to.source_version) {
    // Stored versions were compared under the old field (and its type): a newer row would be
    // judged against them and dropped as stale (review of 2026-11-30).
    out.push_back(fmt::format("source_version changed from '{}' to '{}' (stored records' versions were read from "
                              "the old field)",
                              from.source_version, to.source_version));
  }
  // Record hashes (ds_<id>._hash) cover the values by position: existing fields keep theirs.
  for (size_t i = 0; i < from.fields.size() && i < to.fields.size(); ++i) {
    if (from.fields[i].name != to.fields[i].name && to.Field(from.fields[i].name) != nullptr) {
      out.push_back(fmt::format("field '{}' moved from position {}: existing fields keep their order, and new "
                                "fields go after them",
                                from.fields[i].name, i + 1));
      break;
    }
  }
  for (const auto& f : from.fields) {
    const FieldSpec* g = to.Field(f.name);
    if (g == nullptr) {
      out.push_back(fmt::format("field '{}' was removed (existing records hold it)", f.name));
    } else if (g->type != f.type) {
      out.push_back(fmt::format("field '{}' changed type from {} to {}", f.name, FieldTypeName(f.type),
                                FieldTypeName(g->type)));
    } else if (g->type == FieldType::kDate && f.partial && !g->partial) {
      // Every stored full date stays valid when a field starts accepting partial ones (its
      // column then becomes text: Catalog::UpdateSchema), but not the other way round.
      out.push_back(fmt::format("field '{}' may no longer refuse partial dates (\"partial\": true cannot be "
                                "undone: stored records may hold partial dates)",
                                f.name));
    } else if (g->required && !f.required) {
      out.push_back(fmt::format("field '{}' became required (existing records may lack it)", f.name));
    }
  }
  for (const auto& g : to.fields) {
    if (from.Field(g.name) == nullptr && g.required) {
      out.push_back(fmt::format("new field '{}' is required; new fields must be optional", g.name));
    }
  }
  return out;
}

}  // namespace ndc::catalog
