#include "cli/hub.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>
#include <iostream>

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cctype>

#include "audit/signing_key.h"
#include "cli/terminal_text.h"
#include "common/log.h"
#include "common/crypto.h"

namespace ndc::cli {

void AddHubFlags(CLI::App* cmd, HubFlags* flags) {
  cmd->add_option("--data", flags->data_dir,
                  "Data directory (SQLite store, keys, ndc.toml). Default: ./ndc-data or NDC_DATA_DIR");
  cmd->add_option("--db", flags->db_url,
                  "Server store instead of the embedded one: postgresql://user@host:port/db (or NDC_STORE_URL)");
  cmd->add_option("--config", flags->config_file, "Configuration file (default: <data>/ndc.toml if present)");
}

Result<HubConfig> LoadHubConfig(const HubFlags& flags) {
  ConfigSources sources;
  sources.overrides = flags.overrides;
  if (!flags.data_dir.empty()) sources.overrides["data.dir"] = flags.data_dir;
  if (!flags.db_url.empty()) sources.overrides["store.url"] = flags.db_url;
  if (!flags.config_file.empty()) {
    sources.file = flags.config_file;
  } else {
    // The data directory may itself come from the environment.
    std::string dir = flags.data_dir;
    if (dir.empty()) dir = ProcessEnv("NDC_DATA_DIR").value_or(HubConfig{}.data_dir);
    sources.default_file = dir + "/ndc.toml";
  }
  return LoadConfig(sources);
}

Result<Hub> OpenHubWithConfig(HubConfig config) {
  store::OpenOptions options;
  options.pool_size = config.store_pool_size;
  std::string url = config.EffectiveStoreUrl();
  Hub hub;
  ASSIGN_OR_RETURN(hub.db, store::Open(url, options));
  auto before = hub.db->SchemaVersion();
  auto migrated = hub.db->Migrate();
  if (!migrated.ok()) return migrated.status().WithContext("migrating the store at " + hub.db->Describe());
  if (before.ok() && *before > 0 && *before < *migrated) {
    // An upgrade is for good (an older binary then refuses the store): never a silent one.
    log::Warn("store.migrated", {{"store", hub.db->Describe()},
                                 {"from", std::to_string(*before)},
                                 {"to", std::to_string(*migrated)},
                                 {"note", "this binary upgraded the store's schema; older ndc binaries now refuse it"}});
  }
  hub.config = std::move(config);
  hub.catalog = std::make_unique<catalog::Catalog>(hub.db.get(), SystemClock());
  hub.keys = std::make_unique<auth::ApiKeyStore>(hub.db.get(), SystemClock(), SystemRandom());
  ASSIGN_OR_RETURN(hub.audit_store, audit::OpenAuditStore(hub.db.get(), options));
  audit::GroupCommitOptions commits;
  commits.linger = std::chrono::microseconds(hub.config.audit_commit_linger_us);
  ASSIGN_OR_RETURN(hub.audit, audit::AuditLog::Open(hub.audit_store.db, SystemClock(), SystemRandom(), commits));
  ingest::IngestorOptions ingest_options;
  ingest_options.max_reject_share = hub.config.ingest_max_reject_percent / 100.0;
  hub.ingestor = std::make_unique<ingest::Ingestor>(hub.db.get(), hub.catalog.get(), SystemClock(), ingest_options);
  hub.agreements = std::make_unique<sharing::AgreementStore>(hub.db.get(), hub.catalog.get(), SystemClock());
  hub.consents =
      std::make_unique<sharing::ConsentStore>(hub.db.get(), hub.catalog.get(), SystemClock(), SystemRandom());
  return hub;
}

Status AttachCheckpointer(Hub* hub, const std::string& hub_id) {
  hub->hub_id = hub_id;
  auto key = audit::LoadSigningKey(hub->config.data_dir + "/keys/signing.key");
  if (!key.ok()) return key.status().code() == StatusCode::kNotFound ? OkStatus() : key.status();
  hub->checkpointer = std::make_unique<audit::Checkpointer>(hub->audit.get(), *key, audit::OriginForHub(hub_id));
  return OkStatus();
}

int ServerThreads(const HubConfig& config) {
  if (config.threads > 0) return config.threads;
  return static_cast<int>(std::max(4u, 2 * std::thread::hardware_concurrency()));
}

std::string CliActor() {
  std::string user = "unknown";
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) user = pw->pw_name;
  return "cli:" + user;
}

