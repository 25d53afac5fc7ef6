// person/person_finder: "who is this?" — finds the person that claimed attributes describe, for
// the find endpoint (POST /v1/find). A personal ID with consistent birth date and sex decides
// deterministically; otherwise the probabilistic engine scores the claim against every person's
// golden record (the same link::Index the hub links with, rebuilt when older than the refresh
// interval) and answers with a person only when the best candidate is a confident match and no
// other candidate reaches the review threshold. Design: docs/design/sharing.md ("Find").
//
// Thread-safe: concurrent Find calls share one index. Only the first index is built in a Find
// call (the others wait for it); once one exists, a Find that finds it older than the refresh
// interval starts the next build on a background thread and answers from the current one — at
// national scale a build takes minutes, and no request may wait for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "link/settings.h"
#include "person/attributes.h"
#include "person/person_index.h"
#include "store/store.h"

namespace ndc::person {

struct FindResult {
  // "match" (person_key set), "ambiguous" (several candidates could be the person: nothing is
  // disclosed) or "none".
  std::string outcome = "none";
  std::optional<std::string> person_key;
  double probability = 0;   // of the best candidate (0 when none)
  bool deterministic = false;
};

class PersonFinder {
 public:
  // Not owned; must outlive the finder. `refresh_micros`: how old the index may get.
  PersonFinder(store::Database* db, Clock* clock, link::Settings settings = link::DefaultPersonSettings(),
               int64_t refresh_micros = int64_t{60} * 1000000)
      : db_(db), clock_(clock), settings_(std::move(settings)), refresh_micros_(refresh_micros) {}

  // `claimed`: person attributes (personal_id, full_name, birth_date as stored (ISO, of its precision: 1990-02-01 or 1990), sex male/female,
  // permanent_commune, ...). kInvalidArgument when none is given; kFailedPrecondition when
  // probabilistic finding is needed but no linkage model is stored yet (run `ndc link run`).
  Result<FindResult> Find(const Attributes& claimed);

  // Waits for the background refresh in progress, if any (tests). The destructor instead stops
  // it at its next page of persons and waits only for that.
  void WaitForRefresh();
  // How many indexes have been built (the first included).
  int64_t builds() const;
  ~PersonFinder();

 private:
  struct Built {
    std::unique_ptr<PersonIndex> index;
    int64_t at = 0;
  };
  Result<std::shared_ptr<const Built>> Index();
  // Builds an index from the store as it is now and makes it current; build_mu_ must be held.
  Result<std::shared_ptr<const Built>> BuildLocked();

  store::Database* db_;
  Clock* clock_;
  link::Settings settings_;
  int64_t refresh_micros_;
  std::mutex build_mu_;     // one build at a time
  mutable std::mutex mu_;   // guards the members below
  std::shared_ptr<const Built> current_;
  bool refreshing_ = false;  // a background build is running
  int64_t builds_ = 0;
  std::thread refresher_;
  std::atomic<bool> stopping_{false};  // set by the destructor: a background build gives up
};

}  // namespace ndc::person
