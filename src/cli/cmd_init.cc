// ndc init: create a hub — data directory, configuration, signing key, store schema, first
// operator key (printed once).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "common/crypto.h"

namespace ndc::cli {
namespace {

namespace fs = std::filesystem;

Status WriteSecretFile(const std::string& path, const std::string& contents, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return InternalError("cannot write " + path);
  out << contents;
  out.close();
  if (!out) return InternalError("cannot write " + path);
  if (::chmod(path.c_str(), mode) != 0) return InternalError("cannot set permissions of " + path);
  return OkStatus();
}

Status Init(const HubFlags& flags, bool quiet) {
  ASSIGN_OR_RETURN(HubConfig config, LoadHubConfig(flags));
  const std::string& dir = config.data_dir;
  std::error_code ec;
  if (fs::exists(dir + "/ndc.toml") || fs::exists(dir + "/ndc.db")) {
    return AlreadyExistsError(fmt::format(
        "data directory '{}' already holds a hub; start it with `ndc serve --data {}`, or get a new operator key "
        "with `ndc key create --data {} --role operator --name NAME`",
        dir, dir, dir));
  }
  fs::create_directories(dir + "/keys", ec);
  if (ec) return FailedPreconditionError(fmt::format("cannot create data directory '{}': {}", dir, ec.message()));
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  fs::permissions(dir + "/keys", fs::perms::owner_all, fs::perm_options::replace, ec);

  // The checkpoint signing key (Ed25519) for the audit log; readable by the owner only.
  Ed25519KeyPair kp = GenerateEd25519(SystemRandom());
  RETURN_IF_ERROR(WriteSecretFile(dir + "/keys/signing.key", Base64Encode(kp.secret_key) + "\n", 0600));
  RETURN_IF_ERROR(WriteSecretFile(dir + "/keys/signing.pub", Base64Encode(kp.public_key) + "\n", 0644));

  // Keep the store choice with the data directory so later commands need only --data.
  RETURN_IF_ERROR(WriteSecretFile(dir + "/ndc.toml", DefaultConfigToml(config.store_url), 0600));

  ASSIGN_OR_RETURN(Hub hub, OpenHubWithConfig(config));
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
  ASSIGN_OR_RETURN(auto key, hub.keys->Create("initial operator", auth::Role::kOperator));
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
  auto* flags = new HubFlags();  // lives as long as the process, like the CLI11 app
  auto* quiet = new bool(false);
  AddHubFlags(cmd, flags);
  cmd->add_flag("--quiet,-q", *quiet, "Print only the operator key (for scripts)");
  cmd->callback([=] {
    Status s = Init(*flags, *quiet);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
