// auth/access_generation: the store's marker of changes to who may read what (API keys and
// data-sharing agreements; migration 0013_access_generation.sql), and the rule for caching them.
//
// Every change that could narrow access — revoking a key, storing an agreement version — gives
// the marker a new random value in the change's own transaction (BumpAccessGeneration). A
// process may keep keys and agreements in memory, filled at a marker value; a request uses them
// only after reading the marker (ReadAccessGeneration) and finding that same value. The marker is
// read before the rows it guards, so what is cached under a value is never older than that value.
// Within a read pin both reads share one snapshot; without one, each statement sees a state no
// older than the statement before (one primary store), which keeps the rule true.
//
// Values are random rather than counted so that a store restored from a backup (the marker going
// "back") can never meet a cache filled before the restore: any change of value empties a cache.
// Caches also start over after kAccessCacheMaxAgeMicros whatever the marker says, which bounds
// how long a change made around this rule (an `UPDATE api_keys` typed into the database, a node
// of a version before migration 0013 during an upgrade) can go unseen.
//
// Every writer of api_keys, agreements or agreement_versions must call BumpAccessGeneration in
// its transaction. Design: docs/design/sharing.md ("Caches").
#pragma once

#include <cstdint>
#include <string>

#include "common/crypto.h"
#include "common/metrics.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::auth {

// How long an access cache may serve before it is filled again from the rows.
inline constexpr int64_t kAccessCacheMaxAgeMicros = 60'000'000;

// The marker's current value (in the executor's snapshot).
Result<int64_t> ReadAccessGeneration(store::Executor& db);
// Gives the marker a new value drawn from `random`; call inside the transaction of the change.
Status BumpAccessGeneration(store::Executor& db, RandomSource* random = SystemRandom());

// The lookups of one access cache, as the process's metric
// ndc_access_cache_lookups_total{cache="<name>", result="hit"|"miss"}: operators see how much the
// cache saves, and tests that it is used.
struct AccessCacheCounters {
  explicit AccessCacheCounters(const std::string& cache, MetricsRegistry* metrics = MetricsRegistry::Global())
      : hits(metrics->GetCounter(kName, kHelp, {{"cache", cache}, {"result", "hit"}})),
        misses(metrics->GetCounter(kName, kHelp, {{"cache", cache}, {"result", "miss"}})) {}
  static constexpr char kName[] = "ndc_access_cache_lookups_total";
  static constexpr char kHelp[] = "Lookups of the in-process API key and agreement caches, by result.";
  Counter* hits;
  Counter* misses;
};

// The bookkeeping of one in-memory cache guarded by the marker. Not thread-safe: guard it with
// the cache's own lock.
class AccessCacheState {
 public:
  // Whether entries cached now may serve a request that read `generation` at `now_micros`.
  // When not, and the cache was filled at another value or is too old, the caller must empty
  // the cache: Reset(generation, now_micros) says so by returning true.
  bool Valid(int64_t generation, int64_t now_micros) const {
    return filled_ && generation == generation_ && now_micros - filled_at_ < kAccessCacheMaxAgeMicros &&
           now_micros >= filled_at_;
  }
  // Before storing an entry read at `generation`: true if the cache must be emptied first (it was
  // filled at another value, or is too old); the state then belongs to `generation`.
  bool Reset(int64_t generation, int64_t now_micros) {
    if (Valid(generation, now_micros)) return false;
    filled_ = true;
    generation_ = generation;
    filled_at_ = now_micros;
    return true;
  }

 private:
  bool filled_ = false;
  int64_t generation_ = 0;
  int64_t filled_at_ = 0;
};

}  // namespace ndc::auth
