// person/attributes: a dataset record seen as a person — the values of the fields the dataset
// schema maps to person attributes (catalog FieldSpec::person), as text — and reading records'
// current state from the per-dataset record tables for the linker. Design:
// docs/design/person-repository.md ("Records as persons").
//
// Functions of an Executor; thread-safe as the store is. Errors: store errors as mapped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::person {

// Person attribute name -> value. Only attributes with a non-empty value are present. Values are
// the stored text (dates ISO, IDs their digits), enums mapped through the field's person_values
// (so `sex` is "male" / "female"); `birth_year` is derived from `birth_date` when not mapped.
using Attributes = std::map<std::string, std::string>;

// Whether two stored dates of any precision ("1987", "1987-03", "1987-03-02": catalog date fields
// declared "partial") agree as far as both are known: equal, or the shorter is the longer's year or
// year and month. "1987" agrees with "1987-03-02"; "1987-03" does not with "1987-04-01". Other
// text agrees only with itself.
bool DatesAgree(std::string_view a, std::string_view b);
// Whether two values of person attribute `attribute` say the same, as the linker's deterministic
// rules, find and discrepancies compare them: birth dates by DatesAgree; sex as linkage reads it
// (text::FoldedSex: "Nam", "1", "M" are "male"; exactly when either is no sex it names); other
// attributes exactly.
bool ValuesAgree(std::string_view attribute, std::string_view a, std::string_view b);

std::string AttributesToJson(const Attributes& a);
// kDataLoss when `json` is not an object of strings (a corrupt person_links row).
Result<Attributes> AttributesFromJson(const std::string& json);

// One record as the linker sees it: its current version.
struct RecordState {
  int64_t seq = 0;         // the change event that made this version
  std::string key;         // source key
  bool deleted = false;    // tombstone
  int64_t updated_at = 0;  // when this version became current (µs UTC)
  Attributes attributes;
};

// The records of `dataset` whose current version has seq > after_seq, in seq order, at most
// `limit`. Each record appears once, in its newest state, however many events it had.
Result<std::vector<RecordState>> ReadChangedRecords(store::Executor& db, const catalog::DatasetInfo& dataset,
                                                    int64_t after_seq, int limit);
// One record's current state; nullopt if the key was never loaded.
Result<std::optional<RecordState>> ReadRecord(store::Executor& db, const catalog::DatasetInfo& dataset,
                                              const std::string& key);
// Sets (or with nullopt clears) the record table's _person_key of a record.
Status SetRecordPerson(store::Executor& db, const std::string& dataset_id, const std::string& key,
                       const std::optional<std::string>& person_key);

}  // namespace ndc::person
