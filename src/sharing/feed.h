// sharing/feed: change feeds for agencies. A subscription names the agreement and purpose it is
// read under, the event types and the dataset followed; the store keeps subscriptions
// (migration 0008_feeds.sql), and ClassifyChange turns one change of a record into the feed
// event types it is. Events are never copied: a pull reads the dataset's change events after the
// cursor and classifies them. Design: docs/design/sharing.md ("Feeds").
//
// Errors: kInvalidArgument (unknown event type, empty list, a person event on a dataset other
// than the authoritative one); kNotFound (unknown id, or another agency's subscription: its
// existence is not disclosed); kFailedPrecondition (cancelling a cancelled subscription).
// Thread-safe (the store is); ClassifyChange is pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/schema.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "policy/agreement.h"
#include "sharing/agreement_json.h"
#include "store/store.h"

namespace ndc::sharing {

struct Subscription {
  std::string id;  // "feed_" + 16 hex digits
  std::string agency_id;
  std::string agreement_id;
  std::string purpose;
  std::string dataset_id;
  std::vector<std::string> events;  // sorted, unique
  std::string status = "active";    // active | cancelled
  int64_t created_at = 0;
  std::string created_by;
  // The dataset's last change-event number when subscribed (the caller sets it): the feed holds
  // the changes after it, never earlier ones (a pull's cursor is raised to it).
  int64_t start_after = 0;
};

nlohmann::json SubscriptionToJson(const Subscription& s);

// One change of a record: the version before (null for an insert) and after (null for a delete).
struct RecordChange {
  std::string op;  // insert | update | delete
  const std::vector<store::Value>* before = nullptr;
  const std::vector<store::Value>* after = nullptr;
  int64_t at = 0;  // when it was applied (µs UTC)
};

// The feed event types a change is, in a fixed order: always "record_change"; and for the
// authoritative dataset (`authority`), judged on the fields mapped to person attributes:
// "birth" (an insert whose birth date is within the year before the change — a registered
// birth, not the first load of an adult), "death" (the death date set where it was empty),
// "address_change" (permanent or current commune changed), "identity_change" (personal ID, full
// name, birth date or sex changed).
std::vector<std::string> ClassifyChange(const catalog::DatasetSchema& schema, bool authority, const RecordChange& c);

// The version of an agreement that was in force at `at` (µs UTC): the last of `versions` (in
// version order, as AgreementStore::Versions gives them) made at or before `at`; null when none
// was (the agreement did not exist yet). A pull delivers an event only if this version, decided
// at the event's time, allowed its type — a suspension or a lapse is not delivered after it ends
// — and with only the fields both it and the agreement now grant.
const policy::Agreement* VersionInForceAt(const std::vector<StoredAgreement>& versions, int64_t at);

class FeedStore {
 public:
  FeedStore(store::Database* db, Clock* clock, RandomSource* random) : db_(db), clock_(clock), random_(random) {}

  // Active subscriptions one agency may hold (Create refuses more with kFailedPrecondition).
  static constexpr int kMaxActivePerAgency = 100;
  // OK when `agency` holds fewer than kMaxActivePerAgency active subscriptions, else
  // kFailedPrecondition saying what to do (asked before the decisions a subscription needs).
  Status CheckRoom(const std::string& agency);
  // Stores an active subscription (id, created_at and status assigned). It checks the room again
  // in its transaction, taking turns with the agency's other creates (store::SerializeOn), so
  // subscriptions sent at once cannot pass the bound. The caller has checked the agreement
  // allows every event type.
  Result<Subscription> Create(Subscription draft);
  // The subscription if it is `agency`'s.
  Result<Subscription> Get(const std::string& agency, const std::string& id);
  // `agency`'s subscriptions (cancelled ones too) in creation order, a page at a time: those
  // after `after_id`'s (empty: from the first), at most `limit`. kInvalidArgument when `after_id`
  // names none of the agency's.
  Result<std::vector<Subscription>> List(const std::string& agency, const std::string& after_id, int limit);
  Result<Subscription> Cancel(const std::string& agency, const std::string& id);

 private:
  store::Database* db_;
  Clock* clock_;
  RandomSource* random_;
};

// Event type names a subscription may list (the agreement's "feeds" vocabulary).
bool IsPersonFeedEvent(std::string_view name);  // birth, death, address_change, identity_change

// The read behind FeedStore::List, on any executor: the SQLite plan tests run it on a recording
// one.
Result<std::vector<Subscription>> SubscriptionsOfAgency(store::Executor& db, const std::string& agency,
                                                       const std::string& after_id, int limit);

}  // namespace ndc::sharing
