// ndc audit checkpoint|prove|verify|verify-proof|entries — the verifiable audit log from the command line
// (docs/design/audit-log.md). verify-proof needs no hub: it checks a proof file against a signed
// checkpoint and the public key, offline.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "audit/log_storage.h"
#include "audit/proof_json.h"
#include "audit/signing_key.h"
#include "audit/verifier.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "common/clock.h"
#include "common/json.h"

namespace ndc::cli {
namespace {

struct AuditFlags {
  HubFlags hub;
  std::string out;
  int64_t index = -1;
  std::string id;
  int64_t tree_size = -1;
  int64_t from = -1, to = -1;
  std::string pubkey, checkpoint, old_checkpoint, proof;
  std::vector<std::string> trusted;  // verify: checkpoint files the auditor holds
  std::string save;                  // verify: where to keep the latest checkpoint checked
  int64_t start = 0, limit = -1;     // entries: the first index, how many (-1: to the end)
  std::string action;                // entries: only actions starting with this
};

Result<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) return InvalidArgumentError(fmt::format("cannot read {} file '{}'", what, path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `text` to --out, or prints it.
Status Emit(const AuditFlags& f, const std::string& text) {
  if (f.out.empty()) {
    std::cout << text;
    return OkStatus();
  }
  std::ofstream out(f.out, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return InternalError(fmt::format("cannot write '{}'", f.out));
  std::cerr << "Wrote " << f.out << "\n";
  return OkStatus();
}

// A checkpoint file may be the note itself or the JSON of GET /v1/audit/checkpoint.
Result<std::string> CheckpointNote(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, "checkpoint"));
  if (!text.empty() && text[0] == '{') {
    auto j = ParseJson(text);
    if (!j.ok() || !j->is_object() || !j->contains("checkpoint") || !(*j)["checkpoint"].is_string()) {
      return InvalidArgumentError(fmt::format("'{}' is JSON without a string member 'checkpoint'", path));
    }
    return (*j)["checkpoint"].get<std::string>();
  }
  // A note's lines end with LF, and the note with exactly one: an editor's CRLF, or the newline
  // an extract (`jq -r .checkpoint`) adds, are not part of what was signed.
  std::string note;
  note.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    note.push_back(text[i]);
  }
  while (!note.empty() && (note.back() == '\n' || note.back() == '\r' || note.back() == ' ')) note.pop_back();
  if (!note.empty()) note.push_back('\n');
  return note;
}

Status Checkpoint(const AuditFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  if (hub.checkpointer == nullptr) {
    return FailedPreconditionError(fmt::format("no signing key at {}/keys/signing.key: checkpoints are signed on a "
                                               "node that has it",
                                               hub.config.data_dir));
  }
  ASSIGN_OR_RETURN(auto c, hub.checkpointer->Issue());
  return Emit(f, c.note);
}

Status Prove(const AuditFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  bool inclusion = f.index >= 0 || !f.id.empty();
  bool consistency = f.from >= 0 || f.to >= 0;
  if (inclusion == consistency || (f.index >= 0 && !f.id.empty())) {
    return InvalidArgumentError("give --index N or --id ID (inclusion), or --from M --to N (consistency)");
  }
  if (consistency) {
    if (f.from < 0 || f.to < 0) return InvalidArgumentError("a consistency proof needs both --from and --to");
    ASSIGN_OR_RETURN(auto hashes, hub.audit->ProveConsistency(f.from, f.to));
    return Emit(f, DumpJson(audit::ConsistencyProofJson(f.from, f.to, hashes), 2) + "\n");
  }
  uint64_t index = static_cast<uint64_t>(f.index);
  if (!f.id.empty()) {
    ASSIGN_OR_RETURN(index, hub.audit->IndexOf(f.id));
  }
  std::optional<uint64_t> size;
  if (f.tree_size >= 0) {
    size = static_cast<uint64_t>(f.tree_size);
  } else {
    // Default: the latest checkpoint that covers the entry, so the proof verifies against it.
    ASSIGN_OR_RETURN(auto latest, hub.audit->LatestCheckpoint());
    if (latest && latest->checkpoint.size > index) size = latest->checkpoint.size;
  }
  ASSIGN_OR_RETURN(auto proof, hub.audit->ProveInclusion(index, size));
  return Emit(f, DumpJson(audit::InclusionProofJson(proof), 2) + "\n");
}

// The progress of a long verification on stderr: on a terminal one line redrawn at most four
// times a second (erased at the end); otherwise a line every five seconds, for logs.
class VerifyProgressLine {
 public:
  VerifyProgressLine() : terminal_(::isatty(STDERR_FILENO) == 1), started_(SystemClock()->MonotonicMicros()) {}
  ~VerifyProgressLine() {
    if (drawn_) std::cerr << "\r\033[K" << std::flush;
  }
  void Update(uint64_t checked, uint64_t total) {
    const int64_t now = SystemClock()->MonotonicMicros();
    const int64_t interval = terminal_ ? 250'000 : 5'000'000;
    if (last_ >= 0 ? now - last_ < interval : now - started_ < interval) return;
    last_ = now;
    const double seconds = static_cast<double>(now - started_) / 1e6;
    std::string line = fmt::format("verifying: {} of {} entries ({:.0f}%), {:.0f} entries/s", checked, total,
                                   total == 0 ? 100.0 : 100.0 * static_cast<double>(checked) / total,
                                   seconds > 0 ? static_cast<double>(checked) / seconds : 0.0);
    if (terminal_) {
      std::cerr << "\r\033[K" << line << std::flush;
      drawn_ = true;
    } else {
      std::cerr << line << "\n" << std::flush;
    }
  }

