#include "connector/conninfo.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <memory>
#include <set>

namespace ndc::connector {
namespace {

struct OptionsDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using OptionsPtr = std::unique_ptr<PQconninfoOption, OptionsDeleter>;

// Secrets: the connection password and the passphrase of the client's SSL key.
bool IsSecret(std::string_view keyword) { return keyword == "password" || keyword == "sslpassword"; }

// libpq's parse errors quote the offending text ("invalid percent-encoded token: \"s3cr%zzet\"",
// "missing \"=\" after \"secret\""), which may be part of a password, and a quote inside that
// text would shift any pairing of quotes: the message is cut at its first quote.
std::string WithoutQuotedText(std::string_view message) {
  if (message.starts_with("missing \"=\" after")) return "missing \"=\" after a keyword (key=value pairs)";
  const size_t quote = message.find('"');
  if (quote == std::string_view::npos) return std::string(message);
  std::string out(message.substr(0, quote));
  while (!out.empty() && (out.back() == ' ' || out.back() == ':')) out.pop_back();
  return out;
}

Result<OptionsPtr> Parse(std::string_view conninfo) {
  if (conninfo.empty()) return InvalidArgumentError("conninfo is empty: give a libpq URI or key=value string");
  const std::string text(conninfo);
  char* error = nullptr;
  OptionsPtr options(PQconninfoParse(text.c_str(), &error));
  if (!options) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return InvalidArgumentError("conninfo: " + WithoutQuotedText(message) +
                                " (the text libpq quoted is left out: it may hold a password)");
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    // A dbname holding a URI or key=value string (with its own password, say) is not expanded by
    // a conninfo string; it would only be echoed in "database ... does not exist".
    const bool nested = std::string_view(o->keyword) == "dbname" &&
                        (std::string_view(o->val).find("://") != std::string_view::npos ||
                         std::string_view(o->val).find('=') != std::string_view::npos);
    if (IsSecret(o->keyword) || nested) {
      return InvalidArgumentError(fmt::format(
          "conninfo contains {}: NDC does not store secrets. Remove it and give the password through an "
          "environment variable on the nodes that pull (--password-env VAR) or in ~/.pgpass",
          nested ? "a connection string as its dbname" : std::string("a ") + o->keyword));
    }
  }
  return options;
}

std::string Quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

Status CheckConninfo(std::string_view conninfo) { return Parse(conninfo).status(); }

Result<std::string> ConnectString(std::string_view conninfo, const std::optional<std::string>& password,
                                  std::string_view application_name) {
  ASSIGN_OR_RETURN(OptionsPtr options, Parse(conninfo));
  std::string out;
  std::set<std::string_view> given;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    given.insert(o->keyword);
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", o->keyword, Quote(o->val));
  }
  auto add_default = [&](std::string_view keyword, std::string_view value) {
    if (given.contains(keyword) || value.empty()) return;
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", keyword, Quote(value));
  };
  add_default("application_name", application_name);
  // A pull runs inside the hub's batch transaction: a source that vanishes without a word (a
  // firewall dropping the connection) must fail it within minutes, not after the system's
  // two-hour TCP keepalive, holding the dataset's turn all the while. Only the conninfo's own
  // settings stand against these (a service file's are overridden: set them in the conninfo).
  add_default("keepalives_idle", "60");
  add_default("keepalives_interval", "10");
  add_default("keepalives_count", "3");
  add_default("tcp_user_timeout", "120000");
  // Without a named variable the password is given empty, never left unset: libpq would fill an
  // unset one from PGPASSWORD, which on a node holds the hub store's own password, and send it to
  // the agency's server. An empty one still lets libpq read ~/.pgpass (or PGPASSFILE), whose
  // lines name their host.
  out += fmt::format("{}password={}", out.empty() ? "" : " ", Quote(password.value_or("")));
  return out;
}

bool IsValidEnvName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace ndc::connector
