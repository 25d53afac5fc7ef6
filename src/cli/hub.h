// Opening a hub from the command line: the flags every hub subcommand shares (--data, --db,
// --config), the layered configuration, the store (migrated to this binary's schema) and the
// services on top of it. Not thread-safe to build; the services it holds are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "audit/audit_log.h"
#include "audit/audit_store.h"
#include "audit/checkpointer.h"
#include "auth/api_keys.h"
#include "catalog/catalog.h"
#include "common/config.h"
#include "common/result.h"
#include "ingest/ingestor.h"
#include "sharing/agreement_store.h"
#include "sharing/consent_store.h"
#include "store/store.h"

namespace ndc::cli {

struct HubFlags {
  std::string data_dir;
  std::string db_url;
  std::string config_file;
  std::map<std::string, std::string> overrides;  // extra flag -> config key values (serve)
};

// Adds --data, --db and --config to a subcommand.
void AddHubFlags(CLI::App* cmd, HubFlags* flags);

// The hub flags the user gave, as they would type them again (" --data DIR --db URL"; "" for
// none): appended to every command a hint suggests, so that copying it reaches the same hub.
std::string HubArgs(const HubFlags& flags);
// A --db value without any password in it, as HubArgs repeats it: unchanged when libpq finds no
// `password` or `sslpassword` in it; else its other settings as a URI of query parameters
// (libpq then takes the password from PGPASSWORD or ~/.pgpass).
std::string WithoutPasswords(const std::string& db_url);

// Loads configuration: defaults < <data>/ndc.toml or --config < NDC_* environment < flags.
Result<HubConfig> LoadHubConfig(const HubFlags& flags);

// Members are destroyed in reverse order: the audit log (which commits what is queued) before
// the stores it writes to.
struct Hub {
  HubConfig config;
  std::string hub_id;  // empty until the hub is initialized
  std::unique_ptr<store::Database> db;
  // Where the audit log lives: on SQLite its own file beside db (audit/audit_store.h), else db.
  audit::AuditStore audit_store;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<auth::ApiKeyStore> keys;
  std::unique_ptr<audit::AuditLog> audit;
  // Applies batches to datasets (options from config.ingest_*).
  std::unique_ptr<ingest::Ingestor> ingestor;
  // Data-sharing agreements (checked against the catalog).
  std::unique_ptr<sharing::AgreementStore> agreements;
  // Citizens' consents to non-state recipients.
  std::unique_ptr<sharing::ConsentStore> consents;
  // Null when <data>/keys/signing.key is absent (a node that only appends and serves proofs).
  std::unique_ptr<audit::Checkpointer> checkpointer;
};

// Opens an initialized hub. kFailedPrecondition, telling the user to run `ndc init`, when the
// data directory (or the database) was never initialized.
Result<Hub> OpenHub(const HubFlags& flags);
// Opens the store for `config` and applies migrations.
Result<Hub> OpenHubWithConfig(HubConfig config);

// What an auditor's `ndc audit verify` reads, opened so that nothing changes: the stores
// read-only (SQLite files opened read-only, PostgreSQL sessions default_transaction_read_only),
// no migration, and no audit log service (opening one writes its head row and catches up the
// person index). A store at another schema version than this binary's is refused, naming both:
// verifying a backup, or a production database from an auditor's machine, must not upgrade it
// (an upgrade is for good: older nodes then refuse the store).
struct HubReader {
  HubConfig config;
  std::string hub_id;
  std::unique_ptr<store::Database> db;
  audit::AuditStore audit_store;  // audit_store.db: where the log is read
};
Result<HubReader> OpenHubToRead(const HubFlags& flags);

// Loads <data>/keys/signing.key (if present) and sets hub->checkpointer for origin
// audit::OriginForHub(hub_id). A malformed key is an error; a missing one leaves it null.
Status AttachCheckpointer(Hub* hub, const std::string& hub_id);

// HTTP worker threads for `config` (server.threads): the configured number, or for 0 two per
// hardware thread and at least 4. Handlers no longer wait for their audit entry's group commit
// (the response waits, not the thread), so more workers than cores only add switches and lock
// contention: 4 served the person read faster than 16 on two cores (docs/benchmarks.md).
int ServerThreads(const HubConfig& config);

// "cli:<os user>": who acts when an operator runs a command.
std::string CliActor();

// Appends the audit entry of a change made from the command line (actor "cli:<os user>", role
// operator) and waits until it is durable.
Status AuditCliChange(Hub& hub, std::string action, audit::Subject subject, std::vector<std::string> fields = {});
// The audit entry of a change `ndc serve` made on its own schedule (a connector's pull, a link
// run): actor "serve:<task>", role "system".
Status AuditScheduledChange(Hub& hub, const std::string& task, std::string action, audit::Subject subject);
// The same for an operator's read of personal data (purpose "operator inspection"); callers show
// nothing unless it succeeded.
Status AuditCliRead(Hub& hub, std::string action, audit::Subject subject, std::vector<std::string> fields = {});

// Prints "ndc: error: <message>" to stderr and returns the process exit code for a status
// (1 for most errors, 2 for invalid arguments, 3 when the store is unavailable).
int ReportError(const Status& status);

}  // namespace ndc::cli
