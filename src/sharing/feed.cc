#include "sharing/feed.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/json.h"
#include "ident/date_parse.h"
#include "store/keyset.h"

namespace ndc::sharing {
namespace {

using store::Row;
using store::Value;

constexpr std::string_view kColumns =
    "id, agency_id, agreement_id, purpose, dataset_id, events, status, created_at, created_by, start_after";

Result<Subscription> FromRow(const Row& row) {
  Subscription s;
  s.id = row.Str(0);
  s.agency_id = row.Str(1);
  s.agreement_id = row.Str(2);
  s.purpose = row.Str(3);
  s.dataset_id = row.Str(4);
  ASSIGN_OR_RETURN(nlohmann::json events, ParseJson(row.Str(5)));
  if (!events.is_array()) return DataLossError("feed subscription " + s.id + ": events is not a JSON array");
  for (const auto& e : events) {
    if (!e.is_string()) return DataLossError("feed subscription " + s.id + ": an event type is not a string");
    s.events.push_back(e.get<std::string>());
  }
  s.status = row.Str(6);
  s.created_at = row.Int(7);
  s.created_by = row.Str(8);
  s.start_after = row.Int(9);
  return s;
}

std::string Text(const std::vector<store::Value>* values, int index) {
  if (values == nullptr || index < 0 || static_cast<size_t>(index) >= values->size()) return {};
  return store::ValueText((*values)[index]);
}
// The index of the field mapped to person attribute `attribute`, or -1.
int FieldOf(const catalog::DatasetSchema& schema, std::string_view attribute) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].person == attribute) return static_cast<int>(i);
  }
  return -1;
}

bool Changed(const catalog::DatasetSchema& schema, const RecordChange& c, std::string_view attribute) {
  int f = FieldOf(schema, attribute);
  return f >= 0 && Text(c.before, f) != Text(c.after, f);
}

}  // namespace

bool IsPersonFeedEvent(std::string_view name) {
  return name == "birth" || name == "death" || name == "address_change" || name == "identity_change";
}

nlohmann::json SubscriptionToJson(const Subscription& s) {
  return {{"id", s.id},
          {"agency", s.agency_id},
          {"agreement", s.agreement_id},
          {"purpose", s.purpose},
          {"dataset", s.dataset_id},
          {"events", s.events},
          {"status", s.status},
          {"created_at", FormatRfc3339(s.created_at)},
          {"created_by", s.created_by},
          {"start_after", s.start_after}};
}

std::vector<std::string> ClassifyChange(const catalog::DatasetSchema& schema, bool authority, const RecordChange& c) {
  std::vector<std::string> out;
  if (authority && c.op == "insert" && c.after != nullptr) {
    int f = FieldOf(schema, "birth_date");
    if (auto born = ident::ParsePartialDate(Text(c.after, f)); f >= 0 && born.ok()) {
      // Days since the epoch of the birth date and of the change.
      auto days = [](const ident::Date& d) {
        return static_cast<int64_t>(
            std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(d.year), std::chrono::month(d.month),
                                                              std::chrono::day(d.day)))
                .time_since_epoch()
                .count());
      };
      int64_t at_day = c.at / (int64_t{86400} * 1000000);
      // Born within the year before the change (a day's grace after it); a partial date ("2026",
      // a foundling's) when the period it stands for reaches into that window.
      if (at_day - days(born->Latest()) <= 366 && at_day - days(born->Earliest()) >= -1) out.push_back("birth");
    }
  }
  if (authority && c.op == "update") {
    int death = FieldOf(schema, "death_date");
    if (death >= 0 && Text(c.before, death).empty() && !Text(c.after, death).empty()) out.push_back("death");
    if (Changed(schema, c, "permanent_commune") || Changed(schema, c, "current_commune")) {
      out.push_back("address_change");
    }
    if (Changed(schema, c, "personal_id") || Changed(schema, c, "full_name") || Changed(schema, c, "birth_date") ||
        Changed(schema, c, "sex")) {
      out.push_back("identity_change");
    }
  }
  out.push_back("record_change");
  return out;
}

