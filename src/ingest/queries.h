// Reading what ingestion wrote: batch reports and rejects, records now and as of an instant,
// a record's versions, and the change-event feed. Design: docs/design/ingest.md ("History",
// "Change events"). Functions of an Executor (a Database or a Transaction); thread-safe as the
// store is. Errors: kNotFound for an unknown batch, dataset or record; store errors as mapped.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/result.h"
#include "ingest/batch.h"
#include "store/store.h"

namespace ndc::ingest {

Result<BatchReport> GetBatch(store::Executor& db, int64_t batch_id);
// Newest first; `before_id` > 0 pages backwards. `dataset_id` empty: every dataset.
Result<std::vector<BatchReport>> ListBatches(store::Executor& db, const std::string& dataset_id,
                                             int64_t before_id, int limit);
// In line order, lines > `after_line`; kNotFound if the batch does not exist.
Result<std::vector<Reject>> ListRejects(store::Executor& db, int64_t batch_id, int64_t after_line, int limit);

// One version of a record. `values` follow the dataset schema's fields (the current version's
// schema); NULL for fields added after the version was written.
struct RecordVersion {
  std::string key;
  int64_t version = 0;
  std::string op;  // insert | update | delete
  bool deleted = false;
  std::optional<std::string> source_version;
  int64_t batch_id = 0;
  int64_t valid_from = 0;              // microseconds UTC
  std::optional<int64_t> valid_to;     // unset for the current version
  std::vector<store::Value> values;
};

// The record as it is now (`as_of` unset) or was at `as_of` (microseconds UTC): kNotFound if it
// did not exist then or was deleted (the message says which, and when).
Result<RecordVersion> GetRecord(store::Executor& db, const catalog::DatasetInfo& dataset, const std::string& key,
                                std::optional<int64_t> as_of = std::nullopt);
// The current, not deleted, version of `key` in the dataset whose schema is `schema` (any of its
// versions: the columns read are that version's fields); nullopt if there is none. The cheap
// form of GetRecord for data endpoints that hold a cached schema. With `only`, just those fields
// are read: every other field's value is null (store::Value{}), whatever the record holds, so a
// data endpoint never loads what it may not answer. `only` must be sorted (names outside the
// schema are allowed and ignored); the views need live only for the call.
Result<std::optional<RecordVersion>> CurrentRecord(store::Executor& db, const catalog::DatasetSchema& schema,
                                                   const std::string& key,
                                                   const std::vector<std::string_view>* only = nullptr);
// The versions of `key` numbered above `after_version` (0: from the first), oldest first, at most
// `limit` (one page: a record changed daily for years has thousands); kNotFound if the key was
// never seen. It reads the current version, then history: on a Database, call it inside a read
// pin (Database::PinReads), or a batch committed between the two reads lists a version twice.
Result<std::vector<RecordVersion>> ListVersions(store::Executor& db, const catalog::DatasetInfo& dataset,
                                                const std::string& key, int64_t after_version, int limit);

struct ChangeEvent {
  std::string dataset_id;
  int64_t seq = 0;
  std::string key;
  std::string op;  // insert | update | delete
  int64_t version = 0;
  int64_t batch_id = 0;
  int64_t at = 0;  // microseconds UTC
};
// Events of a dataset with seq > after_seq, in order, at most `limit`. kNotFound for an unknown
// dataset. (The feed is read from the version rows, which carry their event's seq.) Both tables
// are read in one snapshot (Database::PinReads): read apart, a batch committed in between
// could show only its replaced versions (history) and a page would skip the batch's other
// events for good, its cursor already past them.
Result<std::vector<ChangeEvent>> ListEvents(store::Database& db, const std::string& dataset_id, int64_t after_seq,
                                            int limit);
// The last sequence number handed out for a dataset (0 if none).
Result<int64_t> LastEventSeq(store::Executor& db, const std::string& dataset_id);

}  // namespace ndc::ingest
