#include "person/person_finder.h"

#include <fmt/format.h>

#include <system_error>

#include "common/log.h"
#include "common/thread_name.h"
#include "link/model.h"
#include "person/person_store.h"

namespace ndc::person {
namespace {

using store::Value;

// The stored model of any dataset (they are trained against the same persons); nullopt if none.
Result<std::optional<link::Model>> StoredModel(store::Executor& db, const link::Settings& settings) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT name FROM person_settings WHERE name LIKE 'model:%' ORDER BY name"));
  for (const store::Row& row : rs.rows) {
    ASSIGN_OR_RETURN(std::optional<std::string> text, GetPersonSetting(db, row.Str(0)));
    if (!text) continue;
    Result<link::Model> m = link::ModelFromJson(*text);
    if (m.ok() && link::CheckModel(settings, *m).ok()) return std::optional<link::Model>(*std::move(m));
  }
  return std::optional<link::Model>();
}

// The active person whose golden personal ID is `id` and whose golden birth date and sex agree
// with the claim where it states them.
Result<std::optional<std::string>> ByPersonalId(store::Executor& db, const Attributes& claimed) {
  auto id = claimed.find("personal_id");
  if (id == claimed.end()) return std::optional<std::string>();
  const Value p[] = {id->second};
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query("SELECT g.person_key FROM person_golden g JOIN persons p ON "
                                                 "p.person_key = g.person_key WHERE g.attribute = 'personal_id' AND "
                                                 "g.value = $1 AND p.status = 'active'",
                                                 p));
  if (rs.rows.size() != 1) return std::optional<std::string>();
  std::string key = rs.rows[0].Str(0);
  for (const char* attribute : {"birth_date", "sex"}) {
    auto want = claimed.find(attribute);
    if (want == claimed.end()) continue;
    const Value q[] = {key, std::string(attribute)};
    ASSIGN_OR_RETURN(store::ResultSet v,
                     db.Query("SELECT value FROM person_golden WHERE person_key = $1 AND attribute = $2", q));
    if (v.rows.empty()) return std::optional<std::string>();
    if (!ValuesAgree(attribute, v.rows[0].Str(0), want->second)) return std::optional<std::string>();
  }
  return std::optional<std::string>(key);
}

}  // namespace

PersonFinder::~PersonFinder() {
  stopping_ = true;  // a build in the background stops at its next page: shutdown does not wait minutes
  WaitForRefresh();
}

void PersonFinder::WaitForRefresh() {
  std::thread done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done = std::move(refresher_);
  }
  if (done.joinable()) done.join();
}

int64_t PersonFinder::builds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return builds_;
}

Result<std::shared_ptr<const PersonFinder::Built>> PersonFinder::BuildLocked() {
  ASSIGN_OR_RETURN(std::optional<link::Model> model, StoredModel(*db_, settings_));
  if (!model) {
    return FailedPreconditionError("no linkage model is stored yet, so persons can be found only by personal ID: "
                                   "run `ndc link run` on the hub first");
  }
  ASSIGN_OR_RETURN(link::RecordTable persons, LoadPersonTable(*db_, settings_, {}, &stopping_));
  auto built = std::make_shared<Built>();
  ASSIGN_OR_RETURN(built->index, PersonIndex::Build(settings_, *model, std::move(persons)));
  built->at = clock_->MonotonicMicros();
  std::lock_guard<std::mutex> lock(mu_);
  current_ = built;
  ++builds_;
  return std::shared_ptr<const Built>(built);
}

Result<std::shared_ptr<const PersonFinder::Built>> PersonFinder::Index() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_) {
      if (!refreshing_ && clock_->MonotonicMicros() - current_->at >= refresh_micros_) {
        if (refresher_.joinable()) refresher_.join();  // the previous refresh, finished
        refreshing_ = true;
        try {
          refresher_ = std::thread([this] {
            SetThreadName("ndc-find-index");
            Status built;
            {
              std::lock_guard<std::mutex> build(build_mu_);
              built = BuildLocked().status();
            }
            // A failed refresh keeps the current index; the next stale Find tries again.
            if (!built.ok() && built.code() != StatusCode::kCancelled) {
              log::Warn("find.index_refresh_failed", {{"error", built.ToString()}});
            }
            std::lock_guard<std::mutex> done(mu_);
            refreshing_ = false;
          });
        } catch (const std::system_error& e) {  // no thread: answer from the current index, try later
          refreshing_ = false;
          log::Warn("find.index_refresh_not_started", {{"error", e.what()}});
        }
      }
      return current_;
    }
  }
  // No index yet: this call builds it, or waits for the call building it.
  std::lock_guard<std::mutex> build(build_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_) return current_;
  }
  return BuildLocked();
}

Result<FindResult> PersonFinder::Find(const Attributes& claimed) {
  if (claimed.empty()) return InvalidArgumentError("attributes: state at least one attribute of the person");
  FindResult out;
  ASSIGN_OR_RETURN(std::optional<std::string> by_id, ByPersonalId(*db_, claimed));
  if (by_id) {
    out.outcome = "match";
    out.person_key = std::move(by_id);
    out.probability = 1.0;
    out.deterministic = true;
    return out;
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const Built> built, Index());
  link::RecordTable probe = built->index->MakeProbe({&claimed});
  std::vector<PersonCandidate> candidates = built->index->Query(probe, 0, 2);
  if (candidates.empty()) return out;
  out.probability = candidates[0].probability;
  if (candidates.size() > 1) {
    out.outcome = "ambiguous";
  } else if (candidates[0].probability >= settings_.thresholds.match) {
    ASSIGN_OR_RETURN(std::optional<std::string> key, ResolvePerson(*db_, candidates[0].person_key));
    if (!key) return out;
    out.outcome = "match";
    out.person_key = std::move(key);
  } else {
    out.outcome = "uncertain";
  }
  return out;
}

}  // namespace ndc::person
