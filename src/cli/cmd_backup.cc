// ndc backup DIR: a consistent copy of a one-node hub (SQLite) — its data file, then its audit log
// file, its configuration and its keys — checked the way an auditor would (docs/backup.md).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "audit/audit_store.h"
#include "audit/signing_key.h"
#include "audit/verifier.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "store/sqlite/sqlite_copy.h"

namespace ndc::cli {
namespace {

namespace fs = std::filesystem;

struct BackupFlags {
  HubFlags hub;
  std::string dir;
  bool no_verify = false;
};

std::string Size(uintmax_t bytes) {
  if (bytes >= (1u << 30)) return fmt::format("{:.1f} GB", static_cast<double>(bytes) / (1u << 30));
  if (bytes >= (1u << 20)) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1u << 20));
  return fmt::format("{} KB", (bytes + 1023) / 1024);
}

// fsync of a file or a directory: what was copied survives a power cut once this returns.
Status Sync(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return UnavailableError(fmt::format("cannot open {} to make it durable", path));
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? OkStatus() : UnavailableError(fmt::format("fsync of {} failed", path));
}

// Copies one small file, keeping its mode (keys/signing.key stays 0600), and makes it durable.
Status CopyPlain(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::none, ec);
  if (ec) return UnavailableError(fmt::format("cannot copy {} to {}: {}", from, to, ec.message()));
  fs::permissions(to, fs::status(from).permissions(), ec);
  if (ec) return UnavailableError(fmt::format("cannot set the mode of {}: {}", to, ec.message()));
  return Sync(to);
}

Status Backup(const BackupFlags& f) {
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(HubReader hub, OpenHubToRead(f.hub));
  if (hub.db->backend() != store::Backend::kSqlite) {
    return FailedPreconditionError(
        "ndc backup copies the embedded store; this hub is on PostgreSQL: use the server's own tools, e.g. "
        "`pg_dump -Fc`, and keep ndc.toml and keys/ beside the dump (docs/backup.md, \"PostgreSQL\")");
  }
  const std::string data = hub.db->Describe();
  const std::string log = audit::AuditFilePath(data);
  const std::string& source_dir = hub.config.data_dir;
  std::error_code ec;
  if (fs::exists(f.dir, ec) && !fs::is_empty(f.dir, ec)) {
    return AlreadyExistsError(fmt::format("{} is not empty: back up into a new directory (a backup never "
                                          "overwrites another)",
                                          f.dir));
  }
  fs::create_directories(f.dir, ec);
  if (ec) return UnavailableError(fmt::format("cannot create {}: {}", f.dir, ec.message()));
  fs::permissions(f.dir, fs::perms::owner_all, ec);  // the copies hold personal data
  const std::string to_data = f.dir + "/ndc.db", to_log = f.dir + "/ndc.audit.db";
  // The data first, the log second: every change is audited after it commits, so a log copied
  // later has an entry for every change in the data copy (docs/backup.md).
  for (const auto& [from, to, what] : {std::tuple{data, to_data, "the data"}, std::tuple{log, to_log, "the audit log"}}) {
    std::cerr << fmt::format("copying {} ({}, {})…\n", what, from, Size(fs::file_size(from, ec)));
    RETURN_IF_ERROR(store::CopySqliteFile(from, to));
    fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, ec);
  }
  int copied_other = 0;
  if (fs::exists(source_dir + "/ndc.toml", ec)) {
    RETURN_IF_ERROR(CopyPlain(source_dir + "/ndc.toml", f.dir + "/ndc.toml"));
    ++copied_other;
  }
  bool keys = false;
  if (fs::is_directory(source_dir + "/keys", ec)) {
    fs::create_directory(f.dir + "/keys", ec);
    fs::permissions(f.dir + "/keys", fs::perms::owner_all, ec);
    for (const auto& entry : fs::directory_iterator(source_dir + "/keys", ec)) {
      if (!entry.is_regular_file()) continue;
      RETURN_IF_ERROR(CopyPlain(entry.path().string(), f.dir + "/keys/" + entry.path().filename().string()));
      keys = true;
    }
    RETURN_IF_ERROR(Sync(f.dir + "/keys"));
  }
  RETURN_IF_ERROR(Sync(f.dir));
  if (!keys) {
    std::cerr << fmt::format("WARNING: {} has no keys/: the backup cannot sign or check checkpoints; keep the hub's "
                             "keys/ with it\n",
                             source_dir);
  }
  std::string checked = "not checked (--no-verify)";
  if (!f.no_verify) {
    std::cerr << "checking the copy of the audit log…\n";
    HubFlags copy;
    copy.data_dir = f.dir;
    ASSIGN_OR_RETURN(HubReader restored, OpenHubToRead(copy));
    if (!keys) {
      return FailedPreconditionError(fmt::format("the copy in {} cannot be checked without the hub's public key "
                                                 "(keys/signing.pub): copy keys/ into it, then run `ndc audit verify "
                                                 "--data {}`",
                                                 f.dir, f.dir));
    }
    ASSIGN_OR_RETURN(std::string pub, audit::LoadPublicKey(f.dir + "/keys/signing.pub"));
    ASSIGN_OR_RETURN(audit::VerifyReport report,
                     audit::VerifyLog(restored.audit_store.db, pub, audit::OriginForHub(restored.hub_id), {}, nullptr));
    checked = fmt::format("verified: {} entries and {} signed checkpoints", report.entries, report.checkpoints);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("backed up {} into {} in {:.1f} s: ndc.db {}, ndc.audit.db {}{}{}; the audit log {}\n",
                           source_dir, f.dir, seconds, Size(fs::file_size(to_data, ec)),
                           Size(fs::file_size(to_log, ec)), copied_other ? ", ndc.toml" : "", keys ? ", keys/" : "",
                           checked);
  std::cout << fmt::format("restore: stop the hub, move its directory aside whole, and copy {} to where it was "
                           "(docs/backup.md)\n",
                           f.dir);
  return OkStatus();
}

}  // namespace

void RegisterBackup(CLI::App* app, int* exit_code) {
  auto* f = NewCommandState<BackupFlags>();
  auto* cmd = app->add_subcommand(
      "backup",
      "Copy a one-node hub (SQLite) into a new directory while it serves: the data file, then the audit "
      "log file (each one consistent snapshot), ndc.toml and keys/; then check the copy's audit log as "
      "`ndc audit verify` does. On PostgreSQL use pg_dump (docs/backup.md)");
  cmd->add_option("DIR", f->dir, "A new (or empty) directory for the copy")->required();
  AddHubFlags(cmd, &f->hub);
  cmd->add_flag("--no-verify", f->no_verify, "Skip the check of the copy (run `ndc audit verify --data DIR` later)");
  cmd->callback([=] {
    Status s = Backup(*f);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
