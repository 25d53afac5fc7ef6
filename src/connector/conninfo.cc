#include "connector/conninfo.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <memory>

namespace ndc::connector {
namespace {

struct OptionsDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using OptionsPtr = std::unique_ptr<PQconninfoOption, OptionsDeleter>;

// Secrets: the connection password and the passphrase of the client's SSL key.
bool IsSecret(std::string_view keyword) { return keyword == "password" || keyword == "sslpassword"; }

Result<OptionsPtr> Parse(std::string_view conninfo) {
  if (conninfo.empty()) return InvalidArgumentError("conninfo is empty: give a libpq URI or key=value string");
  const std::string text(conninfo);
  char* error = nullptr;
  OptionsPtr options(PQconninfoParse(text.c_str(), &error));
  if (!options) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return InvalidArgumentError("conninfo: " + message);
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr && IsSecret(o->keyword)) {
      return InvalidArgumentError(fmt::format(
          "conninfo contains a {}: NDC does not store secrets. Remove it and give the password through an "
          "environment variable on the nodes that pull (--password-env VAR) or in ~/.pgpass",
          o->keyword));
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
  bool has_application_name = false;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::string_view(o->keyword) == "application_name") has_application_name = true;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", o->keyword, Quote(o->val));
  }
  if (!has_application_name && !application_name.empty()) {
    out += fmt::format("{}application_name={}", out.empty() ? "" : " ", Quote(application_name));
  }
  if (password) out += fmt::format("{}password={}", out.empty() ? "" : " ", Quote(*password));
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
