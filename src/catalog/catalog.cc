#include "catalog/catalog.h"

#include <fmt/format.h>

#include <algorithm>

#include "text/unicode.h"

namespace ndc::catalog {
namespace {

using store::Value;

// Bound on each in-process cache (agencies, schema versions); past it the cache starts over.
constexpr size_t kMaxCached = 4096;

Status ValidateAgency(const Agency& a) {
  if (!IsValidDatasetId(a.id)) {
    return InvalidArgumentError(fmt::format("'{}' is not a valid agency id (lower-case ASCII letters, digits and _, "
                                            "starting with a letter, at most 40 characters)", a.id));
  }
  if (!text::IsValidUtf8(a.name)) return InvalidArgumentError("agency name is not valid UTF-8");
  // Characters (code points), as the OpenAPI document's maxLength counts them: a Vietnamese name
  // takes two or three bytes a letter (until 2026-12-02 this counted bytes).
  const size_t characters = text::CountCodePoints(a.name);
  if (characters == 0 || characters > 300) return InvalidArgumentError("agency name must have 1 to 300 characters");
  // A name is shown in listings, terminals and the console: an escape sequence in it would act
  // there (review of 2026-12-02: "x\u001b[31mred" was stored), a U+202E would turn it around.
  RETURN_IF_ERROR(text::CheckDisplayText("agency name", a.name));
  if (a.kind != "state" && a.kind != "non_state") {
    return InvalidArgumentError("agency kind must be state or non_state, got '" + a.kind + "'");
  }
  return OkStatus();
}

Status ValidateSchemaText(const DatasetSchema& s) {
  // Callers should pass parsed schemas, but identifiers reach DDL: check them here too.
  if (!IsValidDatasetId(s.id)) return InvalidArgumentError("'" + s.id + "' is not a valid dataset id");
  for (const auto& f : s.fields) {
    if (!IsValidFieldName(f.name)) return InvalidArgumentError("'" + f.name + "' is not a valid field name");
  }
  if (!text::IsValidUtf8(s.title) || !text::IsValidUtf8(s.description)) {
    return InvalidArgumentError("dataset title and description must be valid UTF-8");
  }
  for (const auto& f : s.fields) {
    if (!text::IsValidUtf8(f.description) || !text::IsValidUtf8(f.column)) {
      return InvalidArgumentError("field " + f.name + ": its column and description must be valid UTF-8");
    }
  }
  return OkStatus();
}

// Texts shown in the console, listings and agreements hold no control or invisible formatting
// characters (descriptions may run over lines). Only texts new against `current` (the stored
// version a change starts from; null for a new dataset) are checked: a schema stored before
// 2026-12-02 stays readable, re-applying it is still "unchanged", and a change of one text does
// not make the owner clean every other first.
Status CheckDisplayTexts(const DatasetSchema& s, const DatasetSchema* current) {
  constexpr std::u32string_view kLines = U"\t\n";
  if (current == nullptr || s.title != current->title) {
    RETURN_IF_ERROR(text::CheckDisplayText("dataset title", s.title));
  }
  if (current == nullptr || s.description != current->description) {
    RETURN_IF_ERROR(text::CheckDisplayText("dataset description", s.description, kLines));
  }
  for (const auto& f : s.fields) {
    const FieldSpec* was = current == nullptr ? nullptr : current->Field(f.name);
    const std::string where = "field " + f.name;
    if (was == nullptr || f.description != was->description) {
      RETURN_IF_ERROR(text::CheckDisplayText(where + ": description", f.description, kLines));
    }
    if (was == nullptr || f.column != was->column) RETURN_IF_ERROR(text::CheckDisplayText(where + ": column", f.column));
    for (const std::string& v : f.values) {
      if (was != nullptr && std::find(was->values.begin(), was->values.end(), v) != was->values.end()) continue;
      RETURN_IF_ERROR(text::CheckDisplayText(where + ": enum value", v));
    }
  }
  return OkStatus();
}

// What is stored must read back (SchemaVersion), or the dataset and the list of datasets become
// unreadable. A parsed schema always does (schema.h); one built or changed in code might not.
Status CheckReadsBack(const DatasetSchema& s) {
  auto back = ParseStoredSchemaJson(SchemaToJson(s));
  if (!back.ok()) return InvalidArgumentError("schema would not read back once stored: " + back.status().message());
  return OkStatus();
}

Status NotFoundAs(const Status& s, std::string message) {
  return s.code() == StatusCode::kNotFound ? NotFoundError(std::move(message)) : s;
}

}  // namespace

Result<Agency> Catalog::CreateAgency(Agency a) {
  RETURN_IF_ERROR(ValidateAgency(a));
  auto nfc = text::NormalizeNfc(a.name);
  if (!nfc.ok()) return nfc.status().WithContext("agency name");
  a.name = *nfc;
  a.created_at = clock_->NowMicros();
  Value p[] = {a.id, a.name, a.kind, a.created_at};
  auto r = db_->Exec("INSERT INTO agencies (id, name, kind, created_at) VALUES ($1, $2, $3, $4)", p);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kAlreadyExists) return AlreadyExistsError("agency '" + a.id + "' already exists");
    return r.status();
  }
  return a;
}

