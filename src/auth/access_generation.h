// auth/access_generation: the store's counter of changes to who may read what (API keys and
// data-sharing agreements; migration 0013_access_generation.sql), and the rule for caching them.
//
// Every change that could narrow access — revoking a key, storing an agreement version —
// increments the counter in the change's own transaction (BumpAccessGeneration). A process may
// keep keys and agreements in memory, filled at a counter value; a request uses them only after
// reading the counter (ReadAccessGeneration, in the request's snapshot) and finding that value.
// The counter is read before the rows it guards, so whatever is cached at a value is at least as
// new as that value. A change therefore takes effect on the next request on every node sharing
// the store, and a hit costs one single-row read. Design: docs/design/sharing.md ("Caches").
#pragma once

#include <cstdint>

#include "common/result.h"
#include "store/store.h"

namespace ndc::auth {

// The counter's current value (in the executor's snapshot).
Result<int64_t> ReadAccessGeneration(store::Executor& db);
// Increments the counter; call inside the transaction that makes the change.
Status BumpAccessGeneration(store::Executor& db);

}  // namespace ndc::auth
