#include "person/person_ops.h"

#include <algorithm>

#include <array>

#include <fmt/format.h>

#include "person/discrepancy.h"
#include "person/discrepancy_store.h"
#include "person/golden.h"
#include "person/review_store.h"

namespace ndc::person {

Status PersonOps::Event(const std::string& person, const std::string& kind, const std::optional<std::string>& other,
                        const std::optional<std::string>& dataset, const std::optional<std::string>& record,
                        const std::string& detail) {
  return AppendEvent(*tx_, PersonEvent{0, person, kind, other, dataset, record, detail, ctx_->now});
}

Result<std::string> PersonOps::NewSurrogate(const std::string& detail) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::string key = fmt::format("S{:016x}", ctx_->random->Uint64());
    ASSIGN_OR_RETURN(bool created, CreatePerson(*tx_, key, "surrogate", ctx_->now));
    if (!created) continue;  // 2^-64 per existing surrogate; draw again
    RETURN_IF_ERROR(Event(key, "created", std::nullopt, std::nullopt, std::nullopt, detail));
    created_.push_back(key);
    return key;
  }
  return InternalError("persons: four random surrogate keys in a row already existed; is the random source broken?");
}

Result<bool> PersonOps::EnsureRegistryPerson(const std::string& personal_id) {
  ASSIGN_OR_RETURN(bool created, CreatePerson(*tx_, personal_id, "registry", ctx_->now));
  if (created) {
    RETURN_IF_ERROR(Event(personal_id, "created", std::nullopt, std::nullopt, std::nullopt,
                          fmt::format("known to the authoritative dataset {}", ctx_->authority)));
    created_.push_back(personal_id);
  }
  return created;
}

Status PersonOps::Attach(const std::string& dataset_id, const RecordState& record, const std::string& person_key,
                         const std::string& method, std::optional<double> weight) {
  ASSIGN_OR_RETURN(std::optional<Link> old, GetLink(*tx_, dataset_id, record.key));
  // Active, or a merge that committed since the caller resolved the person would leave this link
  // on an absorbed person, where no view of a person finds it (kAborted: the caller retries).
  RETURN_IF_ERROR(LockActivePerson(*tx_, person_key, ctx_->now));
  RETURN_IF_ERROR(PutLink(*tx_, Link{dataset_id, record.key, person_key, method, weight, record.attributes,
                                     record.updated_at, ctx_->now}));
  RETURN_IF_ERROR(SetRecordPerson(*tx_, dataset_id, record.key, person_key));
  const bool moved = old && old->person_key != person_key;
  if (!old || moved) {
    std::string how = weight ? fmt::format("{} (weight {:.2f})", method, *weight) : method;
    RETURN_IF_ERROR(Event(person_key, "linked", moved ? std::optional(old->person_key) : std::nullopt, dataset_id,
                          record.key, how));
  }
  if (moved) {
    RETURN_IF_ERROR(LockPerson(*tx_, old->person_key, ctx_->now));
    RETURN_IF_ERROR(Event(old->person_key, "unlinked", person_key, dataset_id, record.key, "moved"));
    RETURN_IF_ERROR(Refresh(old->person_key));
  }
  return Refresh(person_key);
}

Status PersonOps::Detach(const std::string& dataset_id, const std::string& record_key, const std::string& detail) {
  ASSIGN_OR_RETURN(std::optional<Link> old, GetLink(*tx_, dataset_id, record_key));
  if (!old) return OkStatus();
  RETURN_IF_ERROR(LockPerson(*tx_, old->person_key, ctx_->now));
  RETURN_IF_ERROR(DeleteLink(*tx_, dataset_id, record_key));
  RETURN_IF_ERROR(SetRecordPerson(*tx_, dataset_id, record_key, std::nullopt));
  RETURN_IF_ERROR(SyncDiscrepancies(*tx_, dataset_id, record_key, old->person_key, {}, ctx_->now).status());
  RETURN_IF_ERROR(Event(old->person_key, "unlinked", std::nullopt, dataset_id, record_key, detail));
  return Refresh(old->person_key);
}

Status PersonOps::Merge(const std::string& from, const std::string& into, const std::string& detail) {
  if (from == into) return OkStatus();
  // Both rows locked, in key order (two merges of the same pair the other way round wait instead
  // of deadlocking), and both still active: `from` locked before its links are read, so a link
  // to it that another transaction is writing is either committed and read here, or waits and
  // then finds `from` merged (LockActivePerson in Attach) and is retried against the survivor.
  for (const std::string* key : from < into ? std::array{&from, &into} : std::array{&into, &from}) {
    RETURN_IF_ERROR(LockActivePerson(*tx_, *key, ctx_->now));
  }
  ASSIGN_OR_RETURN(std::vector<Link> links, LinksOf(*tx_, from));
  for (Link& l : links) {
    l.person_key = into;
    RETURN_IF_ERROR(PutLink(*tx_, l));
    RETURN_IF_ERROR(SetRecordPerson(*tx_, l.dataset_id, l.record_key, into));
  }
  RETURN_IF_ERROR(MarkMerged(*tx_, from, into, ctx_->now));
  RETURN_IF_ERROR(ReplaceGolden(*tx_, from, {}));
  // Items about `from` are now about `into`, and say so: the operator decides on the person the
  // decision will act on (review.cc refuses to move an authority record between persons).
  RETURN_IF_ERROR(MoveReviewsToPerson(*tx_, from, into, ctx_->now));
  RETURN_IF_ERROR(MovePersonReferences(*tx_, from, into));
  RETURN_IF_ERROR(Event(from, "merged", into, std::nullopt, std::nullopt, fmt::format("merged into {}: {}", into, detail)));
  RETURN_IF_ERROR(Event(into, "merged", from, std::nullopt, std::nullopt,
                        fmt::format("absorbed {} ({} records): {}", from, links.size(), detail)));
  return Refresh(into);
}

