// audit/audit_store: which database the audit log lives in. On PostgreSQL, the hub's database
// (several nodes append to one log). On SQLite, a file of its own beside the data file
// ("<dir>/ndc.audit.db" for "<dir>/ndc.db"): a group commit (about one per millisecond under
// load) then changes only that file, so the data connections keep their page caches instead of
// re-reading every page after each audit commit, and the data file's WAL is not filled with audit
// pages. docs/design/audit-log.md ("Where the log lives").
//
// Layouts on SQLite, told apart by the data file's `settings` row 'audit_store':
//   - row 'separate': the log is in the audit file; a missing audit file is kDataLoss (it is
//     never recreated empty: that would hide the loss of the log).
//   - no row, and the data file's own audit log is not empty: a hub made before the split; its
//     log stays where it is (AuditStore::db is the data database) and keeps working as before.
//   - no row and an empty log (a new hub): the audit file is created and migrated, then the row
//     is written (a crash in between leaves a file that the next open adopts).
//
// Thread-compatible; the databases it returns are thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace ndc::audit {

struct AuditStore {
  std::unique_ptr<store::Database> own;  // the audit file's store; null when the log shares the data store
  store::Database* db = nullptr;         // where the log lives: own.get() or the data store
};

// The audit file of a SQLite data file: "x.audit.db" for "x.db", else the path + ".audit.db".
std::string AuditFilePath(const std::string& data_path);

// The audit log's database for the migrated data store `data` (see the layouts above). `options`
// open the audit file (migrated like the data store: the full schema, of which the log uses its
// audit_* tables). Errors: kDataLoss if the data store says the log is in a file that is missing;
// the store's errors opening or migrating the file.
Result<AuditStore> OpenAuditStore(store::Database* data, const store::OpenOptions& options = {});

// The same log opened only to read it (an auditor's verification): the audit file is opened
// read-only and neither created nor migrated, and no setting is written. A hub whose log was
// never written (no setting, no file, an empty log in the data store) reads the data store's
// empty tables. Errors: kDataLoss for a missing file as above; the store's errors opening it.
// The caller checks the schema versions (store::Database::SchemaVersion) of what it reads.
Result<AuditStore> OpenAuditStoreToRead(store::Database* data, const store::OpenOptions& options = {});

}  // namespace ndc::audit