Result<Agency> Catalog::GetAgency(const std::string& id) {
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = agencies_.find(id); it != agencies_.end()) return it->second;
  }
  Value p[] = {id};
  auto row = db_->QueryOne("SELECT id, name, kind, created_at FROM agencies WHERE id = $1", p);
  if (!row.ok()) return NotFoundAs(row.status(), "agency '" + id + "' does not exist");
  Agency agency{row->Str(0), row->Str(1), row->Str(2), row->Int(3)};
  std::lock_guard lock(cache_mu_);
  if (agencies_.size() >= kMaxCached) agencies_.clear();
  agencies_.emplace(id, agency);
  return agency;
}

Result<std::vector<Agency>> Catalog::ListAgencies() {
  ASSIGN_OR_RETURN(auto rs, db_->Query("SELECT id, name, kind, created_at FROM agencies ORDER BY id"));
  std::vector<Agency> out;
  for (const auto& r : rs.rows) out.push_back(Agency{r.Str(0), r.Str(1), r.Str(2), r.Int(3)});
  return out;
}

Result<DatasetInfo> Catalog::CreateDataset(const DatasetSchema& schema) {
  RETURN_IF_ERROR(ValidateSchemaText(schema));
  RETURN_IF_ERROR(CheckDisplayTexts(schema, nullptr));
  RETURN_IF_ERROR(CheckReadsBack(schema));
  auto owner = GetAgency(schema.owner);
  if (!owner.ok()) {
    return owner.status().code() == StatusCode::kNotFound
               ? NotFoundError(fmt::format("owner agency '{}' does not exist; create it first (ndc agency create)",
                                           schema.owner))
               : owner.status();
  }
  int64_t now = clock_->NowMicros();
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  Value p[] = {schema.id, schema.owner, schema.title, now};
  auto ins = tx->Exec(
      "INSERT INTO datasets (id, owner_agency, title, current_version, created_at, updated_at) "
      "VALUES ($1, $2, $3, 1, $4, $4)",
      p);
  if (!ins.ok()) {
    if (ins.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError(fmt::format("dataset '{}' already exists; to change its schema, update it "
                                            "(ndc dataset update) and a new version is made", schema.id));
    }
    return ins.status();
  }
  Value v[] = {schema.id, SchemaToJson(schema), now};
  RETURN_IF_ERROR(tx->Exec("INSERT INTO dataset_versions (dataset_id, version, schema_json, created_at) "
                           "VALUES ($1, 1, $2, $3)", v).status());
  RETURN_IF_ERROR(tx->ExecScript(RecordTablesDdl(schema, db_->backend())));
  RETURN_IF_ERROR(tx->Commit());
  return GetDataset(schema.id);
}

