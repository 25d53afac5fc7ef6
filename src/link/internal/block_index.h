// link/internal/block_index: the blocking keys of a reference table, for finding candidate pairs.
// Per rule, (key hash, row) pairs sorted by hash with a radix directory over the top bits, so a
// lookup is one directory read and a short scan; rows added later (Index::Add) go to a hash map.
// A pair found by several rules is produced once: by the first rule whose block holds it.
// Blocks larger than Settings::max_block_size are skipped. docs/design/linkage.md ("Blocking").
// Thread safety: ForEach is const and may run concurrently; Add needs exclusive access.
#pragma once

#include <algorithm>
#include <cstdint>
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
    const size_t n = rules_.size();
    uint64_t keys[64];
    bool usable[64];
    std::span<const uint32_t> blocks[64];
    const std::vector<uint32_t>* extras[64];
    for (size_t r = 0; r < n && r < 64; ++r) {
      keys[r] = probe.keys[r][prow];
      extras[r] = nullptr;
      blocks[r] = {};
      usable[r] = false;
      if (keys[r] == 0) continue;
      blocks[r] = Static(r, keys[r]);
      size_t size = blocks[r].size();
      if (!rules_[r].extra.empty()) {
        auto it = rules_[r].extra.find(keys[r]);
        if (it != rules_[r].extra.end()) {
          extras[r] = &it->second;
          size += it->second.size();
        }
      }
      usable[r] = max_block_ == 0 || size <= max_block_;
    }
    auto visit = [&](size_t r, uint32_t row) {
      if (dedupe && row <= prow) return;
      for (size_t e = 0; e < r; ++e) {
        if (usable[e] && ref.keys[e][row] == keys[e]) return;  // produced by rule e
      }
      f(row);
    };
    for (size_t r = 0; r < n && r < 64; ++r) {
      if (!usable[r]) continue;
      for (uint32_t row : blocks[r]) visit(r, row);
      if (extras[r]) {
        for (uint32_t row : *extras[r]) visit(r, row);
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

}  // namespace ndc::link::internal