namespace {

// The audit entry of something the operator did from the command line.
Status AuditCli(Hub& hub, std::string action, audit::Subject subject, std::vector<std::string> fields,
                std::string purpose, const char* failure_context) {
  audit::Entry e;
  e.actor = {CliActor(), "", "operator"};
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.fields = std::move(fields);
  e.purpose = std::move(purpose);
  e.legal_basis = "operator role";
  auto appended = hub.audit->Append(std::move(e));
  if (!appended.ok()) return appended.status().WithContext(failure_context);
  return OkStatus();
}

}  // namespace

Status AuditCliChange(Hub& hub, std::string action, audit::Subject subject, std::vector<std::string> fields) {
  return AuditCli(hub, std::move(action), std::move(subject), std::move(fields), "administration",
                  "the change was made but its audit entry failed");
}

Status AuditScheduledChange(Hub& hub, const std::string& task, std::string action, audit::Subject subject) {
  audit::Entry e;
  e.actor = {"serve:" + task, "", "system"};
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.purpose = "administration";
  e.legal_basis = "scheduled by the operator's configuration";
  auto appended = hub.audit->Append(std::move(e));
  if (!appended.ok()) return appended.status().WithContext("the change was made but its audit entry failed");
  return OkStatus();
}

Status AuditCliRead(Hub& hub, std::string action, audit::Subject subject, std::vector<std::string> fields) {
  return AuditCli(hub, std::move(action), std::move(subject), std::move(fields), "operator inspection",
                  "nothing is shown: the read could not be audited");
}

std::string WithoutPasswords(const std::string& db_url) {
  // Read as libpq reads it (a password may hold '@', '/', '?' or ':', percent-encoded or not, and
  // sit in the user info or the query): a string holding none comes back as it is, one holding
  // one is written again as a URI of its other settings, all as query parameters
  // ("postgresql://?user=ndc&dbname=ndc&host=db&port=5432"), which libpq reads the same way
  // (reviews of 2026-12-01: hand-written scans of the URI missed a password or a host).
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(db_url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "<the --db URL, not repeated: libpq cannot read it>";
  }
  bool secret = false;
  std::string query;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view keyword = o->keyword;
    if (keyword == "password" || keyword == "sslpassword") {
      secret = true;
      continue;
    }
    query += fmt::format("{}{}=", query.empty() ? "?" : "&", keyword);
    for (const unsigned char c : std::string_view(o->val)) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        query += static_cast<char>(c);
      } else {
        query += fmt::format("%{:02X}", c);
      }
    }
  }
  PQconninfoFree(options);
  return secret ? "postgresql://" + query : db_url;
}

