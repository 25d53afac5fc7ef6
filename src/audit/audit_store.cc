#include "audit/audit_store.h"

#include <filesystem>

#include <fmt/format.h>

namespace ndc::audit {
namespace {

constexpr char kSettingName[] = "audit_store";
constexpr char kSeparate[] = "separate";

// The data store's 'audit_store' setting, "" if absent.
Result<std::string> LayoutSetting(store::Database* data) {
  store::Value p[] = {std::string(kSettingName)};
  auto row = data->QueryOne("SELECT value FROM settings WHERE name = $1", p);
  if (row.status().code() == StatusCode::kNotFound) return std::string();
  if (!row.ok()) return row.status();
  return row->Str(0);
}

// True if the data store holds audit entries of its own (a hub made before the split).
Result<bool> DataStoreHasLog(store::Database* data) {
  ASSIGN_OR_RETURN(auto rs, data->Query("SELECT size FROM audit_head WHERE id = 1"));
  return !rs.rows.empty() && rs.rows[0].Int(0) > 0;
}

}  // namespace

std::string AuditFilePath(const std::string& data_path) {
  std::string_view base = data_path;
  if (base.ends_with(".db")) base.remove_suffix(3);
  return std::string(base) + ".audit.db";
}

namespace {

// Where the data store `data` says its log is (see the layouts in the header).
struct Placement {
  bool in_data = false;  // a hub made before the split: the log is in the data store
  bool setting = false;  // the 'audit_store' row is written
  std::string path;      // the audit file
  bool exists = false;   // ... and whether it exists
};

Result<Placement> Place(store::Database* data) {
  Placement p;
  ASSIGN_OR_RETURN(std::string layout, LayoutSetting(data));
  p.path = AuditFilePath(data->Describe());
  std::error_code ec;
  p.exists = std::filesystem::exists(p.path, ec);
  p.setting = !layout.empty();
  if (layout == kSeparate && !p.exists) {
    return DataLossError(fmt::format(
        "the audit log's file {} is missing (the data store {} says the log lives there): restore it from "
        "the backup taken with the data file; it is never recreated empty",
        p.path, data->Describe()));
  }
  if (layout.empty()) {
    ASSIGN_OR_RETURN(p.in_data, DataStoreHasLog(data));
  } else if (layout != kSeparate) {
    return DataLossError(fmt::format("settings '{}' of {} is '{}'; expected '{}'", kSettingName, data->Describe(),
                                     layout, kSeparate));
  }
  return p;
}

}  // namespace

Result<AuditStore> OpenAuditStore(store::Database* data, const store::OpenOptions& options) {
  AuditStore out;
  out.db = data;
  if (data->backend() != store::Backend::kSqlite) return out;
  ASSIGN_OR_RETURN(Placement place, Place(data));
  if (place.in_data) return out;  // made before the split: the log stays in the data file
  store::OpenOptions file_options = options;
  file_options.create_if_missing = true;
  auto opened = store::OpenSqlite(place.path, file_options);
  if (!opened.ok()) return opened.status().WithContext("opening the audit log file " + place.path);
  out.own = std::move(*opened);
  auto migrated = out.own->Migrate();
  if (!migrated.ok()) return migrated.status().WithContext("migrating the audit log file " + place.path);
  if (!place.setting) {
    store::Value p[] = {std::string(kSettingName), std::string(kSeparate)};
    RETURN_IF_ERROR(
        data->Exec("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", p).status());
  }
  out.db = out.own.get();
  return out;
}

Result<AuditStore> OpenAuditStoreToRead(store::Database* data, const store::OpenOptions& options) {
  AuditStore out;
  out.db = data;
  if (data->backend() != store::Backend::kSqlite) return out;
  ASSIGN_OR_RETURN(Placement place, Place(data));
  // A hub whose log was never opened by a writer has no file yet, unless a writer created it and
  // stopped before the setting (OpenAuditStore adopts that file, so this reads it too).
  if (place.in_data || (!place.setting && !place.exists)) return out;
  store::OpenOptions file_options = options;
  file_options.read_only = true;
  file_options.create_if_missing = false;
  auto opened = store::OpenSqlite(place.path, file_options);
  if (!opened.ok()) return opened.status().WithContext("opening the audit log file " + place.path);
  out.own = std::move(*opened);
  out.db = out.own.get();
  return out;
}

}  // namespace ndc::audit