Result<std::string> PersonOps::Split(const std::string& dataset_id, const std::string& record_key,
                                     const std::string& detail, const std::string& not_person) {
  ASSIGN_OR_RETURN(std::optional<Link> old, GetLink(*tx_, dataset_id, record_key));
  if (!old) return FailedPreconditionError(fmt::format("record of {} is not linked; nothing to split", dataset_id));
  // A record that came with a merge goes back to the person it came from, made active again: the
  // citizen keys bound to that person resolve to it, not to the person it was wrongly merged into
  // (review of 2026-12-01: they used to resolve through the merge, so /v1/me showed the other
  // person's data). Other records it brought stay until they are split off too, each going back
  // to it (MergedHolderOf finds it again by persons.unmerged_from). The consents the person gave
  // through its own keys go back with the first (GiveBackConsents), and so do the correction
  // requests its citizens asked (GiveBackCorrections, by correction_requests.asked_by; review of
  // 2026-12-01: they stayed, and the survivor's citizen read the other person's claims); consents
  // given otherwise (at a counter) stay with the survivor, for the operator to reassign.
  RETURN_IF_ERROR(LockActivePerson(*tx_, old->person_key, ctx_->now));
  ASSIGN_OR_RETURN(std::optional<std::string> holder, MergedHolderOf(*tx_, old->person_key, dataset_id, record_key));
  if (holder && !not_person.empty() && not_person != old->person_key) {
    // The operator named a person merged into this one (by its old key): if that is the person
    // the record would go back to, or one merged into it, it goes to a new surrogate instead.
    ASSIGN_OR_RETURN(std::vector<std::string> within, AbsorbedPersons(*tx_, *holder, 1000));
    if (not_person == *holder || std::find(within.begin(), within.end(), not_person) != within.end()) holder.reset();
  }
  if (holder) {
    ASSIGN_OR_RETURN(std::optional<Person> was, GetPerson(*tx_, *holder));
    if (was && was->status == "merged") {
      RETURN_IF_ERROR(Unmerge(*tx_, *holder, old->person_key, ctx_->now));
      RETURN_IF_ERROR(GiveBackConsents(*tx_, old->person_key, *holder));
      RETURN_IF_ERROR(GiveBackCorrections(*tx_, old->person_key, *holder));
    }
  }
  ASSIGN_OR_RETURN(std::string fresh, holder ? Result<std::string>(*holder)
                                             : NewSurrogate(fmt::format("split from {}", old->person_key)));
  const std::string how = holder ? fmt::format("{} (back to {}, its merge into {} undone)", detail, *holder,
                                               old->person_key)
                                 : detail;
  RecordState record{0, record_key, false, old->source_updated_at, old->attributes};
  RETURN_IF_ERROR(Attach(dataset_id, record, fresh, "review", std::nullopt));
  RETURN_IF_ERROR(Event(old->person_key, "split", fresh, dataset_id, record_key, how));
  RETURN_IF_ERROR(Event(fresh, "split", old->person_key, dataset_id, record_key, how));
  return fresh;
}

Status PersonOps::Refresh(const std::string& person_key) {
  ASSIGN_OR_RETURN(std::vector<Link> links, LinksOf(*tx_, person_key));
  std::vector<SourceRecord> sources;
  sources.reserve(links.size());
  const Link* authority = nullptr;
  for (const auto& l : links) {
    sources.push_back({l.dataset_id, l.record_key, l.source_updated_at, l.attributes});
    if (!ctx_->authority.empty() && l.dataset_id == ctx_->authority) authority = &l;
  }
  RETURN_IF_ERROR(ReplaceGolden(*tx_, person_key, Survive(sources, ctx_->priority)));
  for (const auto& l : links) {
    if (&l == authority) continue;
    std::vector<Disagreement> d = authority ? FindDisagreements(l.attributes, authority->attributes)
                                            : std::vector<Disagreement>{};
    RETURN_IF_ERROR(SyncDiscrepancies(*tx_, l.dataset_id, l.record_key, person_key, d, ctx_->now).status());
  }
  return OkStatus();
}

std::vector<PersonOps::Created> PersonOps::TakeCreated() {
  std::vector<Created> out;
  for (const auto& key : created_) {
    Result<std::vector<GoldenValue>> golden = GetGolden(*tx_, key);
    Created c{key, {}};
    if (golden.ok()) {
      for (const auto& g : *golden) c.golden[g.attribute] = g.value;
    }
    out.push_back(std::move(c));
  }
  created_.clear();
  return out;
}

}  // namespace ndc::person
