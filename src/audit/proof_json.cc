#include "audit/proof_json.h"

#include <fmt/format.h>

#include "audit/checkpoint.h"
#include "audit/entry_codec.h"
#include "audit/merkle/verify.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/json.h"

namespace ndc::audit {
namespace {

using nlohmann::json;

std::string B64(const merkle::Hash& h) { return Base64Encode(merkle::HashBytes(h)); }

json HashList(const std::vector<merkle::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(B64(h));
  return out;
}

Result<uint64_t> UintMember(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number_unsigned()) {
    return InvalidArgumentError(fmt::format("proof file: '{}' must be a non-negative integer", key));
  }
  return j[key].get<uint64_t>();
}

Result<merkle::Hash> HashValue(const json& v, std::string_view what) {
  if (!v.is_string()) return InvalidArgumentError(fmt::format("proof file: {} must be a base64 string", what));
  auto bytes = Base64Decode(v.get<std::string>());
  if (!bytes.ok()) return InvalidArgumentError(fmt::format("proof file: {} is not base64", what));
  auto h = merkle::HashFromBytes(*bytes);
  if (!h.ok()) return InvalidArgumentError(fmt::format("proof file: {} is not 32 bytes", what));
  return *h;
}

Result<std::vector<merkle::Hash>> HashesMember(const json& j) {
  if (!j.contains("hashes") || !j["hashes"].is_array()) {
    return InvalidArgumentError("proof file: 'hashes' must be an array");
  }
  std::vector<merkle::Hash> out;
  for (const auto& v : j["hashes"]) {
    ASSIGN_OR_RETURN(auto h, HashValue(v, "a hash in 'hashes'"));
    out.push_back(h);
  }
  return out;
}

}  // namespace

Result<json> EntryJson(const StoredEntry& s) {
  auto e = DecodeEntry(s.bytes);
  if (!e.ok()) return DataLossError(fmt::format("audit entry {}: {}", s.index, e.status().message()));
  return json{{"index", s.index},
              {"id", e->id},
              {"time", FormatRfc3339(e->time_micros)},
              {"actor", {{"client", e->actor.client}, {"agency", e->actor.agency}, {"role", e->actor.role}}},
              {"action", e->action},
              {"subject",
               {{"person_key", e->subject.person_key}, {"dataset", e->subject.dataset}, {"record", e->subject.record}}},
              {"fields", e->fields},
              {"purpose", e->purpose},
              {"legal_basis", e->legal_basis},
              {"consent_ref", e->consent_ref},
              {"decision", std::string(DecisionName(e->decision))},
              {"reason", e->reason},
              {"request_id", e->request_id},
              {"appended_at", FormatRfc3339(s.appended_at)},
              {"leaf_hash", B64(s.leaf_hash)},
              {"bytes", Base64Encode(s.bytes)}};
}

json CheckpointJson(const StoredCheckpoint& c) {
  return json{{"tree_size", c.checkpoint.size},
              {"root_hash", B64(c.checkpoint.root)},
              {"signed_at", FormatRfc3339(c.signed_at)},
              {"checkpoint", c.note}};
}

json InclusionProofJson(const InclusionProofData& p) {
  return json{{"type", "inclusion"},
              {"index", p.index},
              {"tree_size", p.tree_size},
              {"entry_id", p.entry.id},
              {"entry", Base64Encode(p.entry.bytes)},
              {"leaf_hash", B64(p.entry.leaf_hash)},
              {"hashes", HashList(p.hashes)}};
}

json ConsistencyProofJson(uint64_t first, uint64_t second, const std::vector<merkle::Hash>& hashes) {
  return json{{"type", "consistency"}, {"first", first}, {"second", second}, {"hashes", HashList(hashes)}};
}

Result<std::string> VerifyProofOffline(std::string_view checkpoint, std::string_view proof_json,
                                       std::string_view public_key, std::optional<std::string_view> old_checkpoint) {
  ASSIGN_OR_RETURN(json proof, ParseJson(proof_json));
  if (!proof.is_object() || !proof.contains("type") || !proof["type"].is_string()) {
    return InvalidArgumentError("proof file: not a JSON object with a 'type'");
  }
  ASSIGN_OR_RETURN(Checkpoint cp, OpenCheckpoint(checkpoint, public_key));
  ASSIGN_OR_RETURN(auto hashes, HashesMember(proof));
  std::string type = proof["type"];
  if (type == "inclusion") {
    ASSIGN_OR_RETURN(uint64_t index, UintMember(proof, "index"));
    ASSIGN_OR_RETURN(uint64_t size, UintMember(proof, "tree_size"));
    if (size != cp.size) {
      return InvalidArgumentError(fmt::format("the proof is for tree size {} but the checkpoint is for {}; ask for a "
                                              "proof at the checkpoint's size",
                                              size, cp.size));
    }
    ASSIGN_OR_RETURN(merkle::Hash leaf, HashValue(proof.value("leaf_hash", json()), "'leaf_hash'"));
    std::string what = fmt::format("entry {}", index);
    if (proof.contains("entry")) {
      auto bytes = proof["entry"].is_string() ? Base64Decode(proof["entry"].get<std::string>())
                                              : Result<std::string>(InvalidArgumentError("x"));
      if (!bytes.ok()) return InvalidArgumentError("proof file: 'entry' must be base64");
      if (merkle::HashLeaf(*bytes) != leaf) return DataLossError("the entry's bytes do not hash to 'leaf_hash'");
      auto entry = DecodeEntry(*bytes);
      if (!entry.ok()) return entry.status();
      if (entry->index != index) {
        return DataLossError(fmt::format("the entry records index {}, the proof claims {}", entry->index, index));
      }
      what = fmt::format("entry {} ({}, {} by {} at {})", index, entry->id, entry->action, entry->actor.client,
                         FormatRfc3339(entry->time_micros));
    }
    RETURN_IF_ERROR(merkle::VerifyInclusion(index, size, leaf, hashes, cp.root));
    return fmt::format("OK: {} is in the log '{}' of {} entries signed with root {}", what, cp.origin, cp.size,
                       Base64Encode(merkle::HashBytes(cp.root)));
  }
  if (type == "consistency") {
    if (!old_checkpoint) return InvalidArgumentError("a consistency proof needs the older checkpoint too");
    ASSIGN_OR_RETURN(Checkpoint old_cp, OpenCheckpoint(*old_checkpoint, public_key));
    ASSIGN_OR_RETURN(uint64_t first, UintMember(proof, "first"));
    ASSIGN_OR_RETURN(uint64_t second, UintMember(proof, "second"));
    if (first != old_cp.size || second != cp.size || old_cp.origin != cp.origin) {
      return InvalidArgumentError(fmt::format("the proof links sizes {} and {}, the checkpoints are for {} and {}",
                                              first, second, old_cp.size, cp.size));
    }
    RETURN_IF_ERROR(merkle::VerifyConsistency(first, second, old_cp.root, cp.root, hashes));
    return fmt::format("OK: the log '{}' of {} entries extends the one of {} entries (nothing was changed or removed)",
                       cp.origin, second, first);
  }
  return InvalidArgumentError("proof file: unknown type '" + type + "' (inclusion or consistency)");
}

}  // namespace ndc::audit
