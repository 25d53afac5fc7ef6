#include "person/record_linker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "person/review_store.h"

namespace ndc::person {
namespace {

const std::string* Attr(const Attributes& a, const char* name) {
  auto it = a.find(name);
  return it == a.end() ? nullptr : &it->second;
}

// Equal or missing on one side.
bool Consistent(const Attributes& a, const std::vector<GoldenValue>& golden, const char* attribute) {
  const std::string* v = Attr(a, attribute);
  if (v == nullptr) return true;
  for (const auto& g : golden) {
    // A partial birth date ("1987") agrees with the full one it may stand for; a sex however the
    // source spells it ("Nam", "1", "M" are "male").
    if (g.attribute == attribute) return ValuesAgree(attribute, g.value, *v);
  }
  return true;
}

}  // namespace

Status RecordLinker::Link(const std::string& dataset_id, const RecordState& record, uint32_t probe_row) {
  RETURN_IF_ERROR(SupersedeReviews(*tx_, dataset_id, record.key, ctx_->now).status());
  if (record.deleted) {
    ASSIGN_OR_RETURN(std::optional<person::Link> link, GetLink(*tx_, dataset_id, record.key));
    if (!link) return OkStatus();
    ++counts_->unlinked;
    return ops_->Detach(dataset_id, record.key, "the record was deleted at the source");
  }
  if (record.attributes.empty()) {
    // Every person field of the record is empty: nothing to link it by, and a person founded for
    // it would be an empty one. It stays (or becomes) unlinked until it names someone — unless an
    // operator decided whose it is, which holds as it does for any record.
    std::set<std::string> rejected;
    ASSIGN_OR_RETURN(bool decided, AttachByDecision(dataset_id, record, &rejected));
    if (decided) return OkStatus();
    ASSIGN_OR_RETURN(std::optional<person::Link> link, GetLink(*tx_, dataset_id, record.key));
    if (!link) return OkStatus();
    ++counts_->unlinked;
    return ops_->Detach(dataset_id, record.key, "the record no longer holds any person attribute");
  }
  if (dataset_id == ctx_->authority && record.attributes.contains("personal_id")) {
    return LinkAuthority(dataset_id, record, probe_row);
  }
  return LinkOther(dataset_id, record, probe_row);
}

Status RecordLinker::ReadDecisions(const std::string& dataset_id, const std::string& record_key,
                                   std::set<std::string>* rejected, std::optional<std::string>* matched) {
  ASSIGN_OR_RETURN(std::vector<Decision> decisions, DecisionsFor(*tx_, dataset_id, record_key));
  // Newest first, and only the newest decision about a person counts, the person as it resolves
  // now: decisions about two persons since merged are decisions about one. A match made before a
  // split must not pull the record back into the person it was split from (review of 2026-12-01:
  // (R, S) matched, S merged into P, then (R, P) declared a non-match — the old match, resolving
  // to P, used to attach R to P again on its next change).
  std::set<std::string> decided;
  for (const auto& d : decisions) {
    ASSIGN_OR_RETURN(std::optional<std::string> p, ResolvePerson(*tx_, d.person_key));
    if (!p || !decided.insert(*p).second) continue;
    if (d.decision == "non_match") {
      rejected->insert(*p);
    } else if (!matched->has_value()) {
      *matched = *p;
    }
  }
  return OkStatus();
}

Result<bool> RecordLinker::RejectedBetween(const std::string& surrogate, const std::string& person) {
  return NonMatchEitherWay(*tx_, surrogate, person);
}

Result<std::optional<std::string>> RecordLinker::Deterministic(const RecordState& record, const std::string& attribute,
                                                               const std::set<std::string>& rejected,
                                                               bool surrogates_only, const std::string& except) {
  const std::string* value = Attr(record.attributes, attribute.c_str());
  if (value == nullptr) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::vector<std::string> persons, PersonsWithGolden(*tx_, attribute, *value));
  for (const auto& p : persons) {
    if (p == except || rejected.contains(p)) continue;
    if (surrogates_only && p[0] != 'S') continue;
    ASSIGN_OR_RETURN(std::vector<GoldenValue> golden, GetGolden(*tx_, p));
    if (Consistent(record.attributes, golden, "birth_date") && Consistent(record.attributes, golden, "sex")) {
      return std::optional<std::string>(p);
    }
  }
  return std::optional<std::string>();
}

