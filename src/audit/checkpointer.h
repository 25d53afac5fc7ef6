// Checkpointer: signs checkpoints of the audit log — on demand (Issue) and, driven by the caller,
// periodically — and never one inconsistent with an earlier one: before signing tree size n it
// proves, from the stored tree, that the latest stored checkpoint (and the last one this process
// signed) is a prefix of the tree it is about to sign, and refuses with kDataLoss otherwise.
// docs/design/audit-log.md, "Checkpoints".
//
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "audit/log_storage.h"

namespace ndc::audit {

class Checkpointer {
 public:
  // `log` must outlive this. `origin` names the log (and the signing key) in every checkpoint.
  Checkpointer(AuditLog* log, SigningKey key, std::string origin);

  // A signed checkpoint of the current tree; the stored one if that size was already signed.
  // kDataLoss if the stored log is inconsistent with a checkpoint signed earlier (nothing is
  // signed then); store errors pass through.
  Result<StoredCheckpoint> Issue();

  const std::string& origin() const { return origin_; }
  const std::string& public_key() const { return key_.public_key; }

 private:
  Status CheckExtends(uint64_t old_size, const merkle::Hash& old_root, uint64_t size, const merkle::Hash& root,
                      std::string_view what);

  AuditLog* log_;
  const SigningKey key_;
  const std::string origin_;
  std::mutex mu_;
  std::optional<Checkpoint> last_signed_;
};

// The log's origin line for a hub: "ndc.audit/<hub id>".
std::string OriginForHub(std::string_view hub_id);

}  // namespace ndc::audit
