// ConnectorStore: the `connectors` table (migration 0004_connectors.sql) — configuration rows,
// each run's outcome, and the claim that keeps two runs of one connector (on one node or on
// several sharing a PostgreSQL hub) from overlapping. Only SQL; no checks of the source.
// Design: docs/design/connector.md ("Claims").
//
// A claim is a lease: a conditional UPDATE sets running_until = now + lease and running_by =
// the run's token only if no unexpired lease is held, so exactly one of several concurrent
// claimers wins (on both backends: it is one atomic statement). The winner may renew it while
// it runs and clears it in Finish(); a run that crashed is taken over once its lease expires.
//
// Errors: kNotFound (unknown connector), kAlreadyExists (Insert of an existing name),
// kInvalidArgument (a corrupt `columns` value), store errors as mapped. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "connector/connector.h"
#include "store/store.h"

namespace ndc::connector {

class ConnectorStore {
 public:
  // Not owned; both must outlive the store.
  ConnectorStore(store::Database* db, Clock* clock) : db_(db), clock_(clock) {}

  // Stores a new connector (state empty; created_at = updated_at = now).
  Status Insert(const Connector& c);
  Result<Connector> Get(const std::string& name);
  Result<std::vector<Connector>> List();  // by name
  // kFailedPrecondition while a run holds an unexpired lease.
  Status Remove(const std::string& name);
  Status SetEnabled(const std::string& name, bool enabled);

  // Claims for a scheduled run: succeeds (true) only if the connector is enabled, scheduled
  // (every_seconds > 0), due (never run, or last_run_at + every_seconds <= now) and not held;
  // then sets last_run_at = now, so the schedule counts from this run's start.
  Result<bool> ClaimDue(const std::string& name, const std::string& token, int64_t lease_micros);
  // Claims for an on-demand run: only "not held" is required. Also sets last_run_at = now.
  Result<bool> Claim(const std::string& name, const std::string& token, int64_t lease_micros);
  // Extends the lease of the run holding `token`; false if it no longer holds the claim.
  Result<bool> Renew(const std::string& name, const std::string& token, int64_t lease_micros);

  struct Finished {
    std::string status;                         // RunStatusName
    std::optional<std::string> new_watermark;   // nullopt: keep the stored one
    std::optional<int64_t> batch_id;            // nullopt: keep the stored one
    std::string error;                          // "" clears last_error
  };
  // Records a run's outcome and releases the claim, only if `token` still holds it (false if
  // another run took it over after the lease expired: then nothing is written, so a late run
  // never moves the watermark back).
  Result<bool> Finish(const std::string& name, const std::string& token, const Finished& f);

 private:
  store::Database* db_;
  Clock* clock_;
};

}  // namespace ndc::connector
