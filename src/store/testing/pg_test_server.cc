#include "store/testing/pg_test_server.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ndc::store {
namespace {

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || c == '.' || c == '~';
    out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<std::string> PgTestServerUrl() {
  if (const char* url = std::getenv("NDC_TEST_PG_URL"); url && *url) return std::string(url);
  const char* file = std::getenv("NDC_TEST_PG_FILE");
  if (file == nullptr || *file == '\0') return FailedPreconditionError(kPgTestServerMissing);
  std::ifstream in(file);
  std::stringstream content;
  content << in.rdbuf();
  std::string url = Trimmed(content.str());
  if (!in || url.empty()) {
    return FailedPreconditionError(fmt::format(
        "{} (cannot read NDC_TEST_PG_FILE={}; did pg_server_start fail?)", kPgTestServerMissing, file));
  }
  return url;
}

Result<std::string> WithDatabase(const std::string& conninfo, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string msg = error ? Trimmed(error) : "out of memory";
    PQfreemem(error);
    return InvalidArgumentError("bad PostgreSQL connection string: " + msg);
  }
  std::string url = "postgresql:///" + PercentEncode(dbname);
  char sep = '?';
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string_view(o->keyword) == "dbname") continue;
    url += fmt::format("{}{}={}", sep, o->keyword, PercentEncode(o->val));
    sep = '&';
  }
  PQconninfoFree(options);
  return url;
}

}  // namespace ndc::store