 private:
  bool terminal_;
  int64_t started_;
  int64_t last_ = -1;
  bool drawn_ = false;
};

Status Verify(const AuditFlags& f) {
  // Read-only: verifying must change nothing, not even an older store's schema.
  ASSIGN_OR_RETURN(HubReader hub, OpenHubToRead(f.hub));
  std::string path = f.pubkey.empty() ? hub.config.data_dir + "/keys/signing.pub" : f.pubkey;
  Result<std::string> loaded = audit::LoadPublicKey(path);
  if (loaded.status().code() == StatusCode::kNotFound) {
    return NotFoundError(fmt::format("{}: copy keys/ from the same backup as the data, or pass --pubkey FILE "
                                     "(the hub's public key, GET /v1/audit/public-key)",
                                     loaded.status().message()));
  }
  ASSIGN_OR_RETURN(std::string pub, std::move(loaded));
  std::vector<std::string> trusted;
  for (const std::string& file : f.trusted) {
    // A --save file that does not exist yet is the first run of an auditor's routine: said, since
    // a lost or mistyped state file would otherwise skip the rollback check without a word.
    if (file == f.save && !std::filesystem::exists(file)) {
      std::cerr << fmt::format("NOTE: {} does not exist yet: taken as the first run of this routine, so no "
                               "earlier checkpoint was checked for a rollback (it is saved now)\n",
                               file);
      continue;
    }
    ASSIGN_OR_RETURN(std::string note, CheckpointNote(file));
    trusted.push_back(std::move(note));
  }
  audit::VerifyReport report;
  {
    VerifyProgressLine progress;
    ASSIGN_OR_RETURN(report, audit::VerifyLog(hub.audit_store.db, pub, audit::OriginForHub(hub.hub_id), trusted,
                                              [&](uint64_t checked, uint64_t total) { progress.Update(checked, total); }));
  }
  std::cout << fmt::format("OK: {} entries recomputed, {} tree nodes and {} signed checkpoints match; root {}\n",
                           report.entries, report.nodes, report.checkpoints,
                           Base64Encode(merkle::HashBytes(report.root)));
  if (report.person_runs > 0) {
    std::cout << fmt::format("OK: the person index's {} live run(s) list exactly the entries they cover (citizens' "
                             "access histories)\n",
                             report.person_runs);
  }
  if (report.person_entries_checked < report.person_entries_indexed) {
    std::cout << fmt::format("NOTE: the person index over {} of its {} entries was merged while this ran and is not "
                             "checked: run verify again (on a quiet hub it covers them all)\n",
                             report.person_entries_indexed - report.person_entries_checked,
                             report.person_entries_indexed);
  }
  if (!trusted.empty()) {
    std::cout << fmt::format("OK: the log extends the {} checkpoint(s) you hold\n", report.trusted);
  }
  if (!f.save.empty()) {
    if (report.latest_note.empty()) {
      return FailedPreconditionError(fmt::format("no signed checkpoint to save to '{}' yet: sign one with "
                                                 "`ndc audit checkpoint`", f.save));
    }
    // Written aside, made durable and renamed, so an interrupted save (or a power cut) never
    // leaves half a checkpoint or an empty file where the last good one was.
    const std::string tmp = f.save + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << report.latest_note;
      if (!out.flush()) return InvalidArgumentError(fmt::format("cannot write '{}'", tmp));
    }
    if (int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      const bool synced = ::fsync(fd) == 0;
      ::close(fd);
      if (!synced) return InvalidArgumentError(fmt::format("cannot write '{}' to disk", tmp));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, f.save, ec);
    if (ec) return InvalidArgumentError(fmt::format("cannot write '{}': {}", f.save, ec.message()));
    const std::filesystem::path parent = std::filesystem::absolute(f.save, ec).parent_path();
    if (int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      ::fsync(dir);  // the rename itself
      ::close(dir);
    }
    std::cout << fmt::format("saved the latest checkpoint checked to {}: pass it with --trusted next time\n", f.save);
  }
  return OkStatus();
}

