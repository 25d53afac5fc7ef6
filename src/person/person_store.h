// person/person_store: the person repository's tables (migration 0005_person.sql) — persons,
// links, person events, golden values, link cursors and linker settings — as functions of an
// Executor, so the linker composes them inside one transaction. Design:
// docs/design/person-repository.md ("Tables").
//
// Thread-safe as the store is. Errors: store errors as mapped; kDataLoss for a corrupt row.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "person/attributes.h"
#include "person/golden.h"
#include "store/store.h"

namespace ndc::person {

struct Person {
  std::string key;
  std::string kind;    // registry | surrogate
  std::string status;  // active | merged
  std::optional<std::string> merged_into;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct Link {
  std::string dataset_id;
  std::string record_key;
  std::string person_key;
  std::string method;  // authority | id | rule | probabilistic | review | new
  std::optional<double> weight;
  Attributes attributes;
  int64_t source_updated_at = 0;
  int64_t linked_at = 0;
};

struct PersonEvent {
  int64_t seq = 0;  // assigned by AppendEvent
  std::string person_key;
  std::string kind;  // created | linked | unlinked | merged | split
  std::optional<std::string> other_person_key;
  std::optional<std::string> dataset_id;
  std::optional<std::string> record_key;
  std::string detail;
  int64_t at = 0;
};

Result<std::optional<Person>> GetPerson(store::Executor& db, const std::string& key);
// The surviving person of `key` (following merges); nullopt for an unknown key.
Result<std::optional<std::string>> ResolvePerson(store::Executor& db, const std::string& key);
// Inserts an active person; false (and nothing changed) if the key exists.
Result<bool> CreatePerson(store::Executor& db, const std::string& key, const std::string& kind, int64_t now);
// Touches the person's row: on PostgreSQL this takes its row lock until the transaction ends, so
// two processes never rewrite one person's golden record at once.
Status LockPerson(store::Executor& db, const std::string& key, int64_t now);
// LockPerson of a person that must still be active: kAborted when it is not (merged by another
// transaction since this one resolved it, which on PostgreSQL the UPDATE sees once that one
// commits). A caller retries from the start and resolves the person again.
Status LockActivePerson(store::Executor& db, const std::string& key, int64_t now);
Status MarkMerged(store::Executor& db, const std::string& from, const std::string& into, int64_t now);
// The person whose merge into `into` brought the record (dataset, key), for a split of it to give
// it back to: one merged into `into` itself (in a chain S into M into P, M), or one already given
// back from `into` (Unmerge), that held the record when it was merged — its events, or those of a
// person merged into it, end with the record linked then — where the record has stayed since
// (`into` has no linked/unlinked event about it after that merge). nullopt when none did.
Result<std::optional<std::string>> MergedHolderOf(store::Executor& db, const std::string& into,
                                                  const std::string& dataset_id, const std::string& record_key);
// Makes `key`, merged into `from`, active again, remembering `from` (persons.unmerged_from);
// kAborted when it is no longer merged into `from` (another transaction changed it).
Status Unmerge(store::Executor& db, const std::string& key, const std::string& from, int64_t now);
// The consents `from` holds that were granted through a key bound to `to` or to a person merged
// into it (their proof names the key: "key <id> request ...") go to `to`: after Unmerge, the
// consents its citizens gave go back. Takes `to`'s grant turn (consents.live:<to>) first, so a
// grant in flight through such a key is given back too or waits and finds `to` active.
Status GiveBackConsents(store::Executor& db, const std::string& from, const std::string& to);
// The correction requests `from` holds that were asked through a key bound to `to` or to a person
// merged into it (correction_requests.asked_by, migration 0024) go to `to`: after Unmerge, the
// requests its citizens made go back, made before the merge or during it. Requests without
// asked_by (made before 0024 by a person that had taken part in a merge) stay. Takes `to`'s
// request turn (corrections.open:<to>) first, as GiveBackConsents does.
Status GiveBackCorrections(store::Executor& db, const std::string& from, const std::string& to);
// What a person gave or asked for follows them into the person they are merged into: their
// consents (a recipient's reads resolve to the survivor and must find them; the person lists and
// revokes them as the survivor) and their correction requests (listed as the survivor's, still in
// the agency's inbox). Tables of src/sharing (migrations 0006, 0007), written here because a
// merge is one transaction.
Status MovePersonReferences(store::Executor& db, const std::string& from, const std::string& into);
// The persons merged into `key`, directly or through others merged into them (a merged person's
// merged_into names the person it was merged into then), at most `max`, in no fixed order.
Result<std::vector<std::string>> AbsorbedPersons(store::Executor& db, const std::string& key, size_t max);

Status AppendEvent(store::Executor& db, const PersonEvent& event);
// The person's events in order, seq > after_seq, at most `limit`.
Result<std::vector<PersonEvent>> ListPersonEvents(store::Executor& db, const std::string& person_key,
                                                  int64_t after_seq, int limit);

Result<std::optional<Link>> GetLink(store::Executor& db, const std::string& dataset_id, const std::string& record_key);
Status PutLink(store::Executor& db, const Link& link);  // insert or replace
Status DeleteLink(store::Executor& db, const std::string& dataset_id, const std::string& record_key);
// In (dataset, record key) order.
Result<std::vector<Link>> LinksOf(store::Executor& db, const std::string& person_key);
// A record linked to a person, without the link's attributes: the cheap form for data endpoints.
struct LinkedRecord {
  std::string dataset_id;
  std::string record_key;
  int dataset_version = 0;  // the dataset's current schema version
};

// What a data endpoint needs of a person, in one statement for a person never merged (one more
// per merge hop): the surviving key and its linked records in (dataset, record key) order, as
// LinksOf, each with its dataset's current schema version. nullopt for an unknown key.
struct ResolvedPerson {
  std::string key;
  std::vector<LinkedRecord> records;
};
Result<std::optional<ResolvedPerson>> ResolveLinked(store::Executor& db, const std::string& key);

Status ReplaceGolden(store::Executor& db, const std::string& person_key, const std::vector<GoldenValue>& values);
Result<std::vector<GoldenValue>> GetGolden(store::Executor& db, const std::string& person_key);
// How many active persons (surrogates only, if asked) hold golden `attribute` equal to `value`:
// one seek of person_golden (attribute, value). For explaining one pair's term frequency; the
// denominator is stored by the link run (person_settings "tf_present:<dataset>").
Result<int64_t> GoldenValueHolders(store::Executor& db, const std::string& attribute, const std::string& value,
                                   bool surrogates_only);
// Of `record_keys` of `dataset_id`, those linked to a surrogate person of which they supply a
// golden value (a surrogate the record founded, say). Training on them against the person table
// would learn from pairs of a record with itself. Reads in chunks of 500 keys.
Result<std::set<std::string>> RecordsBehindTheirSurrogates(store::Executor& db, const std::string& dataset_id,
                                                           const std::vector<std::string>& record_keys);
// Active persons whose golden `attribute` is `value`, in key order.
Result<std::vector<std::string>> PersonsWithGolden(store::Executor& db, const std::string& attribute,
                                                   const std::string& value);

// The last change-event seq linked for (dataset, partition "i/n"); 0 if none.
Result<int64_t> GetCursor(store::Executor& db, const std::string& dataset_id, const std::string& part);
// Moves the cursor forward to `seq` (a run that linked less, later, does not move it back).
Status SetCursor(store::Executor& db, const std::string& dataset_id, const std::string& part, int64_t seq,
                 int64_t now);

Result<std::optional<std::string>> GetPersonSetting(store::Executor& db, const std::string& name);
Status PutPersonSetting(store::Executor& db, const std::string& name, const std::string& value, int64_t now);

}  // namespace ndc::person
