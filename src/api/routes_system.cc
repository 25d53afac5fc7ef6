// System routes: health (public), metrics and version.
#include <algorithm>
#include <chrono>
#include <filesystem>

#include "api/json_body.h"
#include "api/service.h"
#include "common/json.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

// Figures kept elsewhere, copied into the registry when /metrics is read.
void ApiService::CollectMetrics() const {
  MetricsRegistry& m = *deps_.metrics;
  if (deps_.audit != nullptr) {
    const audit::GroupCommitter::Stats s = deps_.audit->commit_stats();
    m.GetCounter("ndc_audit_entries_total", "Audit entries this node submitted to commits (committed or failed).")
        ->AdvanceTo(static_cast<int64_t>(s.entries));
    m.GetCounter("ndc_audit_commits_total", "Audit group commits this node ran (committed or failed).")
        ->AdvanceTo(static_cast<int64_t>(s.batches));
    m.GetCounter("ndc_audit_commit_retries_total", "Audit commits tried again after a lock conflict.")
        ->AdvanceTo(static_cast<int64_t>(s.retries));
    m.GetCounter("ndc_audit_failed_entries_total",
                 "Audit entries whose commit failed: their requests were answered with an error.")
        ->AdvanceTo(static_cast<int64_t>(s.failed_entries));
    const audit::GroupCommitter::Health h = deps_.audit->commit_health();
    const auto running = h.committing_since ? std::chrono::steady_clock::now() - *h.committing_since
                                            : std::chrono::steady_clock::duration::zero();
    m.GetGauge("ndc_audit_commit_running_milliseconds", "How long the audit commit under way has run (0: idle).")
        ->Set(std::chrono::duration_cast<std::chrono::milliseconds>(running).count());
    // What no signed checkpoint covers yet: it grows without bound when no node signs (a hub
    // restored without keys/ serves and appends, but signs nothing), which an alert should catch.
    auto head = deps_.audit->Head();
    auto latest = deps_.audit->LatestCheckpoint();
    if (head.ok() && latest.ok()) {
      const uint64_t signed_size = *latest ? (*latest)->checkpoint.size : 0;
      m.GetGauge("ndc_audit_log_entries", "Entries in the audit log (its tree size).")
          ->Set(static_cast<int64_t>(head->first));
      m.GetGauge("ndc_audit_unsigned_entries",
                 "Audit entries no signed checkpoint covers yet (grows without bound when no node signs).")
          ->Set(static_cast<int64_t>(head->first - std::min(head->first, signed_size)));
      if (*latest) {
        const int64_t now = (deps_.clock ? deps_.clock : SystemClock())->NowMicros();
        m.GetGauge("ndc_audit_checkpoint_age_seconds", "Seconds since the latest signed checkpoint was signed.")
            ->Set(std::max<int64_t>(0, (now - (*latest)->signed_at) / 1000000));
      }
    }
  }
  if (!deps_.spool_dir.empty()) {
    std::error_code ec;
    const std::filesystem::space_info space = std::filesystem::space(deps_.spool_dir, ec);
    if (!ec) {
      m.GetGauge("ndc_data_dir_available_bytes", "Bytes free for NDC in the data directory's file system.")
          ->Set(static_cast<int64_t>(space.available));
    }
  }
}

void ApiService::AddSystemRoutes() {
  // Liveness and readiness in one: 200 when the store answers and the audit log is writing, 503
  // otherwise (every data response waits for its audit entry, so a node whose log cannot commit
  // serves no data). No credentials, and nothing about the data or the error in the answer.
  router_.AddPublic("GET", "/healthz", [this](RouteContext&) -> Result<Response> {
    auto ping = deps_.db->Query("SELECT 1");
    // The committer's state, read without a lock or a query.
    std::string audit = "ok";
    if (deps_.audit != nullptr) {
      // A failure counts for audit_stall_after: then traffic may come back and show whether
      // the log recovered (a node that never gets an append would otherwise stay failing).
      const audit::GroupCommitter::Health h = deps_.audit->commit_health();
      const auto now = std::chrono::steady_clock::now();
      if (h.committing_since && now - *h.committing_since >= deps_.audit_stall_after) {
        audit = "stalled";
      } else if (h.failed_at && now - *h.failed_at < deps_.audit_stall_after) {
        audit = "failing";
      }
    }
    const bool ok = ping.ok() && audit == "ok";
    json j = {{"status", ok ? "ok" : "unavailable"}, {"store", ping.ok() ? "ok" : "unreachable"}, {"audit", audit}};
    return JsonResponse(DumpJson(j), ok ? 200 : 503);
  });

  router_.Add("GET", "/metrics", {Role::kOperator, Role::kAuditor}, [this](RouteContext&) -> Result<Response> {
    CollectMetrics();
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = deps_.metrics->RenderPrometheus();
    return r;
  });

  router_.Add("GET", "/v1/version", {Role::kOperator, Role::kAgency, Role::kAnalyst, Role::kAuditor, Role::kCitizen},
              [this](RouteContext& ctx) -> Result<Response> {
                ASSIGN_OR_RETURN(int schema_version, deps_.db->SchemaVersion());
                json j = {{"version", std::string(NdcVersion())},
                          {"schema_version", schema_version},
                          {"store", std::string(store::BackendName(deps_.db->backend()))},
                          {"caller", {{"key_id", ctx.principal->key_id},
                                      {"role", std::string(auth::RoleName(ctx.principal->role))}}}};
                return JsonResponse(DumpJson(j));
              });
}

}  // namespace ndc::api