Result<std::optional<std::string>> RecordLinker::ByOldIdNumber(const RecordState& record,
                                                               const std::set<std::string>& rejected) {
  const std::string* value = Attr(record.attributes, "old_id_number");
  // Old numbers were issued per province and are not unique nationwide (they were reissued and
  // mistyped): without a birth date to corroborate it, a CMND is a probabilistic clue, not a key.
  const std::string* born = Attr(record.attributes, "birth_date");
  const std::string* year = Attr(record.attributes, "birth_year");
  if (value == nullptr || (born == nullptr && year == nullptr)) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::vector<std::string> persons, PersonsWithGolden(*tx_, "old_id_number", *value));
  std::optional<std::string> found;
  for (const auto& p : persons) {
    if (rejected.contains(p)) continue;
    ASSIGN_OR_RETURN(std::vector<GoldenValue> golden, GetGolden(*tx_, p));
    const std::string* golden_born = nullptr;
    const std::string* golden_year = nullptr;
    for (const auto& g : golden) {
      if (g.attribute == "birth_date") golden_born = &g.value;
      if (g.attribute == "birth_year") golden_year = &g.value;
    }
    bool corroborated = false;
    if (born != nullptr && golden_born != nullptr) {
      corroborated = DatesAgree(*born, *golden_born);
    } else {
      const std::string* mine = year != nullptr ? year : born;
      const std::string* theirs = golden_year != nullptr ? golden_year : golden_born;
      corroborated = mine != nullptr && theirs != nullptr && mine->size() >= 4 && theirs->size() >= 4 &&
                     mine->compare(0, 4, *theirs, 0, 4) == 0;
    }
    if (!corroborated || !Consistent(record.attributes, golden, "sex")) continue;
    if (found) return std::optional<std::string>();  // two persons hold it: ambiguous
    found = p;
  }
  return found;
}

std::vector<PersonCandidate> RecordLinker::Candidates(uint32_t probe_row) const {
  // A few more than kept: the engine ranks its deterministic candidates first, and holders of a
  // shared CMND demoted below could otherwise fill every place.
  std::vector<PersonCandidate> candidates = index_->Query(*probe_, probe_row, max_candidates_ + 8);
  for (PersonCandidate& c : candidates) {
    if (!c.by_old_id_number) continue;
    c.deterministic = false;
    c.probability = 1.0 / (1.0 + std::exp2(-c.weight));
  }
  std::erase_if(candidates,
                [&](const PersonCandidate& c) { return !c.deterministic && c.probability < thresholds_.review; });
  std::stable_sort(candidates.begin(), candidates.end(), [](const PersonCandidate& x, const PersonCandidate& y) {
    return x.deterministic != y.deterministic ? x.deterministic : x.weight > y.weight;
  });
  if (candidates.size() > max_candidates_) candidates.resize(max_candidates_);
  return candidates;
}

Status RecordLinker::LinkAuthority(const std::string& dataset_id, const RecordState& record, uint32_t probe_row) {
  const std::string& pid = record.attributes.at("personal_id");
  std::set<std::string> rejected;
  std::optional<std::string> matched;
  RETURN_IF_ERROR(ReadDecisions(dataset_id, record.key, &rejected, &matched));
  RETURN_IF_ERROR(ops_->EnsureRegistryPerson(pid).status());
  RETURN_IF_ERROR(ops_->Attach(dataset_id, record, pid, "authority", std::nullopt));
  ++counts_->authority;
  // Surrogates that are this person: same personal ID (consistent birth date and sex) ...
  while (true) {
    ASSIGN_OR_RETURN(std::optional<std::string> s, Deterministic(record, "personal_id", rejected, true, pid));
    if (!s) break;
    ASSIGN_OR_RETURN(bool refused, RejectedBetween(*s, pid));
    if (refused) {
      rejected.insert(*s);
      continue;
    }
    RETURN_IF_ERROR(ops_->Merge(*s, pid, "same personal ID"));
    ++counts_->merged;
  }
  // ... or scored above the match threshold; between the thresholds an operator decides.
  if (index_ != nullptr) {
    // Not on the engine's CMND rule alone (Candidates): a registry record merges a surrogate by
    // its personal ID (above) or its score.
    for (const auto& c : Candidates(probe_row)) {
      ASSIGN_OR_RETURN(std::optional<Person> p, GetPerson(*tx_, c.person_key));
      if (!p || p->status != "active" || p->kind != "surrogate" || rejected.contains(p->key)) continue;
      ASSIGN_OR_RETURN(bool refused, RejectedBetween(p->key, pid));
      if (refused) continue;
      if (c.deterministic || c.probability >= thresholds_.match) {
        RETURN_IF_ERROR(ops_->Merge(p->key, pid, fmt::format("match weight {:.2f}", c.weight)));
        ++counts_->merged;
      } else {
        RETURN_IF_ERROR(QueueReview(*tx_, ReviewItem{0, dataset_id, record.key, p->key, c.weight, c.probability},
                                    ctx_->now)
                            .status());
        ++counts_->queued;
      }
    }
  }
  return OkStatus();
}