// The log's entries as JSON lines, as GET /v1/audit/entries shows them; read-only (like verify),
// so it also reads a copy or the log a restore is about to replace (docs/backup.md).
Status Entries(const AuditFlags& f) {
  ASSIGN_OR_RETURN(HubReader hub, OpenHubToRead(f.hub));
  store::Database* db = hub.audit_store.db;
  ASSIGN_OR_RETURN(merkle::CompactRange head, audit::ReadHead(db));
  const uint64_t size = head.size();
  uint64_t begin = static_cast<uint64_t>(f.start);
  if (begin > size) {
    return InvalidArgumentError(fmt::format("--start {}: the log holds {} entries (indexes 0 to {})", begin, size,
                                            size == 0 ? 0 : size - 1));
  }
  const uint64_t end = f.limit < 0 ? size : std::min<uint64_t>(size, begin + static_cast<uint64_t>(f.limit));
  uint64_t shown = 0;
  while (begin < end) {
    constexpr uint64_t kPage = 1000;
    const uint64_t page_end = std::min(end, begin + kPage);
    ASSIGN_OR_RETURN(auto rows, audit::ReadEntries(db, begin, page_end));
    // Every index below the head is stored: a missing one is damage, said as such (verify finds it).
    if (rows.size() != page_end - begin) {
      return DataLossError(fmt::format("the log's entries [{}, {}) are not all stored ({} found): run "
                                       "`ndc audit verify`",
                                       begin, page_end, rows.size()));
    }
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(nlohmann::json j, audit::EntryJson(row));
      if (!f.action.empty() && !(j.contains("action") && j["action"].is_string() &&
                                 j["action"].get<std::string>().starts_with(f.action))) {
        continue;
      }
      std::cout << DumpJson(j) << "\n";
      ++shown;
    }
    begin += rows.size();
  }
  std::cerr << fmt::format("{} entr{} shown of [{}, {}); the log holds {}\n", shown, shown == 1 ? "y" : "ies",
                           f.start, end, size);
  return OkStatus();
}

Status VerifyProof(const AuditFlags& f) {
  ASSIGN_OR_RETURN(std::string note, CheckpointNote(f.checkpoint));
  ASSIGN_OR_RETURN(std::string proof, ReadFile(f.proof, "proof"));
  ASSIGN_OR_RETURN(std::string pub, audit::LoadPublicKey(f.pubkey));
  std::optional<std::string> old_note;
  if (!f.old_checkpoint.empty()) {
    ASSIGN_OR_RETURN(old_note, CheckpointNote(f.old_checkpoint));
  }
  std::optional<std::string_view> old_view;
  if (old_note) old_view = *old_note;
  ASSIGN_OR_RETURN(std::string summary, audit::VerifyProofOffline(note, proof, pub, old_view));
  std::cout << summary << "\n";
  return OkStatus();
}

