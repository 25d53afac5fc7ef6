// JSON forms of audit entries, checkpoints and proofs — the bodies of the /v1/audit routes and
// the files `ndc audit prove` writes — and the standalone verifier that checks a proof file
// against a signed checkpoint and the log's public key with no access to the store
// (`ndc audit verify-proof`). Hashes and bytes are standard base64. docs/design/audit-log.md,
// "Proofs". Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/log_storage.h"

namespace ndc::audit {

// {"index", "id", "time", "actor": {...}, "action", "subject": {...}, "fields", "purpose",
//  "legal_basis", "consent_ref", "decision", "reason", "request_id", "appended_at",
//  "leaf_hash", "bytes"}. kDataLoss if the stored bytes do not decode.
Result<nlohmann::json> EntryJson(const StoredEntry& e);
// {"tree_size", "root_hash", "signed_at", "checkpoint": the signed note}
nlohmann::json CheckpointJson(const StoredCheckpoint& c);
// {"type": "inclusion", "index", "tree_size", "entry_id", "entry" (base64 bytes), "leaf_hash", "hashes"}
nlohmann::json InclusionProofJson(const InclusionProofData& p);
// {"type": "consistency", "first", "second", "hashes"}
nlohmann::json ConsistencyProofJson(uint64_t first, uint64_t second, const std::vector<merkle::Hash>& hashes);

// Checks a proof file offline. Inclusion: `checkpoint` (signed note) verifies with `public_key`,
// its size is the proof's tree size, the entry bytes hash to the leaf (and record its index),
// and the path leads to the signed root. Consistency: `old_checkpoint` and `checkpoint` both
// verify and the proof links their roots. Returns a one-line summary; kDataLoss if anything does
// not verify, kInvalidArgument for a malformed proof file or a missing old checkpoint.
Result<std::string> VerifyProofOffline(std::string_view checkpoint, std::string_view proof_json,
                                       std::string_view public_key,
                                       std::optional<std::string_view> old_checkpoint = std::nullopt);

}  // namespace ndc::audit
