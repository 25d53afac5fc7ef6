#include "audit/checkpointer.h"

#include <fmt/format.h>

#include "audit/merkle/proof.h"
#include "audit/merkle/verify.h"

namespace ndc::audit {

std::string OriginForHub(std::string_view hub_id) { return fmt::format("ndc.audit/{}", hub_id); }

Checkpointer::Checkpointer(AuditLog* log, SigningKey key, std::string origin)
    : log_(log), key_(std::move(key)), origin_(std::move(origin)) {}

Status Checkpointer::CheckExtends(uint64_t old_size, const merkle::Hash& old_root, uint64_t size,
                                  const merkle::Hash& root, std::string_view what) {
  if (old_size > size) {
    return DataLossError(fmt::format("refusing to sign: the log has {} entries but {} covers {} (entries were removed)",
                                     size, what, old_size));
  }
  StoredNodeReader reader(log_->db());
  auto proof = merkle::ConsistencyProof(old_size, size, reader.AsReader());
  if (!proof.ok()) return DataLossError(fmt::format("refusing to sign tree size {}: {}", size, proof.status().message()));
  Status consistent = merkle::VerifyConsistency(old_size, size, old_root, root, *proof);
  if (!consistent.ok()) {
    return DataLossError(fmt::format("refusing to sign tree size {}: the stored log is not an extension of {} "
                                     "(tree size {}): {}",
                                     size, what, old_size, consistent.message()));
  }
  return OkStatus();
}

Result<StoredCheckpoint> Checkpointer::Issue() {
  std::lock_guard lock(mu_);
  // The latest checkpoint first, then the head: another node may sign a newer head between the
  // two reads, and read the other way round its checkpoint would look larger than the log (a
  // false "entries were removed"). A checkpoint covers committed entries only, and the log only
  // grows, so a head read after it is at least as large.
  ASSIGN_OR_RETURN(auto latest, log_->LatestCheckpoint());
  ASSIGN_OR_RETURN(auto head, log_->Head());
  auto [size, root] = head;
  if (latest) {
    auto opened = OpenCheckpoint(latest->note, key_.public_key);
    if (!opened.ok() || opened->origin != origin_) {
      return DataLossError(fmt::format("refusing to sign: the latest stored checkpoint (tree size {}) does not "
                                       "verify with this log's key: {}",
                                       latest->checkpoint.size, opened.status().message()));
    }
    if (latest->checkpoint.size == size) {
      if (latest->checkpoint.root != root) {
        return DataLossError(fmt::format("refusing to sign: tree size {} was signed with another root", size));
      }
      last_signed_ = latest->checkpoint;
      return *latest;
    }
    RETURN_IF_ERROR(CheckExtends(latest->checkpoint.size, latest->checkpoint.root, size, root,
                                 "the latest stored checkpoint"));
  }
  if (last_signed_) {
    RETURN_IF_ERROR(CheckExtends(last_signed_->size, last_signed_->root, size, root,
                                 "the checkpoint this process signed last"));
  }
  StoredCheckpoint c;
  c.checkpoint = Checkpoint{origin_, size, root};
  ASSIGN_OR_RETURN(c.note, SignCheckpoint(c.checkpoint, key_));
  c.signed_at = log_->clock()->NowMicros();
  RETURN_IF_ERROR(InsertCheckpoint(log_->db(), c, root));
  // Another node may have stored this size first (same root, same deterministic signature).
  ASSIGN_OR_RETURN(auto stored, log_->CheckpointAt(size));
  if (!stored || stored->checkpoint != c.checkpoint) {
    return DataLossError(fmt::format("checkpoint for tree size {} was stored with another root", size));
  }
  last_signed_ = c.checkpoint;
  return *stored;
}

}  // namespace ndc::audit
