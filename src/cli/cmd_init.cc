// ndc init: create a hub — data directory, configuration, signing key, store schema, first
// operator key (printed once).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "common/crypto.h"

namespace ndc::cli {
namespace {

namespace fs = std::filesystem;

// Creates `path` (which must not exist; symlinks are not followed) with `mode`, writes
// `contents` and syncs it to disk.
Status WriteNewFile(const std::string& path, const std::string& contents, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return FailedPreconditionError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) {
      ::close(fd);
      return InternalError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return InternalError(fmt::format("cannot sync {}: {}", path, std::strerror(errno)));
  return OkStatus();
}

// The data directory must be new or empty: init never mixes with or overwrites existing files
// (a second init must not replace the audit signing key).
// `*created`: whether the directory itself was made here (else it existed, empty).
Status PrepareDataDir(const std::string& dir, bool* created) {
  *created = false;
  std::error_code ec;
  if (fs::exists(dir + "/ndc.toml", ec) || fs::exists(dir + "/ndc.db", ec)) {
    return AlreadyExistsError(fmt::format(
        "data directory '{}' already holds a hub; start it with `ndc serve --data {}`, or get a new operator key "
        "with `ndc key create --data {} --role operator --name NAME`",
        dir, dir, dir));
  }
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return FailedPreconditionError(fmt::format("'{}' is not a directory", dir));
    if (!fs::is_empty(dir, ec)) {
      return FailedPreconditionError(
          fmt::format("data directory '{}' exists and is not empty; choose a new or empty directory", dir));
    }
  } else {
    fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (::mkdir(dir.c_str(), 0700) != 0) {
      return FailedPreconditionError(fmt::format("cannot create data directory '{}': {}", dir, std::strerror(errno)));
    }
    *created = true;
  }
  if (::chmod(dir.c_str(), 0700) != 0 || ::mkdir((dir + "/keys").c_str(), 0700) != 0) {
    return FailedPreconditionError(fmt::format("cannot prepare data directory '{}': {}", dir, std::strerror(errno)));
  }
  return OkStatus();
}

Status InitHub(Hub& hub, const std::string& dir, const HubConfig& config, bool quiet, std::string* claimed);

// Undoes a failed init: the data directory as it was before (gone, or empty again) and, on a
// server store, the hub's claim on the database, so that the same command can simply be run
// again once its cause is fixed. What migrations created in a server database stays (the next
// init reuses it).
// Returns what could not be undone ("" when everything was).
std::string UndoInit(const std::string& dir, bool created_dir, Hub* hub, const std::string& claimed_hub_id) {
  std::string left;
  if (hub != nullptr && hub->db != nullptr && !claimed_hub_id.empty()) {
    store::Value p[] = {claimed_hub_id};
    auto unclaimed = hub->db->Exec("DELETE FROM settings WHERE name = 'hub_id' AND value = $1", p);
    if (!unclaimed.ok()) {
      left = fmt::format("; the database {} may still be claimed (ndc init would then say so): once it is reachable, "
                         "run DELETE FROM settings WHERE name = 'hub_id' AND value = '{}' there",
                         hub->db->Describe(), claimed_hub_id);
    }
  }
  std::error_code ec;
  if (created_dir) {
    fs::remove_all(dir, ec);
    return left;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
  return left;
}

Status Init(const HubFlags& flags, bool quiet) {
  ASSIGN_OR_RETURN(HubConfig config, LoadHubConfig(flags));
  const std::string& dir = config.data_dir;
  bool created_dir = false;
  RETURN_IF_ERROR(PrepareDataDir(dir, &created_dir));
  std::optional<Hub> hub;
  std::string claimed;
  Status made = [&]() -> Status {
    ASSIGN_OR_RETURN(Hub opened, OpenHubWithConfig(config));
    hub.emplace(std::move(opened));
    return InitHub(*hub, dir, config, quiet, &claimed);
  }();
  if (made.ok()) return made;
  const std::string left = UndoInit(dir, created_dir, hub ? &*hub : nullptr, claimed);
  hub.reset();
  // The store files of the embedded store were still open above; remove what is left of them.
  UndoInit(dir, created_dir, nullptr, "");
  return Status(made.code(), fmt::format("{}; nothing of the hub was kept in '{}'{}: fix that and run `ndc init` again",
                                         made.message(), dir, left));
}

Status InitHub(Hub& hub, const std::string& dir, const HubConfig& config, bool quiet, std::string* claimed) {
  std::string hub_id = HexEncode(SystemRandom()->Bytes(8));
  store::Value p[] = {hub_id};
  auto ins = hub.db->Exec("INSERT INTO settings (name, value) VALUES ('hub_id', $1)", p);
  if (!ins.ok()) {
    if (ins.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError(fmt::format("the store at {} already belongs to a hub; point --data at that hub's "
                                            "directory, or use another database", hub.db->Describe()));
    }
    return ins.status();
  }
  *claimed = hub_id;

  // The checkpoint signing key (Ed25519) for the audit log; readable by the owner only.
  Ed25519KeyPair kp = GenerateEd25519(SystemRandom());
  RETURN_IF_ERROR(WriteNewFile(dir + "/keys/signing.key", Base64Encode(kp.secret_key) + "\n", 0600));
  RETURN_IF_ERROR(WriteNewFile(dir + "/keys/signing.pub", Base64Encode(kp.public_key) + "\n", 0644));
  ASSIGN_OR_RETURN(auto key, hub.keys->Create("initial operator", auth::Role::kOperator));
  // The log opens with the creation of the first key and a signed checkpoint of it.
  RETURN_IF_ERROR(AuditCliChange(hub, "key.create", {"", "", key.info.id}));
  RETURN_IF_ERROR(AttachCheckpointer(&hub, hub_id));
  if (hub.checkpointer == nullptr) return InternalError("the signing key just written cannot be read back");
  // It keeps the store choice with the data directory, so later commands need only --data. A
  // failure from here on removes it again (UndoInit), so a directory with ndc.toml is a hub.
  RETURN_IF_ERROR(WriteNewFile(dir + "/ndc.toml", DefaultConfigToml(config.store_url), 0600));
  // Last: a checkpoint signed with this hub's key must never outlive a failed init (on a server
  // store every later init would find it signed by a key it does not have).
  RETURN_IF_ERROR(hub.checkpointer->Issue().status());

  if (quiet) {
    std::cout << key.token << "\n";
    return OkStatus();
  }
  std::cout << fmt::format(
      "Initialized NDC hub {} in {}\n"
      "  store:        {}\n"
      "  signing key:  {}/keys/signing.key (Ed25519, mode 0600)\n"
      "  config:       {}/ndc.toml\n\n"
      "Operator API key (shown once; it is stored only as a hash):\n\n  {}\n\n"
      "Next: ndc serve --data {}\n",
      hub_id, dir, hub.db->Describe(), dir, dir, key.token, dir);
  return OkStatus();
}

}  // namespace

void RegisterInit(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("init", "Create a hub: data directory, config, signing key, store schema and the "
                                          "first operator API key (printed once)");
  auto* flags = NewCommandState<HubFlags>();
  auto* quiet = NewCommandState<bool>();
  AddHubFlags(cmd, flags);
  cmd->add_flag("--quiet,-q", *quiet, "Print only the operator key (for scripts)");
  cmd->callback([=] {
    Status s = Init(*flags, *quiet);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