Result<SchemaUpdate> Catalog::UpdateSchema(const DatasetSchema& schema) {
  RETURN_IF_ERROR(ValidateSchemaText(schema));
  ASSIGN_OR_RETURN(DatasetInfo current, GetDataset(schema.id));
  RETURN_IF_ERROR(CheckDisplayTexts(schema, &current.schema));
  std::vector<std::string> bad = IncompatibleChanges(current.schema, schema);
  if (!bad.empty()) {
    return FailedPreconditionError(fmt::format(
        "schema change for dataset '{}' is incompatible with version {}: {}. Compatible changes are new optional "
        "fields and changes to titles, descriptions, classification and validators; for anything else create a "
        "new dataset",
        schema.id, current.version, fmt::join(bad, "; ")));
  }
  SchemaUpdate out;
  if (SchemaToJson(schema) == SchemaToJson(current.schema)) {
    out.dataset = current;
    return out;
  }
  RETURN_IF_ERROR(CheckReadsBack(schema));
  int64_t now = clock_->NowMicros();
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  // Bump the version only if nobody else did in between (the write transaction serializes us).
  Value u[] = {schema.id, current.version, schema.title, now};
  ASSIGN_OR_RETURN(int64_t n, tx->Exec("UPDATE datasets SET current_version = current_version + 1, title = $3, "
                                       "updated_at = $4 WHERE id = $1 AND current_version = $2", u));
  if (n != 1) return AbortedError(fmt::format("dataset '{}' changed concurrently; retry", schema.id));
  Value v[] = {schema.id, current.version + 1, SchemaToJson(schema), now};
  RETURN_IF_ERROR(tx->Exec("INSERT INTO dataset_versions (dataset_id, version, schema_json, created_at) "
                           "VALUES ($1, $2, $3, $4)", v).status());
  for (const auto& f : schema.fields) {
    if (const FieldSpec* was = current.schema.Field(f.name); was != nullptr) {
      // A date field that starts accepting partial dates: its column becomes their ISO text. On
      // SQLite it is text already; PostgreSQL rewrites both tables (for a national registry,
      // minutes under an exclusive lock: no statement timeout).
      if (f.type == FieldType::kDate && f.partial && !was->partial && db_->backend() == store::Backend::kPostgres) {
        for (const auto& table : {RecordTableName(schema.id), HistoryTableName(schema.id)}) {
          // It waits at most 10 s for the tables (a batch or link run may hold them for long):
          // queued behind one, it would hold up every read of the dataset meanwhile.
          Status rewritten = tx->ExecScriptUntimed(
              fmt::format("SET LOCAL lock_timeout = '10s';\n"
                          "ALTER TABLE {0} ALTER COLUMN {1} TYPE TEXT USING to_char({1}, 'YYYY-MM-DD')",
                          store::QuoteIdentifier(table), store::QuoteIdentifier(f.name)));
          if (!rewritten.ok()) {
            return rewritten.WithContext(fmt::format(
                "turning field '{}' of dataset '{}' to partial dates rewrites its tables, and that failed (it waits "
                "at most 10 s for a batch, link run or read holding them); nothing was changed",
                f.name, schema.id));
          }
        }
      }
      continue;
    }
    out.added_fields.push_back(f.name);
    std::string type(store::SqlTypeName(db_->backend(), ColumnTypeFor(f)));
    for (const auto& table : {RecordTableName(schema.id), HistoryTableName(schema.id)}) {
      RETURN_IF_ERROR(tx->ExecScript(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", store::QuoteIdentifier(table),
                                                 store::QuoteIdentifier(f.name), type)));
    }
  }
  RETURN_IF_ERROR(tx->Commit());
  ASSIGN_OR_RETURN(out.dataset, GetDataset(schema.id));
  out.changed = true;
  return out;
}

Result<DatasetInfo> Catalog::GetDataset(const std::string& id, std::optional<int> version) {
  Value p[] = {id};
  auto row = db_->QueryOne("SELECT current_version, created_at, updated_at FROM datasets WHERE id = $1", p);
  if (!row.ok()) return NotFoundAs(row.status(), "dataset '" + id + "' does not exist");
  DatasetInfo info;
  info.current_version = static_cast<int>(row->Int(0));
  info.created_at = row->Int(1);
  info.updated_at = row->Int(2);
  info.version = version.value_or(info.current_version);
  ASSIGN_OR_RETURN(std::shared_ptr<const DatasetSchema> schema, SchemaVersion(id, info.version));
  info.schema = *schema;
  info.record_table = RecordTableName(id);
  info.history_table = HistoryTableName(id);
  return info;
}

Result<std::shared_ptr<const DatasetSchema>> Catalog::SchemaVersion(const std::string& id, int version) {
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = schemas_.find({id, version}); it != schemas_.end()) return it->second;
  }
  Value q[] = {id, version};
  auto v = db_->QueryOne("SELECT schema_json FROM dataset_versions WHERE dataset_id = $1 AND version = $2", q);
  if (!v.ok()) return NotFoundAs(v.status(), fmt::format("dataset '{}' has no version {}", id, version));
  auto schema = ParseStoredSchemaJson(v->Str(0));
  if (!schema.ok()) return DataLossError(fmt::format("stored schema of dataset '{}' version {} does not parse: {}", id,
                                                     version, schema.status().message()));
  auto parsed = std::make_shared<const DatasetSchema>(std::move(*schema));
  std::lock_guard lock(cache_mu_);
  if (schemas_.size() >= kMaxCached) schemas_.clear();
  schemas_.emplace(std::pair(id, version), parsed);
  return parsed;
}

Result<std::vector<DatasetInfo>> Catalog::ListDatasets() {
  ASSIGN_OR_RETURN(auto rs, db_->Query("SELECT id FROM datasets ORDER BY id"));
  std::vector<DatasetInfo> out;
  for (const auto& r : rs.rows) {
    ASSIGN_OR_RETURN(auto info, GetDataset(r.Str(0)));
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace ndc::catalog
