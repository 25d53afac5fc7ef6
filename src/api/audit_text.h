// Text that came from a request (a record key, a person key in a path) as it is written into an
// audit entry: valid UTF-8 without control characters, bounded — audit::ValidateEntry's rules —
// whatever the client sent. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/entry.h"

namespace ndc::api {

// Control characters (the U+001F of composite keys), '%' and, in text that is not UTF-8, every
// non-ASCII byte percent-encoded — the form the text takes in a URL; cut at about 1 KiB.
std::string AuditText(std::string_view text, size_t max_bytes = 1024);

// The `fields` of an entry naming these "dataset.field" names (each as AuditText when the log
// would refuse it as it is), within audit::kMaxEntryFields: past that many names, one
// "dataset.*" per dataset in order of first appearance (the part before the first '.'), and "*"
// past that many datasets.
std::vector<std::string> AuditFieldList(std::vector<std::string> names);

// Makes an entry the API built acceptable to the log whatever request text went into it: each
// text or field name that audit::ValidateEntry would refuse (control characters, invalid UTF-8,
// longer than audit::kMaxEntryText) becomes its AuditText, cut to fit, and a field list over the
// bound is collapsed as AuditFieldList does. What the log accepts is left as it is, so text that
// is already AuditText is not escaped twice. Every API append passes through it (AppendAudit,
// AppendAndGate): until 2026-12-02 a consent granting more than 256 fields, a composite record
// key (its U+001F) or a control character in `fields=` failed the append — a change then
// stood unaudited, a refusal went unlogged.
void MakeLoggable(audit::Entry& e);

}  // namespace ndc::api
