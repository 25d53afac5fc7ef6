// ndc backup DIR: a consistent copy of a one-node hub (SQLite) — its data file, then its audit log
// file, its configuration and its keys — checked the way an auditor would (docs/backup.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <tuple>
#include <vector>

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

// Everything but the final rename, into `into` (a new directory); `log` empty when the log lives
// in the data file (a hub from before the log had a file of its own).
Status CopyHub(const HubReader& hub, const std::string& log, const std::string& into, bool* keys) {
  std::error_code ec;
  const std::string data = hub.db->Describe();
  const std::string& source_dir = hub.config.data_dir;
  // The data first, the log second: every change is audited after it commits, so a log copied
  // later has an entry for every change in the data copy (docs/backup.md).
  std::vector<std::tuple<std::string, std::string, const char*>> files = {{data, into + "/ndc.db", "the data"}};
  if (!log.empty()) files.emplace_back(log, into + "/ndc.audit.db", "the audit log");
  for (const auto& [from, to, what] : files) {
    const uintmax_t size = fs::file_size(from, ec);
    if (ec) return UnavailableError(fmt::format("cannot read the size of {}: {}", from, ec.message()));
    std::cerr << fmt::format("copying {} ({}, {})…\n", what, from, Size(size));
    RETURN_IF_ERROR(store::CopySqliteFile(from, to));
  }
  if (fs::exists(source_dir + "/ndc.toml", ec)) RETURN_IF_ERROR(CopyPlain(source_dir + "/ndc.toml", into + "/ndc.toml"));
  *keys = false;
  if (fs::is_directory(source_dir + "/keys", ec)) {
    fs::create_directory(into + "/keys", ec);
    if (ec) return UnavailableError(fmt::format("cannot create {}/keys: {}", into, ec.message()));
    fs::directory_iterator it(source_dir + "/keys", ec);
    if (ec) return UnavailableError(fmt::format("cannot list {}/keys: {}", source_dir, ec.message()));
    for (const auto& entry : it) {
      if (!entry.is_regular_file()) continue;
      RETURN_IF_ERROR(CopyPlain(entry.path().string(), into + "/keys/" + entry.path().filename().string()));
      *keys = true;
    }
    RETURN_IF_ERROR(Sync(into + "/keys"));
  }
  return Sync(into);
}

Status Backup(const BackupFlags& f) {
  const auto started = std::chrono::steady_clock::now();
  ::umask(077);  // the copies hold personal data: for the owner alone, whatever is made below
  ASSIGN_OR_RETURN(HubReader hub, OpenHubToRead(f.hub));
  if (hub.db->backend() != store::Backend::kSqlite) {
    return FailedPreconditionError(
        "ndc backup copies the embedded store; this hub is on PostgreSQL: use the server's own tools, e.g. "
        "`pg_dump -Fc`, and keep ndc.toml and keys/ beside the dump (docs/backup.md, \"PostgreSQL\")");
  }
  // A hub from before the log had a file of its own keeps it in the data file: one copy holds both.
  const std::string log = hub.audit_store.own != nullptr ? audit::AuditFilePath(hub.db->Describe()) : "";
  std::error_code ec;
  if (fs::exists(f.dir, ec) && (!fs::is_directory(f.dir, ec) || !fs::is_empty(f.dir, ec))) {
    return AlreadyExistsError(fmt::format("{} is not an empty directory: back up into a new one (a backup never "
                                          "overwrites another)",
                                          f.dir));
  }
  // Made aside and renamed into place at the end: a failed or interrupted backup never leaves a
  // directory that looks like a backup (nor one a retry refuses as not empty).
  const std::string partial = f.dir + ".partial";
  if (fs::exists(partial, ec)) {
    return AlreadyExistsError(fmt::format("{} exists (an interrupted backup?): look, remove it, and run again",
                                          partial));
  }
  fs::create_directories(partial, ec);
  if (ec) return UnavailableError(fmt::format("cannot create {}: {}", partial, ec.message()));
  bool keys = false;
  Status copied = CopyHub(hub, log, partial, &keys);
  if (copied.ok() && !keys && !f.no_verify) {
    copied = FailedPreconditionError(fmt::format(
        "{} has no keys/: a copy without the hub's public key cannot be checked (and one without its signing key "
        "signs no checkpoints once restored); back up a hub with its keys/, or pass --no-verify",
        hub.config.data_dir));
  }
  std::string checked = "not checked (--no-verify)";
  if (copied.ok() && !f.no_verify) {
    std::cerr << "checking the copy of the audit log…\n";
    HubFlags copy;
    copy.data_dir = partial;
    Result<audit::VerifyReport> report = [&]() -> Result<audit::VerifyReport> {
      ASSIGN_OR_RETURN(HubReader restored, OpenHubToRead(copy));
      ASSIGN_OR_RETURN(std::string pub, audit::LoadPublicKey(partial + "/keys/signing.pub"));
      return audit::VerifyLog(restored.audit_store.db, pub, audit::OriginForHub(restored.hub_id), {}, nullptr);
    }();
    if (report.ok()) {
      checked = fmt::format("verified: {} entries and {} signed checkpoints", report->entries, report->checkpoints);
    } else {
      copied = report.status().WithContext("checking the copy");
    }
  }
  if (copied.ok()) {
    if (fs::exists(f.dir, ec)) fs::remove(f.dir, ec);  // empty (checked above); rename needs it gone or empty
    fs::rename(partial, f.dir, ec);
    if (ec) copied = UnavailableError(fmt::format("cannot rename {} to {}: {}", partial, f.dir, ec.message()));
  }
  if (copied.ok()) copied = Sync(fs::path(f.dir).lexically_normal().parent_path().empty()
                                     ? "."
                                     : fs::path(f.dir).lexically_normal().parent_path().string());
  if (!copied.ok()) {
    fs::remove_all(partial, ec);
    return copied;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("backed up {} into {} in {:.1f} s: ndc.db {}{}{}{}; the audit log {}\n",
                           hub.config.data_dir, f.dir, seconds, Size(fs::file_size(f.dir + "/ndc.db", ec)),
                           log.empty() ? " (holding the audit log)"
                                       : ", ndc.audit.db " + Size(fs::file_size(f.dir + "/ndc.audit.db", ec)),
                           fs::exists(f.dir + "/ndc.toml", ec) ? ", ndc.toml" : "", keys ? ", keys/" : "", checked);
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
