// link/index: incremental linking against a reference table (the population registry): the
// blocking keys of the reference rows are indexed once; a probe record is scored against its
// candidates on demand, and reference rows may be added later.
// Design: docs/design/linkage.md ("Incremental index").
//
// Thread safety: Query and the const accessors may run concurrently with each other and with
// Add (a shared mutex: Add takes it exclusively).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "link/model.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link {

namespace internal {
class BlockIndex;
class Scorer;
}  // namespace internal

struct Candidate {
  uint32_t row = 0;  // reference row
  double weight = 0;
  double probability = 0;
  bool deterministic = false;
  int rule = -1;  // deterministic rule index, or -1
};

class Index {
 public:
  // Takes ownership of `reference`. Errors: kInvalidArgument as CheckModel, or a table built
  // from other settings.
  static Result<std::unique_ptr<Index>> Build(const Settings& settings, const Model& model, RecordTable reference);
  ~Index();

  // Adds a reference row (as RecordTable::Add) and indexes it; returns its row.
  uint32_t Add(std::string_view record_id, std::span<const std::string_view> values);
  uint32_t Add(std::string_view record_id, const AttributeValues& values);

  // The reference rows that `probe`'s row `row` is a candidate with, scored, best first (a
  // deterministic match before any other), at most `max_candidates`, only those at or above the
  // review threshold. `probe` must have been built from the same settings.
  std::vector<Candidate> Query(const RecordTable& probe, uint32_t row, size_t max_candidates) const;

  // Calls `fn(reference())` under the shared lock (the table may grow concurrently otherwise).
  template <typename Fn>
  auto WithReference(Fn&& fn) const {
    std::shared_lock lock(mu_);
    return fn(reference_);
  }
  size_t size() const;
  const Settings& settings() const { return settings_; }
  const Model& model() const { return model_; }

 private:
  Index(const Settings& settings, const Model& model, RecordTable reference);
  Settings settings_;
  Model model_;
  mutable std::shared_mutex mu_;
  RecordTable reference_;
  std::unique_ptr<internal::BlockIndex> blocks_;
  std::unique_ptr<internal::Scorer> scorer_;
};

}  // namespace ndc::link