namespace {

// OK when `agency` holds fewer than FeedStore::kMaxActivePerAgency active subscriptions.
Status CheckRoomIn(store::Executor& db, const std::string& agency) {
  const Value active_p[] = {agency, int64_t{FeedStore::kMaxActivePerAgency}};
  ASSIGN_OR_RETURN(auto active, db.Query("SELECT COUNT(*) FROM (SELECT 1 FROM feed_subscriptions WHERE agency_id = "
                                         "$1 AND status = 'active' LIMIT $2) a",
                                         active_p));
  if (!active.rows.empty() && active.rows[0].Int(0) >= FeedStore::kMaxActivePerAgency) {
    return FailedPreconditionError(fmt::format("agency '{}' already holds {} active feed subscriptions, the most "
                                               "one agency may: cancel one it no longer pulls "
                                               "(POST /v1/feeds/{{id}}/cancel)",
                                               agency, FeedStore::kMaxActivePerAgency));
  }
  return OkStatus();
}

}  // namespace

Status FeedStore::CheckRoom(const std::string& agency) { return CheckRoomIn(*db_, agency); }

Result<Subscription> FeedStore::Create(Subscription draft) {
  if (draft.events.empty()) return InvalidArgumentError("feed.events: name at least one event type");
  std::sort(draft.events.begin(), draft.events.end());
  draft.events.erase(std::unique(draft.events.begin(), draft.events.end()), draft.events.end());
  // The count and the insert take turns with the agency's other subscriptions: subscriptions
  // sent at once cannot pass the bound.
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  RETURN_IF_ERROR(store::SerializeOn(*tx, "feeds.active:" + draft.agency_id));
  RETURN_IF_ERROR(CheckRoomIn(*tx, draft.agency_id));
  std::string hex;
  for (uint8_t b : random_->Bytes(8)) hex += fmt::format("{:02x}", b);
  draft.id = "feed_" + hex;
  draft.status = "active";
  draft.created_at = clock_->NowMicros();
  const Value row[] = {draft.id,         draft.agency_id,  draft.agreement_id,      draft.purpose,
                       draft.dataset_id, DumpJson(draft.events), draft.status, draft.created_at,
                       draft.created_by, draft.start_after};
  RETURN_IF_ERROR(tx->Exec(fmt::format("INSERT INTO feed_subscriptions ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                                       "$8, $9, $10)",
                                       kColumns),
                           row)
                      .status());
  RETURN_IF_ERROR(tx->Commit());
  return draft;
}

Result<Subscription> FeedStore::Get(const std::string& agency, const std::string& id) {
  const Value p[] = {id, agency};
  ASSIGN_OR_RETURN(auto rs, db_->Query(fmt::format("SELECT {} FROM feed_subscriptions WHERE id = $1 AND agency_id "
                                                   "= $2",
                                                   kColumns),
                                       p));
  if (rs.rows.empty()) return NotFoundError(fmt::format("no feed subscription '{}' of agency '{}'", id, agency));
  return FromRow(rs.rows[0]);
}

Result<std::vector<Subscription>> SubscriptionsOfAgency(store::Executor& db, const std::string& agency,
                                                       const std::string& after_id, int limit) {
  // Keyset on (agency_id, created_at, id) (migration 0015).
  Result<store::ResultSet> rs = store::QueryKeysetPage(
      db,
      {.select = fmt::format("SELECT {} FROM feed_subscriptions WHERE agency_id = $1", kColumns),
       .params = {agency},
       .table = "feed_subscriptions",
       .order_column = "created_at",
       .owner_column = "agency_id",
       .owner = agency,
       .unknown_cursor = fmt::format("query.after: agency '{}' has no feed subscription '{}' (use the previous "
                                     "page's next_after)",
                                     agency, after_id)},
      after_id, limit);
  if (!rs.ok()) return rs.status();
  std::vector<Subscription> out;
  for (const Row& row : rs->rows) {
    ASSIGN_OR_RETURN(Subscription s, FromRow(row));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<Subscription>> FeedStore::List(const std::string& agency, const std::string& after_id,
                                                  int limit) {
  return SubscriptionsOfAgency(*db_, agency, after_id, limit);
}

Result<Subscription> FeedStore::Cancel(const std::string& agency, const std::string& id) {
  ASSIGN_OR_RETURN(Subscription s, Get(agency, id));
  if (s.status == "cancelled") return FailedPreconditionError(fmt::format("feed '{}' is already cancelled", id));
  const Value p[] = {id};
  RETURN_IF_ERROR(db_->Exec("UPDATE feed_subscriptions SET status = 'cancelled' WHERE id = $1", p).status());
  s.status = "cancelled";
  return s;
}

const policy::Agreement* VersionInForceAt(const std::vector<StoredAgreement>& versions, int64_t at) {
  const policy::Agreement* in_force = nullptr;
  for (const StoredAgreement& v : versions) {
    if (v.created_at > at) break;
    in_force = &v.agreement;
  }
  return in_force;
}

}  // namespace ndc::sharing
