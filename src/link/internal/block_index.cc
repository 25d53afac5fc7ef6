#include "link/internal/block_index.h"

#include <atomic>
#include <numeric>
#include <thread>

namespace ndc::link::internal {

namespace {

void BuildRule(const std::vector<uint64_t>& keys, std::vector<uint64_t>* hashes, std::vector<uint32_t>* rows,
               std::vector<uint32_t>* dir, int* shift) {
  std::vector<std::pair<uint64_t, uint32_t>> pairs;
  pairs.reserve(keys.size());
  for (uint32_t row = 0; row < keys.size(); ++row) {
    if (keys[row] != 0) pairs.emplace_back(keys[row], row);
  }
  std::sort(pairs.begin(), pairs.end());
  hashes->resize(pairs.size());
  rows->resize(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    (*hashes)[i] = pairs[i].first;
    (*rows)[i] = pairs[i].second;
  }
  int bits = 1;
  while (bits < 24 && (size_t{1} << bits) < pairs.size()) ++bits;
  *shift = 64 - bits;
  dir->assign((size_t{1} << bits) + 1, 0);
  size_t i = 0;
  for (size_t b = 0; b <= (size_t{1} << bits); ++b) {
    while (i < pairs.size() && (pairs[i].first >> *shift) < b) ++i;
    (*dir)[b] = static_cast<uint32_t>(i);
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

void BlockIndex::Add(const TableData& ref, uint32_t row) {
  for (size_t r = 0; r < rules_.size(); ++r) {
    uint64_t h = ref.keys[r][row];
    if (h != 0) rules_[r].extra[h].push_back(row);
  }
}

}  // namespace ndc::link::internal
