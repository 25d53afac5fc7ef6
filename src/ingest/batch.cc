#include "ingest/batch.h"

#include <fmt/format.h>

namespace ndc::ingest {

std::string_view BatchModeName(BatchMode m) {
  switch (m) {
    case BatchMode::kUpsert: return "upsert";
    case BatchMode::kDelete: return "delete";
    case BatchMode::kSnapshot: return "snapshot";
  }
  return "upsert";
}

Result<BatchMode> ParseBatchMode(std::string_view name) {
  for (BatchMode m : {BatchMode::kUpsert, BatchMode::kDelete, BatchMode::kSnapshot}) {
    if (name == BatchModeName(m)) return m;
  }
  return InvalidArgumentError(fmt::format("unknown batch mode '{}' (expected upsert, delete or snapshot)",
                                          name.substr(0, 40)));
}

std::string_view BatchStatusName(BatchStatus s) {
  switch (s) {
    case BatchStatus::kApplied: return "applied";
    case BatchStatus::kRefused: return "refused";
    case BatchStatus::kFailed: return "failed";
    case BatchStatus::kDuplicate: return "duplicate";
  }
  return "failed";
}

bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKey) return false;
  for (char c : key) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace ndc::ingest
