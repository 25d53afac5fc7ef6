// Ingestion routes: posting a batch (CSV or NDJSON, gzip or not) to a dataset, batch reports and
// their rejects, a dataset's batches. Roles operator (every dataset) and agency (its agency's
// datasets only; checked before the body is read). The batch body is streamed by the server into
// a spool file (Request::body_file) under ingest.max_batch_bytes and read from there, so its size
// is bounded by the disk, not memory. docs/design/ingest.md, docs/api/openapi.yaml.
//
// The batch is ingested on the server's worker thread that received it: a long batch occupies
// one worker until it is applied (a background queue is future work), so a node applies at most
// ServiceDeps::max_concurrent_batches at once and answers more with 503 and Retry-After.
#include <fmt/format.h>

#include <atomic>
#include <cmath>

#include "api/ingest_json.h"
#include "api/problem.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/instant.h"
#include "common/json.h"
#include "ingest/formats/input.h"
#include "ingest/queries.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kIngestRoles = {Role::kOperator, Role::kAgency};
constexpr int kMaxPage = 1000;

std::string LowerTrimmed(std::string_view s) {
  s = s.substr(0, s.find(';'));
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// ?format=, else the Content-Type (NDJSON / JSON Lines / JSON types), else CSV.
Result<ingest::Format> FormatOf(const Request& req) {
  if (auto it = req.query.find("format"); it != req.query.end()) {
    auto f = ingest::ParseFormat(it->second);
    if (!f.ok()) return f.status().WithContext("query parameter format");
    return f;
  }
  std::string type = LowerTrimmed(req.Header("content-type").value_or(""));
  bool ndjson = type == "application/json" || type.find("ndjson") != std::string::npos ||
                type.find("jsonl") != std::string::npos || type.find("json-seq") != std::string::npos ||
                type.find("jsonlines") != std::string::npos;
  return ndjson ? ingest::Format::kNdjson : ingest::Format::kCsv;
}

// The batch a POST asks for, from its query, headers and caller. Cheap: run by the preflight
// guard (so a bad parameter is refused before the upload) and again by the handler.
Result<ingest::BatchRequest> BatchRequestFor(const Request& req, const std::string& dataset_id,
                                             const auth::Principal& who) {
  ingest::BatchRequest b;
  b.dataset_id = dataset_id;
  ASSIGN_OR_RETURN(b.format, FormatOf(req));
  if (auto it = req.query.find("mode"); it != req.query.end()) {
    auto mode = ingest::ParseBatchMode(it->second);
    if (!mode.ok()) return mode.status().WithContext("query parameter mode");
    b.mode = *mode;
  }
  if (auto it = req.query.find("max_reject_share"); it != req.query.end()) {
    char* end = nullptr;
    double share = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !std::isfinite(share) || share < 0 || share > 1) {
      return InvalidArgumentError(
          fmt::format("query parameter max_reject_share must be a number from 0 to 1, got '{}'",
                      it->second.substr(0, 40)));
    }
    b.max_reject_share = share;
  }
  if (auto it = req.query.find("as_of"); it != req.query.end()) {
    Result<int64_t> as_of = ParseInstant(it->second, /*allow_date=*/false);
    if (!as_of.ok()) return as_of.status().WithContext("query parameter as_of");
    if (b.mode != ingest::BatchMode::kSnapshot) {
      return InvalidArgumentError(
          "query parameter as_of is the time a snapshot was taken: send it with mode=snapshot, or leave it out");
    }
    b.as_of = *as_of;
  }
  if (auto enc = req.Header("content-encoding")) {
    std::string e = LowerTrimmed(*enc);
    if (!e.empty() && e != "identity" && e != "gzip" && e != "x-gzip") {
      return InvalidArgumentError(fmt::format(
          "Content-Encoding '{}' is not supported: send the batch as is or gzip", enc->substr(0, 40)));
    }
  }
  if (auto key = req.Header("idempotency-key")) {
    if (!ingest::IsValidIdempotencyKey(*key)) {
      return InvalidArgumentError(fmt::format("header Idempotency-Key must be 1 to {} visible ASCII characters",
                                              ingest::kMaxIdempotencyKey));
    }
    b.idempotency_key = std::string(*key);
  }
  b.source = "http";
  b.submitted_by = "key:" + who.key_id;
  return b;
}

// Batch ids are positive integers; anything else names no batch.
Result<int64_t> BatchIdParam(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return NotFoundError(fmt::format("no batch '{}'", text.substr(0, 40)));
  }
  return std::stoll(text);
}

