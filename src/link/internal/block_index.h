// link/internal/block_index: the blocking keys of a reference table, for finding candidate pairs.
// Per rule, (key hash, row) pairs sorted by hash with a radix directory over the top bits, so a
// lookup is one directory read and a short scan; rows added later (Index::Add) go to a hash map.
// A pair found by several rules is produced once: by the first rule whose block holds it.
// Blocks larger than Settings::max_block_size are skipped. docs/design/linkage.md ("Blocking").
// Thread safety: ForEach is const and may run concurrently; Add needs exclusive access.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "link/internal/table_data.h"

namespace ndc::link::internal {

class BlockIndex {
 public:
  BlockIndex(const TableData& ref, size_t threads);
  void Add(const TableData& ref, uint32_t row);

  // Calls f(ref_row) once for each candidate of `probe`'s row. With `dedupe` (probe is the
  // reference table itself), only rows greater than `prow`.
  template <typename F>
  void ForEach(const TableData& ref, const TableData& probe, uint32_t prow, bool dedupe, F&& f) const {
    ForEach(ref, probe, prow, dedupe, f, 0, [] { return false; });
  }

  // The same, but once the blocks of the first `first_rules` rules have been visited, and none of
  // them was skipped for its size, stops when stop() says so. The linker uses it to skip the
  // other rules once a deterministic rule (their keys come first) has matched: a pair that
  // satisfies a deterministic rule shares that rule's key, so it is in those blocks.
  template <typename F, typename Stop>
  void ForEach(const TableData& ref, const TableData& probe, uint32_t prow, bool dedupe, F&& f, size_t first_rules,
               Stop&& stop) const {
    // ValidateSettings refuses more rules than kMaxRules, so n is every rule.
    const size_t n = std::min<size_t>(rules_.size(), kMaxRules);
    uint64_t keys[kMaxRules];
    bool usable[kMaxRules];
    bool complete = true;  // no block of the first `first_rules` rules skipped for its size
    auto visit = [&](size_t r, uint32_t row) {
      if (dedupe && row <= prow) return;
      for (size_t e = 0; e < r; ++e) {
        if (usable[e] && ref.keys[e][row] == keys[e]) return;  // produced by rule e
      }
      f(row);
    };
    // Rule by rule, each block looked up only when needed (the lookups are cache misses).
    for (size_t r = 0; r < n; ++r) {
      if (r == first_rules && complete && stop()) return;
      keys[r] = probe.keys[r][prow];
      usable[r] = false;
      if (keys[r] == 0) continue;
      const std::span<const uint32_t> block = Static(r, keys[r]);
      const std::vector<uint32_t>* extra = nullptr;
      size_t size = block.size();
      if (!rules_[r].extra.empty()) {
        auto it = rules_[r].extra.find(keys[r]);
        if (it != rules_[r].extra.end()) {
          extra = &it->second;
          size += it->second.size();
        }
      }
      usable[r] = max_block_ == 0 || size <= max_block_;
      if (!usable[r]) {
        if (r < first_rules) complete = false;
        continue;
      }
      for (uint32_t row : block) visit(r, row);
      if (extra) {
        for (uint32_t row : *extra) visit(r, row);
      }
    }
  }

 private:
  struct Rule {
    std::vector<uint64_t> hashes;  // sorted
    std::vector<uint32_t> rows;    // aligned with hashes
    std::vector<uint32_t> dir;     // dir[b] = first index with hash >> shift >= b
    int shift = 64;
    std::unordered_map<uint64_t, std::vector<uint32_t>> extra;
  };
  std::span<const uint32_t> Static(size_t r, uint64_t h) const {
    const Rule& rule = rules_[r];
    if (rule.hashes.empty()) return {};
    size_t b = rule.shift >= 64 ? 0 : static_cast<size_t>(h >> rule.shift);
    auto first = rule.hashes.begin() + rule.dir[b];
    auto last = rule.hashes.begin() + rule.dir[b + 1];
    auto lo = std::lower_bound(first, last, h);
    auto hi = lo;
    while (hi != last && *hi == h) ++hi;
    return std::span<const uint32_t>(rule.rows.data() + (lo - rule.hashes.begin()), static_cast<size_t>(hi - lo));
  }
  std::vector<Rule> rules_;
  size_t max_block_ = 0;
};

// The index of `ref` kept in `ref` (built with `threads` threads the first time; thread-safe).
// It stays valid while `ref` gets no Add.
std::shared_ptr<const BlockIndex> SharedBlockIndex(const TableData& ref, size_t threads);

}  // namespace ndc::link::internal