std::string HubArgs(const HubFlags& flags) {
  auto word = [](const std::string& v) {
    // Quoted for a POSIX shell when it holds anything but plain path characters.
    if (!v.empty() && v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:@=+,%") ==
                          std::string::npos) {
      return v;
    }
    std::string q = "'";
    for (char c : v) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string out;
  if (!flags.data_dir.empty()) out += " --data " + word(flags.data_dir);
  if (!flags.db_url.empty()) out += " --db " + word(WithoutPasswords(flags.db_url));
  if (!flags.config_file.empty()) out += " --config " + word(flags.config_file);
  return out;
}

Result<Hub> OpenHub(const HubFlags& flags) {
  ASSIGN_OR_RETURN(HubConfig config, LoadHubConfig(flags));
  if (config.store_url.empty() && !std::filesystem::exists(config.data_dir + "/ndc.db")) {
    return FailedPreconditionError(fmt::format(
        "no hub in data directory '{}': create one with `ndc init --data {}` (or pass --data DIR)", config.data_dir,
        config.data_dir));
  }
  ASSIGN_OR_RETURN(Hub hub, OpenHubWithConfig(std::move(config)));
  auto hub_id = hub.db->QueryOne("SELECT value FROM settings WHERE name = 'hub_id'");
  if (!hub_id.ok()) {
    if (hub_id.status().code() == StatusCode::kNotFound) {
      return FailedPreconditionError(fmt::format("the store at {} was never initialized: run `ndc init` first",
                                                 hub.db->Describe()));
    }
    return hub_id.status();
  }
  RETURN_IF_ERROR(AttachCheckpointer(&hub, hub_id->Str(0)));
  return hub;
}

namespace {

// Refuses a store this binary would have to migrate (or cannot read at all) before reading it.
Status CheckSchemaToRead(store::Database& db, std::string_view what) {
  ASSIGN_OR_RETURN(int version, db.SchemaVersion());
  const int known = store::KnownSchemaVersion();
  if (version == known) return OkStatus();
  if (version > known) {
    return FailedPreconditionError(fmt::format("{} at {} has schema version {}, newer than this ndc's {}: use the ndc "
                                               "release that serves this hub",
                                               what, db.Describe(), version, known));
  }
  return FailedPreconditionError(fmt::format(
      "{} at {} has schema version {} and this ndc reads version {}; verification changes nothing, so it does not "
      "upgrade the store: verify with the ndc release that serves this hub, or on a copy after upgrading the copy "
      "(any other ndc command upgrades the store it opens)",
      what, db.Describe(), version, known));
}

}  // namespace

Result<HubReader> OpenHubToRead(const HubFlags& flags) {
  ASSIGN_OR_RETURN(HubConfig config, LoadHubConfig(flags));
  if (config.store_url.empty() && !std::filesystem::exists(config.data_dir + "/ndc.db")) {
    return FailedPreconditionError(fmt::format(
        "no hub in data directory '{}': pass the data directory of the hub (or of its backup) with --data DIR",
        config.data_dir));
  }
  store::OpenOptions options;
  options.pool_size = 2;
  options.read_only = true;
  options.create_if_missing = false;
  HubReader hub;
  ASSIGN_OR_RETURN(hub.db, store::Open(config.EffectiveStoreUrl(), options));
  RETURN_IF_ERROR(CheckSchemaToRead(*hub.db, "the store"));
  auto hub_id = hub.db->QueryOne("SELECT value FROM settings WHERE name = 'hub_id'");
  if (!hub_id.ok()) {
    if (hub_id.status().code() == StatusCode::kNotFound) {
      return FailedPreconditionError(fmt::format("the store at {} was never initialized", hub.db->Describe()));
    }
    return hub_id.status();
  }
  hub.hub_id = hub_id->Str(0);
  ASSIGN_OR_RETURN(hub.audit_store, audit::OpenAuditStoreToRead(hub.db.get(), options));
  if (hub.audit_store.own != nullptr) RETURN_IF_ERROR(CheckSchemaToRead(*hub.audit_store.own, "the audit log file"));
  hub.config = std::move(config);
  return hub;
}

int ReportError(const Status& status) {
  std::string_view message = status.message();
  // The catalog's "dataset 'x' does not exist" serves the API too; on the command line, say
  // where the ids are.
  const bool unknown_dataset = status.code() == StatusCode::kNotFound && message.starts_with("dataset '") &&
                               message.ends_with("' does not exist");
  // Messages quote stored and sent text (keys, ids, column values): nothing in them may steer
  // the terminal.
  std::cerr << "ndc: error: " << TerminalText(message) << (unknown_dataset ? " in this hub (`ndc dataset list` shows them)" : "")
            << " [" << StatusCodeName(status.code()) << "]\n";
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kUnavailable: return 3;
    default: return 1;
  }
}

}  // namespace ndc::cli
