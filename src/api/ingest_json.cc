#include "api/ingest_json.h"

#include "common/clock.h"

namespace ndc::api {

using nlohmann::json;

namespace {

json OptInt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

json TypedValue(catalog::FieldType type, const store::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    if (type == catalog::FieldType::kBoolean) return *i != 0;
    return *i;
  }
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<store::Blob>(&v)) return b->bytes;
  return nullptr;
}

json BatchReportJson(const ingest::BatchReport& r) {
  const std::string self = "/v1/batches/" + std::to_string(r.id);
  return {{"id", r.id},
          {"dataset", r.dataset_id},
          {"schema_version", r.schema_version},
          {"status", std::string(ingest::BatchStatusName(r.status))},
          {"mode", std::string(ingest::BatchModeName(r.mode))},
          {"format", std::string(ingest::FormatName(r.format))},
          {"source", r.source},
          {"submitted_by", r.submitted_by},
          {"idempotency_key", r.idempotency_key},
          {"content_sha256", r.content_sha256},
          {"rows_read", r.rows_read},
          {"accepted", r.accepted},
          {"inserted", r.inserted},
          {"updated", r.updated},
          {"unchanged", r.unchanged},
          {"deleted", r.deleted},
          {"stale", r.stale},
          {"rejected", r.rejected},
          {"as_of", r.as_of ? json(FormatRfc3339(*r.as_of)) : json(nullptr)},
          {"kept_as_newer", r.kept_as_newer},
          {"first_seq", OptInt(r.first_seq)},
          {"last_seq", OptInt(r.last_seq)},
          {"message", r.message},
          {"started_at", FormatRfc3339(r.started_at)},
          {"finished_at", FormatRfc3339(r.finished_at)},
          {"duration_ms", r.duration_ms()},
          {"links", {{"self", self}, {"rejects", self + "/rejects"}}}};
}

json RejectJson(const ingest::Reject& r) {
  json errors = json::array();
  for (const auto& e : r.errors) errors.push_back({{"field", e.field}, {"reason", e.reason}});
  return {{"line", r.line}, {"errors", std::move(errors)}, {"raw", r.raw}};
}

json RecordVersionJson(const catalog::DatasetSchema& schema, const ingest::RecordVersion& v) {
  json fields = json::object();
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const auto& f = schema.fields[i];
    fields[f.name] = i < v.values.size() ? TypedValue(f.type, v.values[i]) : json(nullptr);
  }
  return {{"version", v.version},
          {"op", v.op},
          {"source_version", v.source_version ? json(*v.source_version) : json(nullptr)},
          {"batch_id", v.batch_id},
          {"valid_from", FormatRfc3339(v.valid_from)},
          {"valid_to", v.valid_to ? json(FormatRfc3339(*v.valid_to)) : json(nullptr)},
          {"fields", std::move(fields)}};
}

json ChangeEventJson(const ingest::ChangeEvent& e) {
  return {{"seq", e.seq},         {"key", e.key},           {"op", e.op},
          {"version", e.version}, {"batch_id", e.batch_id}, {"at", FormatRfc3339(e.at)}};
}

}  // namespace ndc::api
