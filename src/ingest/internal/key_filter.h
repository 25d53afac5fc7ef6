// KeyFilter: the first-load Bloom filter — which source keys this batch may already have
// written (docs/design/ingest.md, "First load"). "No" is certain, so the row needs no lookup;
// "maybe" costs a lookup (and ends the unindexed phase of a first load). 16 MiB, 8 bits per key,
// all in one 512-bit block (one cache line) chosen by the key: the filter is far larger than the
// caches, and it is consulted for every row on the applying thread. A first false positive is
// unlikely before ~2.5 M keys; ~1 % of keys are false positives at 13 M.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ndc::ingest {

class KeyFilter {
 public:
  KeyFilter();
  // Adds `key`; true if it may have been added before (all its bits were already set).
  bool TestAndAdd(std::string_view key);
  // Starts loading `key`'s block into the cache, so that a TestAndAdd of it soon after does not
  // wait for memory: prefetching a chunk's keys first overlaps their cache misses.
  void Prefetch(std::string_view key) const;

 private:
  std::vector<uint64_t> words_;
};

}  // namespace ndc::ingest
