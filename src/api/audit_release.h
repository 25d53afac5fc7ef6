// api/audit_release: the release gate of a response whose audit entry is still being committed.
// A data endpoint appends its audit entry without waiting, builds its answer meanwhile, and the
// server sends the answer only when the entry is durable (see Response::send_after): the decision
// is in the log before any byte leaves, and no server thread waits on the group commit.
// docs/design/sharing.md ("Data endpoints").
//
// The log's committer completes the gate itself right after the entry's batch commits
// (AuditLog::AppendThen): no thread of its own, no hand-over between threads before the server's
// worker is woken to send. Thread-safe.
#pragma once

#include <string>

#include "api/http.h"
#include "audit/audit_log.h"

namespace ndc::api {

// Appends `entry` to `log` now and returns the gate of the response that discloses what the entry
// records: released with OkStatus() once the entry is durable, or with the append's error
// prefixed by `context` (which should say that nothing was disclosed). The log must outlive the
// release (the server releases before it is destroyed).
ReleaseGate AppendAndGate(audit::AuditLog* log, audit::Entry entry, std::string context);

}  // namespace ndc::api