Status RecordLinker::MoveTo(const std::string& dataset_id, const RecordState& record, const std::string& person,
                            const std::string& method, std::optional<double> weight) {
  ASSIGN_OR_RETURN(std::optional<person::Link> current, GetLink(*tx_, dataset_id, record.key));
  if (current && current->person_key != person && current->person_key[0] == 'S') {
    // A surrogate this record alone makes up was the record's person all along: it joins the
    // record's new person, with what refers to it (consents, corrections, a citizen's key), and
    // the record goes with it — merged first, so that a split of the record later gives it back
    // to that surrogate (CameWith). Left active and empty, a citizen bound to it saw nothing
    // (review of 2026-12-03).
    ASSIGN_OR_RETURN(std::vector<person::Link> links, LinksOf(*tx_, current->person_key));
    ASSIGN_OR_RETURN(std::optional<Person> was, GetPerson(*tx_, current->person_key));
    if (links.size() == 1 && was && was->status == "active") {
      ASSIGN_OR_RETURN(bool refused, RejectedBetween(current->person_key, person));
      if (!refused) {
        RETURN_IF_ERROR(ops_->Merge(current->person_key, person,
                                    fmt::format("its only record ({} {}) belongs to {}", dataset_id, record.key,
                                                person)));
        ++counts_->merged;
      }
    }
  }
  return ops_->Attach(dataset_id, record, person, method, weight);
}

Result<bool> RecordLinker::AttachByDecision(const std::string& dataset_id, const RecordState& record,
                                            std::set<std::string>* rejected) {
  std::optional<std::string> matched;
  RETURN_IF_ERROR(ReadDecisions(dataset_id, record.key, rejected, &matched));
  if (!matched) return false;
  ++counts_->by_decision;
  RETURN_IF_ERROR(MoveTo(dataset_id, record, *matched, "review", std::nullopt));
  return true;
}

Status RecordLinker::LinkOther(const std::string& dataset_id, const RecordState& record, uint32_t probe_row) {
  std::set<std::string> rejected;
  ASSIGN_OR_RETURN(bool decided, AttachByDecision(dataset_id, record, &rejected));
  if (decided) return OkStatus();
  ASSIGN_OR_RETURN(std::optional<std::string> by_id, Deterministic(record, "personal_id", rejected, false, ""));
  if (by_id) {
    ++counts_->by_id;
    return MoveTo(dataset_id, record, *by_id, "id", std::nullopt);
  }
  ASSIGN_OR_RETURN(std::optional<std::string> by_old, ByOldIdNumber(record, rejected));
  if (by_old) {
    ++counts_->by_rule;
    return MoveTo(dataset_id, record, *by_old, "rule", std::nullopt);
  }
  ASSIGN_OR_RETURN(std::optional<person::Link> current, GetLink(*tx_, dataset_id, record.key));
  if (index_ != nullptr) {
    // The engine's own rule on the old ID number does not decide (Candidates): ByOldIdNumber
    // (above) did, and it refused (no agreeing birth date, or more than one holder).
    for (const auto& c : Candidates(probe_row)) {
      ASSIGN_OR_RETURN(std::optional<std::string> p, ResolvePerson(*tx_, c.person_key));
      if (!p || rejected.contains(*p)) continue;
      if (c.deterministic || c.probability >= thresholds_.match) {
        ++counts_->probabilistic;
        return MoveTo(dataset_id, record, *p, "probabilistic", c.weight);
      }
      if (current && current->person_key == *p) {
        if (p->front() == 'S') {
          ASSIGN_OR_RETURN(std::vector<person::Link> links, LinksOf(*tx_, *p));
          if (links.size() == 1) break;  // the surrogate it alone makes up: keep it (below)
        }
        // Its person is still the best candidate, now only between the thresholds: it stays
        // linked (a changed record founding a surrogate of its own would take it, and the records
        // that later match it, away from its person unseen) and an operator confirms or splits.
        ++counts_->queued;
        RETURN_IF_ERROR(ops_->Attach(dataset_id, record, *p, current->method, current->weight));
        return QueueReview(*tx_, ReviewItem{0, dataset_id, record.key, *p, c.weight, c.probability}, ctx_->now)
            .status();
      }
      // Between the thresholds: the record waits, unlinked, for an operator.
      ++counts_->queued;
      RETURN_IF_ERROR(ops_->Detach(dataset_id, record.key, "waiting for review"));
      return QueueReview(*tx_, ReviewItem{0, dataset_id, record.key, *p, c.weight, c.probability}, ctx_->now)
          .status();
    }
  }
  // Nothing matched: keep a surrogate the record alone makes up, else found a new one.
  if (current && current->person_key[0] == 'S') {
    ASSIGN_OR_RETURN(std::vector<person::Link> links, LinksOf(*tx_, current->person_key));
    if (links.size() == 1) return ops_->Attach(dataset_id, record, current->person_key, current->method, std::nullopt);
  }
  return NewPerson(dataset_id, record);
}

Status RecordLinker::NewPerson(const std::string& dataset_id, const RecordState& record) {
  ASSIGN_OR_RETURN(std::string key, ops_->NewSurrogate(fmt::format("no person matched a record of {}", dataset_id)));
  RETURN_IF_ERROR(ops_->Attach(dataset_id, record, key, "new", std::nullopt));
  ++counts_->new_persons;
  if (index_ != nullptr) index_->AddPerson(key, record.attributes);
  return OkStatus();
}

}  // namespace ndc::person
