// ChunkKeySet: the keys of the chunk being gathered, so that the ingestor can cut the chunk where
// a key repeats (a later row must see the earlier one applied; docs/design/ingest.md, "Applying
// a row"). It keeps 64-bit hashes of the keys in an open-addressing table instead of the keys in a
// node-based set: no allocation, no copy of the key per row of a national load.
//
// Two different keys with the same hash look like a repeat. That is harmless by construction:
// the caller then applies its chunk one row earlier than it had to, and chunk boundaries change
// no result (ParallelIngestTest compares loads cut differently). Thread-compatible.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ndc::ingest {

class ChunkKeySet {
 public:
  // `expected` keys between two Clear() calls keep the table at most half full; more are fine
  // (it grows).
  explicit ChunkKeySet(size_t expected);

  // Adds the key's hash; false if it was already there (the key, or one with the same hash).
  bool Insert(std::string_view key);
  void Clear();
  size_t size() const { return size_; }

 private:
  bool InsertHash(uint64_t h);
  void Grow();

  std::vector<uint64_t> slots_;  // 0: empty (a hash of 0 is stored as 1)
  size_t size_ = 0;
};

}  // namespace ndc::ingest
