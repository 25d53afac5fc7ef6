// ndc key create|list|revoke
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table_printer.h"
#include "common/certificate.h"
#include "common/clock.h"

namespace ndc::cli {
namespace {

struct KeyFlags {
  HubFlags hub;
  std::string name, role, agency, person, cert, cert_sha256, id, after;
  int limit = 100;
  bool quiet = false;
};

Status Create(const KeyFlags& f) {
  ASSIGN_OR_RETURN(auth::Role role, auth::ParseRole(f.role));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  // Bound to the person named, merged or not: requests follow merges from there, so a split gives
  // the key back to its own person (routes_keys.cc).
  const std::string& person = f.person;
  std::string cert_sha256 = f.cert_sha256;
  if (!f.cert.empty()) {
    if (!cert_sha256.empty()) return InvalidArgumentError("give either --cert or --cert-sha256, not both");
    std::ifstream in(f.cert);
    if (!in) return NotFoundError(fmt::format("--cert: cannot read the certificate file '{}'", f.cert));
    std::stringstream pem;
    pem << in.rdbuf();
    Result<std::string> fingerprint = CertificateSha256FromPem(pem.str());
    if (!fingerprint.ok()) return fingerprint.status().WithContext("--cert " + f.cert);
    cert_sha256 = *fingerprint;
  }
  ASSIGN_OR_RETURN(auto key, hub.keys->Create(f.name, role, f.agency, person, cert_sha256));
  RETURN_IF_ERROR(AuditCliChange(hub, "key.create", {"", "", key.info.id}));
  if (f.quiet) {
    std::cout << key.token << "\n";
  } else {
    std::cout << fmt::format("Created {} key {} for '{}'{}{}. The key (shown once, stored only as a hash):\n\n  {}\n",
                             f.role, key.info.id, f.name, person.empty() ? "" : " (person " + person + ")",
                             key.info.cert_sha256.empty()
                                 ? ""
                                 : ", usable only over mutual TLS with the certificate " + key.info.cert_sha256,
                             key.token);
  }
  return OkStatus();
}

Status List(const KeyFlags& f) {
  auth::KeyListing page;
  page.limit = f.limit;
  if (!f.role.empty()) {
    auto role = auth::ParseRole(f.role);
    if (!role.ok()) return role.status().WithContext("--role");
    page.role = *role;
  }
  page.agency_id = f.agency;
  page.after_id = f.after;
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto keys, hub.keys->List(page));
  TablePrinter t({"ID", "ROLE", "AGENCY", "PERSON", "NAME", "CREATED", "REVOKED", "CERTIFICATE"});
  for (const auto& k : keys) {
    t.Add({k.id, std::string(auth::RoleName(k.role)), k.agency_id, k.person_key, k.name, FormatRfc3339(k.created_at).substr(0, 19) + "Z",
           k.revoked_at ? FormatRfc3339(*k.revoked_at).substr(0, 19) + "Z" : "",
           k.cert_sha256.empty() ? "" : k.cert_sha256.substr(0, 16) + "…"});
  }
  t.Print(std::cout);
  if (keys.size() == static_cast<size_t>(page.limit)) {
    std::cout << fmt::format("\n{} keys shown; the next ones: ndc key list --after {}{}{}{}{}\n", keys.size(),
                             keys.back().id, f.role.empty() ? "" : " --role " + f.role,
                             f.agency.empty() ? "" : " --agency " + f.agency,
                             f.limit == 100 ? "" : " --limit " + std::to_string(f.limit), HubArgs(f.hub));
  }
  return OkStatus();
}

// The key id of `arg`: the id itself, or a whole key (ndc_<id>_<secret>) pasted in, whose secret
// is then never echoed in an error.
std::string KeyIdOf(const std::string& arg) {
  if (arg.rfind("ndc_", 0) != 0) return arg;
  const size_t end = arg.find('_', 4);
  return arg.substr(4, end == std::string::npos ? std::string::npos : end - 4);
}

Status Revoke(const KeyFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  const std::string id = KeyIdOf(f.id);
  RETURN_IF_ERROR(hub.keys->Revoke(id));
  RETURN_IF_ERROR(AuditCliChange(hub, "key.revoke", {"", "", id}));
  std::cout << "Revoked key " << id << "\n";
  return OkStatus();
}

}  // namespace

void RegisterKey(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("key", "Create, list and revoke API keys");
  cmd->require_subcommand(1);
  auto* f = NewCommandState<KeyFlags>();
  auto bind = [exit_code](CLI::App* c, std::function<Status()> fn) {
    c->callback([=] {
      Status s = fn();
      *exit_code = s.ok() ? 0 : ReportError(s);
    });
  };
  auto* create = cmd->add_subcommand("create", "Create an API key (printed once)");
  AddHubFlags(create, &f->hub);
  create->add_option("--name", f->name, "Who or what uses the key")->required();
  create->add_option("--role", f->role, "operator, agency, analyst, auditor or citizen")->required();
  create->add_option("--agency", f->agency, "For agency keys: the agency id the key acts for");
  create->add_option("--person", f->person, "For citizen keys: the person key (personal ID or surrogate) it acts for");
  create->add_option("--cert", f->cert,
                     "Bind the key to this client certificate (PEM file): it is then accepted only over mutual "
                     "TLS with that certificate (server.tls_client_ca)");
  create->add_option("--cert-sha256", f->cert_sha256,
                     "Bind the key to the client certificate with this SHA-256 fingerprint (64 hex digits, colons "
                     "allowed), instead of --cert");
  create->add_flag("--quiet,-q", f->quiet, "Print only the key");
  bind(create, [f] { return Create(*f); });
  auto* list = cmd->add_subcommand("list", "List keys (never their secrets), oldest first, a page at a time");
  AddHubFlags(list, &f->hub);
  list->add_option("--role", f->role, "Only keys of this role (operator, agency, analyst, auditor or citizen)");
  list->add_option("--agency", f->agency, "Only keys of this agency");
  list->add_option("--after", f->after, "Continue after this key id (printed at the end of a full page)");
  list->add_option("--limit", f->limit, "Keys per page")->check(CLI::Range(1, 100000))->capture_default_str();
  bind(list, [f] { return List(*f); });
  auto* revoke = cmd->add_subcommand("revoke", "Revoke a key: it stops working at once");
  AddHubFlags(revoke, &f->hub);
  revoke->add_option("id", f->id, "Key id (the 12 hex digits after ndc_), or the whole key")->required();
  bind(revoke, [f] { return Revoke(*f); });
}

}  // namespace ndc::cli