void Bind(CLI::App* cmd, int* exit_code, std::function<Status()> fn) {
  cmd->callback([=] {
    Status s = fn();
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace

void RegisterAudit(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("audit", "The verifiable audit log: signed checkpoints, proofs, full verification "
                                           "(docs/design/audit-log.md)");
  cmd->require_subcommand(1);
  auto* f = NewCommandState<AuditFlags>();

  auto* checkpoint = cmd->add_subcommand("checkpoint", "Sign a checkpoint of the log now and print it (C2SP "
                                                       "tlog-checkpoint, signed note)");
  AddHubFlags(checkpoint, &f->hub);
  checkpoint->add_option("--out", f->out, "Write the checkpoint to this file instead of printing it");
  Bind(checkpoint, exit_code, [f] { return Checkpoint(*f); });

  auto* prove = cmd->add_subcommand("prove", "Print an inclusion proof (--index or --id) or a consistency proof "
                                             "(--from, --to) as JSON");
  AddHubFlags(prove, &f->hub);
  prove->add_option("--index", f->index, "Entry index")->check(CLI::NonNegativeNumber);
  prove->add_option("--id", f->id, "Entry id (aud_...)");
  prove->add_option("--tree-size", f->tree_size, "Prove against this tree size (default: the latest checkpoint's)")
      ->check(CLI::NonNegativeNumber);
  prove->add_option("--from", f->from, "Consistency: the older tree size")->check(CLI::NonNegativeNumber);
  prove->add_option("--to", f->to, "Consistency: the newer tree size")->check(CLI::NonNegativeNumber);
  prove->add_option("--out", f->out, "Write the proof to this file instead of printing it");
  Bind(prove, exit_code, [f] { return Prove(*f); });

  auto* verify = cmd->add_subcommand("verify", "Recompute the tree from every stored entry and check every "
                                               "checkpoint; exits 1 naming the first bad index if anything was "
                                               "changed, removed, reordered or inserted. Read-only: it opens the "
                                               "stores read-only and never upgrades an older store's schema");
  AddHubFlags(verify, &f->hub);
  verify->add_option("--pubkey", f->pubkey, "Public key file (default: <data>/keys/signing.pub)");
  verify->add_option("--trusted", f->trusted,
                     "A signed checkpoint you kept from an earlier run (repeatable): the log must still extend it, "
                     "or it was rolled back");
  verify->add_option("--save", f->save,
                     "Write the latest checkpoint checked to FILE, to pass with --trusted next time (the same FILE "
                     "for both is a routine: a missing one is skipped on the first run)");
  Bind(verify, exit_code, [f] { return Verify(*f); });

  auto* entries = cmd->add_subcommand("entries", "Print the log's entries as JSON lines (as GET /v1/audit/entries "
                                                "shows them). Read-only, like verify: also for a backup's copy or "
                                                "the log a restore replaces");
  AddHubFlags(entries, &f->hub);
  entries->add_option("--start", f->start, "The first entry's index (default 0)")->check(CLI::NonNegativeNumber);
  entries->add_option("--limit", f->limit, "At most this many entries (default: to the end of the log)")
      ->check(CLI::NonNegativeNumber);
  entries->add_option("--action", f->action, "Only entries whose action starts with this (e.g. key.revoke, agreement.)");
  Bind(entries, exit_code, [f] { return Entries(*f); });

  auto* offline = cmd->add_subcommand("verify-proof", "Check a proof file against a signed checkpoint and the public "
                                                      "key, offline (no hub needed)");
  offline->add_option("--checkpoint", f->checkpoint, "Signed checkpoint (the note, or GET /v1/audit/checkpoint JSON)")
      ->required();
  offline->add_option("--proof", f->proof, "Proof file (ndc audit prove, or GET /v1/audit/proof/...)")->required();
  offline->add_option("--pubkey", f->pubkey, "The log's public key (keys/signing.pub)")->required();
  offline->add_option("--old-checkpoint", f->old_checkpoint, "Consistency proofs: the older checkpoint");
  Bind(offline, exit_code, [f] { return VerifyProof(*f); });
}

}  // namespace ndc::cli
