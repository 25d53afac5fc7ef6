#include "link/internal/block_index.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <thread>

namespace ndc::link::internal {

namespace {

// Sorts the (hash, row) pairs of one rule by hash, then row: a counting sort on the top `bits`
// bits of the hash (which also gives the directory), then a sort within each bucket (a few
// pairs, or one block of equal hashes already in row order).
void BuildRule(const std::vector<uint64_t>& keys, std::vector<uint64_t>* hashes, std::vector<uint32_t>* rows,
               std::vector<uint32_t>* dir, int* shift) {
  size_t n = 0;
  for (uint64_t k : keys) n += k != 0;
  int bits = 1;
  while (bits < 24 && (size_t{1} << bits) < n) ++bits;
  *shift = 64 - bits;
  const size_t buckets = size_t{1} << bits;
  dir->assign(buckets + 1, 0);
  for (uint64_t k : keys) {
    if (k != 0) (*dir)[(k >> *shift) + 1]++;
  }
  for (size_t b = 0; b < buckets; ++b) (*dir)[b + 1] += (*dir)[b];
  std::vector<uint32_t> next(dir->begin(), dir->end() - 1);
  std::vector<std::pair<uint64_t, uint32_t>> pairs(n);
  for (uint32_t row = 0; row < keys.size(); ++row) {
    if (keys[row] != 0) pairs[next[keys[row] >> *shift]++] = {keys[row], row};
  }
  for (size_t b = 0; b < buckets; ++b) {
    if ((*dir)[b + 1] - (*dir)[b] > 1) std::sort(pairs.begin() + (*dir)[b], pairs.begin() + (*dir)[b + 1]);
  }
  hashes->resize(n);
  rows->resize(n);
  for (size_t i = 0; i < n; ++i) {
    (*hashes)[i] = pairs[i].first;
    (*rows)[i] = pairs[i].second;
  }
}

}  // namespace

BlockIndex::BlockIndex(const TableData& ref, size_t threads) : max_block_(ref.settings.max_block_size) {
  rules_.resize(ref.rules.size());
  std::vector<std::thread> pool;
  std::atomic<size_t> next{0};
  if (threads == 0) threads = 1;
  for (size_t t = 0; t < std::min(threads, rules_.size()); ++t) {
    pool.emplace_back([&] {
      for (size_t r; (r = next.fetch_add(1)) < rules_.size();) {
        BuildRule(ref.keys[r], &rules_[r].hashes, &rules_[r].rows, &rules_[r].dir, &rules_[r].shift);
      }
    });
  }
  for (auto& t : pool) t.join();
}

std::shared_ptr<const BlockIndex> SharedBlockIndex(const TableData& ref, size_t threads) {
  std::lock_guard lock(ref.index_mu);
  if (!ref.index) ref.index = std::make_shared<const BlockIndex>(ref, threads);
  return ref.index;
}

void BlockIndex::Add(const TableData& ref, uint32_t row) {
  for (size_t r = 0; r < rules_.size(); ++r) {
    uint64_t h = ref.keys[r][row];
    if (h != 0) rules_[r].extra[h].push_back(row);
  }
}

}  // namespace ndc::link::internal