// A refused or failed batch: problem+json with the report under "batch".
Response UnappliedBatch(const ingest::BatchReport& report, const Request& req) {
  bool refused = report.status == ingest::BatchStatus::kRefused;
  Response r =
      ProblemResponse(refused ? 422 : 500, refused ? "FAILED_PRECONDITION" : "INTERNAL",
                      refused ? "Batch refused" : "Batch failed", report.message, req.path, req.request_id);
  json body = json::parse(r.body);
  body["batch"] = BatchReportJson(report);
  r.body = DumpJson(body);
  return r;
}

}  // namespace

Status ApiService::BatchCapacity(int running) const {
  if (deps_.max_concurrent_batches <= 0 || running < deps_.max_concurrent_batches) return OkStatus();
  return ResourceExhaustedError(fmt::format(
      "this node is applying {} batch(es) already, as many as it takes at once (half its server threads); retry "
      "later, or send the batch to another node",
      running));
}

void ApiService::AddIngestRoutes() {
  // Before the body is read: the dataset exists, the caller may use it, the parameters are valid;
  // then the server is told to stream the body to disk.
  RouteGuard may_post = [this](Request& req, const std::map<std::string, std::string>& params) -> Status {
    const std::string& id = params.at("id");
    RETURN_IF_ERROR(IngestDataset(*req.principal, id).status());
    RETURN_IF_ERROR(BatchRequestFor(req, id, *req.principal).status());
    // Before any body byte (and before 100 Continue): the handler checks again, taking its slot.
    RETURN_IF_ERROR(BatchCapacity(batches_in_flight_.load()));
    // Uploads in progress hold disk (up to ingest.max_batch_bytes each) until applied or cut off:
    // bounded, so that no caller fills the data disk with bodies that never end (a review opened
    // hundreds at once under one agency key).
    if (deps_.max_concurrent_uploads > 0 && !req.hold) {  // (checked again before the handler: one slot a request)
      const auth::Principal& who = *req.principal;
      std::string caller = who.role == auth::Role::kAgency ? "agency:" + who.agency_id : "key:" + who.key_id;
      // One caller takes at most half the slots: the others' uploads still get in.
      const int per_caller = std::max(1, deps_.max_concurrent_uploads / 2);
      std::shared_ptr<UploadSlots> slots = uploads_;
      {
        std::lock_guard lock(slots->mu);
        if (slots->total >= deps_.max_concurrent_uploads) {
          return ResourceExhaustedError(fmt::format(
              "this node is receiving {} batch uploads already, as many as it takes at once; retry later, or send "
              "the batch to another node",
              slots->total));
        }
        auto mine = slots->by_caller.try_emplace(caller, 0).first;
        if (mine->second >= per_caller) {
          return ResourceExhaustedError(fmt::format(
              "this node is receiving {} batch uploads from this caller already, as many as one caller may send at "
              "once (half of the node's {}); retry when one has ended",
              mine->second, deps_.max_concurrent_uploads));
        }
        ++mine->second;
        ++slots->total;
      }
      // (Pointing at the slots, so that the hold tests true: a null one would not.)
      req.hold = std::shared_ptr<void>(static_cast<void*>(slots.get()), [slots, caller](void*) {
        std::lock_guard lock(slots->mu);
        --slots->total;
        if (auto it = slots->by_caller.find(caller); it != slots->by_caller.end() && --it->second <= 0) {
          slots->by_caller.erase(it);
        }
      });
    }
    if (!deps_.spool_dir.empty()) {
      req.spool = Request::BodySpool{deps_.spool_dir, deps_.max_batch_bytes, "ingest.max_batch_bytes"};
    }
    return OkStatus();
  };

  router_.Add(
      "POST", "/v1/datasets/{id}/batches", kIngestRoles,
      [this](RouteContext& ctx) -> Result<Response> {
        if (deps_.ingestor == nullptr) return InternalError("ingestion is not configured on this server");
        // Each batch holds this server thread until it is applied (on SQLite also while it waits
        // for the store's write lock): past the limit, the client retries instead of the node
        // running out of threads for everything else.
        struct InFlight {
          std::atomic<int>& n;
          ~InFlight() { --n; }
        } in_flight{batches_in_flight_};
        RETURN_IF_ERROR(BatchCapacity(++batches_in_flight_ - 1));
        ASSIGN_OR_RETURN(ingest::BatchRequest batch,
                         BatchRequestFor(ctx.request, ctx.params["id"], *ctx.principal));
        std::unique_ptr<ingest::ByteSource> input;
        if (!ctx.request.body_file.empty()) {
          ASSIGN_OR_RETURN(input, ingest::OpenFileSource(ctx.request.body_file));
        } else {
          input = ingest::MemorySource(ctx.request.body);
        }
        ASSIGN_OR_RETURN(ingest::BatchReport report, deps_.ingestor->Ingest(batch, std::move(input)));
        switch (report.status) {
          case ingest::BatchStatus::kApplied: {
            RETURN_IF_ERROR(AuditChange(ctx, "ingest.batch",
                                        {"", report.dataset_id, std::to_string(report.id)}, {}, "ingestion"));
            Response r = JsonResponse(DumpJson(BatchReportJson(report)), 201);
            r.headers.emplace_back("Location", "/v1/batches/" + std::to_string(report.id));
            return r;
          }
          case ingest::BatchStatus::kDuplicate:
            // Audited too, naming the batch it repeats: a resend after an answer lost to an audit
            // failure (a 500 after the commit) then leaves the applied batch in the log.
            RETURN_IF_ERROR(AuditChange(ctx, "ingest.batch.duplicate",
                                        {"", report.dataset_id, std::to_string(report.id)}, {}, "ingestion"));
            return JsonResponse(DumpJson(BatchReportJson(report)), 200);
          case ingest::BatchStatus::kRefused:
          case ingest::BatchStatus::kFailed:
            return UnappliedBatch(report, ctx.request);
        }
        return InternalError("unknown batch status");
      },
      may_post);

  // The dataset when the caller may see its batches; a refusal by ownership is audited as denied.
  auto owned = [this](RouteContext& ctx, const std::string& dataset_id, const std::string& action,
                      const std::string& record) -> Result<catalog::DatasetInfo> {
    Result<catalog::DatasetInfo> dataset = IngestDataset(*ctx.principal, dataset_id);
    if (dataset.status().code() == StatusCode::kPermissionDenied) {
      RETURN_IF_ERROR(AuditAccess(ctx, action, {"", dataset_id, record}, {}, audit::Decision::kDenied,
                                  dataset.status().message()));
    }
    return dataset;
  };

  router_.Add(
      "GET", "/v1/datasets/{id}/batches", kIngestRoles, [this, owned](RouteContext& ctx) -> Result<Response> {
        ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, owned(ctx, ctx.params["id"], "ingest.batches.read", ""));
        ASSIGN_OR_RETURN(std::optional<int64_t> before, IntParam(ctx.request, "before", 1, INT64_MAX));
        ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
        ASSIGN_OR_RETURN(auto reports,
                         ingest::ListBatches(*deps_.db, dataset.schema.id, before.value_or(0), limit));
        json items = json::array();
        for (const auto& r : reports) items.push_back(BatchReportJson(r));
        json next = static_cast<int>(reports.size()) == limit ? json(reports.back().id) : json(nullptr);
        return JsonResponse(DumpJson({{"batches", std::move(items)}, {"next_before", std::move(next)}}));
      });

  router_.Add("GET", "/v1/batches/{id}", kIngestRoles, [this, owned](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, BatchIdParam(ctx.params["id"]));
    ASSIGN_OR_RETURN(ingest::BatchReport report, ingest::GetBatch(*deps_.db, id));
    RETURN_IF_ERROR(owned(ctx, report.dataset_id, "ingest.batch.read", std::to_string(id)).status());
    return JsonResponse(DumpJson(BatchReportJson(report)));
  });

  // Rejects carry the submitted rows (personal data): a page that shows any is audited first.
  router_.Add("GET", "/v1/batches/{id}/rejects", kIngestRoles, [this, owned](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, BatchIdParam(ctx.params["id"]));
    ASSIGN_OR_RETURN(ingest::BatchReport report, ingest::GetBatch(*deps_.db, id));
    RETURN_IF_ERROR(owned(ctx, report.dataset_id, "ingest.rejects.read", std::to_string(id)).status());
    ASSIGN_OR_RETURN(std::optional<int64_t> after, IntParam(ctx.request, "after_line", 0, INT64_MAX));
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
    ASSIGN_OR_RETURN(auto rejects, ingest::ListRejects(*deps_.db, id, after.value_or(0), limit));
    if (!rejects.empty()) {
      RETURN_IF_ERROR(AuditAccess(ctx, "ingest.rejects.read", {"", report.dataset_id, std::to_string(id)}, {},
                                  audit::Decision::kAllowed));
    }
    json items = json::array();
    for (const auto& r : rejects) items.push_back(RejectJson(r));
    json next = static_cast<int>(rejects.size()) == limit ? json(rejects.back().line) : json(nullptr);
    return JsonResponse(
        DumpJson({{"batch", id}, {"rejects", std::move(items)}, {"next_after_line", std::move(next)}}));
  });
}

}  // namespace ndc::api
