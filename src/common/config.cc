#include "common/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace ndc {
namespace {

enum class Kind { kString, kInt, kEnum };
struct KeyDef {
  const char* name;
  Kind kind;
  const char* default_text;
  const char* help;
  std::vector<std::string> choices;  // for kEnum
  int64_t min = 0, max = 0;          // for kInt
};

const std::vector<KeyDef>& Defs() {
  static const std::vector<KeyDef> defs = {
      {"data.dir", Kind::kString, "ndc-data", "Data directory: SQLite file, keys, config.", {}},
      {"store.url", Kind::kString, "", "Store URL: empty for the embedded SQLite file <data.dir>/ndc.db, "
                                       "or postgresql://user@host:port/db.", {}},
      {"store.pool_size", Kind::kInt, "8", "Database connections kept open.", {}, 1, 1024},
      {"server.listen", Kind::kString, "127.0.0.1:8080", "HOST:PORT to listen on (port 0: any free port).", {}},
      {"server.threads", Kind::kInt, "0",
       "HTTP worker threads; 0 = 2 per core, at least 4 (responses, not threads, wait for the audit commit).", {}, 0,
       1024},
      {"server.max_body_bytes", Kind::kInt, "1048576",
       "Largest request body held in memory (413 above); ingest batches are spooled to disk and held to "
       "ingest.max_batch_bytes instead.",
       {}, 1,
       int64_t{1} << 30},
      {"server.max_header_bytes", Kind::kInt, "16384", "Largest request header block accepted (431 above).", {},
       512, 1 << 20},
      {"server.max_connections", Kind::kInt, "1024", "Open connections at most; more are closed at once.", {}, 1,
       1000000},
      {"server.max_connections_per_address", Kind::kInt, "256",
       "Of those, at most this many from one client address (one client cannot take every slot).", {}, 1,
       1000000},
      {"server.keyless_refusals_per_minute", Kind::kInt, "120",
       "Refusals of requests without a valid key audited per minute per client address (IPv6: per /64), "
       "and ten times that for all clients together; "
       "past that they are refused alike but only logged. 0: audit every one (behind a proxy that hides "
       "client addresses, raise it or set 0).", {}, 0, 100000000},
      {"server.header_timeout_seconds", Kind::kInt, "10",
       "Time for a request's header to arrive (from a new connection's opening, or a later request's "
       "first byte).", {}, 1, 3600},
      {"server.request_timeout_seconds", Kind::kInt, "60", "Time to read a request and write its response.", {},
       1, 86400},
      {"server.min_upload_bytes_per_second", Kind::kInt, "4096",
       "A batch upload must bring this many bytes a second on average over each request_timeout window, "
       "else it is cut (408). 0: no minimum.", {}, 0, 1ll << 40},
      {"server.spool_reserve_bytes", Kind::kInt, "1073741824",
       "Uploads are refused (507) rather than leave less than this free on the data directory's file system, "
       "which the stores and the audit log need.", {}, 0, 1ll << 50},
      {"server.idle_timeout_seconds", Kind::kInt, "75", "Keep-alive connections idle longer are closed.", {}, 1,
       86400},
      {"server.shutdown_grace_seconds", Kind::kInt, "30", "On SIGTERM, how long in-flight requests may finish.",
       {}, 0, 3600},
      {"server.tls_cert", Kind::kString, "",
       "Certificate chain (PEM file) for HTTPS; with server.tls_key the server speaks only TLS.", {}},
      {"server.tls_key", Kind::kString, "", "Private key (PEM file) of server.tls_cert.", {}},
      {"server.tls_client_ca", Kind::kString, "",
       "CA certificates (PEM file) that sign client certificates: turns on mutual TLS, which API keys bound "
       "to a certificate need.", {}},
      {"log.level", Kind::kEnum, "info", "trace, debug, info, warn, error or off.",
       {"trace", "debug", "info", "warn", "error", "off"}},
      {"log.format", Kind::kEnum, "text", "text (human) or json (one object per line).", {"text", "json"}},
      {"ingest.max_reject_percent", Kind::kInt, "10",
       "A batch with a larger share of rejected rows is refused whole (per batch: max_reject_share).", {}, 0, 100},
      {"ingest.max_batch_bytes", Kind::kInt, "17179869184",
       "Largest batch body accepted over HTTP, compressed (413 above); spooled to disk, not memory.", {}, 1,
       int64_t{1} << 40},
      {"audit.commit_linger_us", Kind::kInt, "0",
       "Under load, how long the audit committer waits for more entries to share a commit (microseconds; "
       "0: never). Only after a commit of 16 or more entries; a lone request never waits.", {}, 0, 100000},
      {"audit.stall_seconds", Kind::kInt, "10",
       "How long one audit commit may take before GET /healthz reports the node unavailable (503): "
       "every data response waits for its audit entry.", {}, 1, 3600},
      {"sharing.default_rate_per_minute", Kind::kInt, "600",
       "Data requests per minute per client when its agreement names no rate (429 above).", {}, 1, 100000000},
  };
  return defs;
}

std::string EnvName(const std::string& key) {
  std::string out = "NDC_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

const KeyDef* FindDef(const std::string& name) {
  for (const auto& d : Defs())
    if (name == d.name) return &d;
  return nullptr;
}

// Flattens a TOML table into "section.key" -> text.
Status FlattenToml(const toml::table& table, const std::string& prefix, const std::string& source,
                   std::map<std::string, std::string>* out) {
  for (const auto& [k, node] : table) {
    std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      RETURN_IF_ERROR(FlattenToml(*sub, name, source, out));
      continue;
    }
    if (FindDef(name) == nullptr) return InvalidArgumentError(fmt::format("{}: unknown key '{}'", source, name));
    if (auto s = node.value<std::string>()) {
      (*out)[name] = *s;
    } else if (auto i = node.value<int64_t>()) {
      (*out)[name] = std::to_string(*i);
    } else if (auto b = node.value<bool>()) {
      (*out)[name] = *b ? "true" : "false";
    } else {
      return InvalidArgumentError(fmt::format("{}: key '{}' must be a string or an integer", source, name));
    }
  }
  return OkStatus();
}

Status ReadTomlFile(const std::string& path, std::map<std::string, std::string>* out) {
  std::ifstream in(path);
  if (!in) return NotFoundError(fmt::format("config file {} cannot be read", path));
  std::stringstream buf;
  buf << in.rdbuf();
  toml::table parsed;
  try {
    parsed = toml::parse(buf.str(), path);
  } catch (const toml::parse_error& err) {  // toml++ is built with exceptions: stop them here
    return InvalidArgumentError(fmt::format("config file {}: line {}: {}", path, err.source().begin.line,
                                            err.description()));
  }
  return FlattenToml(parsed, "", "config file " + path, out);
}

Status Apply(const std::string& name, const std::string& value, const std::string& source, HubConfig* c) {
  const KeyDef* def = FindDef(name);
  if (def == nullptr) return InvalidArgumentError(fmt::format("{}: unknown key '{}'", source, name));
  int64_t n = 0;
  if (def->kind == Kind::kInt) {
    char* end = nullptr;
    errno = 0;
    n = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0) {
      return InvalidArgumentError(fmt::format("{}: {} expects an integer, got '{}'", source, name, value));
    }
    if (n < def->min || n > def->max) {
      return InvalidArgumentError(
          fmt::format("{}: {} must be between {} and {}, got {}", source, name, def->min, def->max, n));
    }
  }
  if (def->kind == Kind::kEnum) {
    bool found = false;
    for (const auto& ch : def->choices) found = found || ch == value;
    if (!found) {
      return InvalidArgumentError(fmt::format("{}: {} must be one of {}, got '{}'", source, name,
                                              fmt::join(def->choices, ", "), value));
    }
  }
  if (name == "store.url" && !value.empty() && !value.starts_with("postgresql://") &&
      !value.starts_with("postgres://")) {
    // Anything else used to open (and create) a SQLite file of that name in the working directory.
    // The value itself is not repeated: it may hold a password (review of 2026-12-01: a
    // key=value string or a mistyped scheme printed it whole). Its scheme is enough to see why.
    const size_t scheme = value.find("://");
    auto is_scheme = [](std::string_view s) {  // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
      if (s.empty() || s.size() > 32 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
      for (char ch : s) {
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-' && ch != '.') return false;
      }
      return true;
    };
    const bool named = scheme != std::string::npos && is_scheme(std::string_view(value).substr(0, scheme));
    const std::string got = named ? fmt::format("a URL of scheme '{}'", value.substr(0, scheme))
                                  : std::string("a value that is not a URL (key=value connection strings are not read)");
    return InvalidArgumentError(fmt::format(
        "{}: store.url must be a PostgreSQL URL such as postgresql://user@host:5432/ndc, got {}; leave it out "
        "for the embedded store in the data directory (--data)",
        source, got));
  }
  if (name == "store.url" && std::count(value.begin(), value.begin() + std::min(value.find('?'), value.size()),
                                         '@') > 1) {
    // libpq reads the user info to the first '@' and takes the rest for the host: a password
    // holding a raw '@' would be half sent as a host name, and echoed in its error.
    return InvalidArgumentError(fmt::format("{}: store.url holds '@' more than once before its query: write an '@' "
                                            "of the user name or password as %40",
                                            source));
  }
  if (name == "data.dir") c->data_dir = value;
  else if (name == "store.url") c->store_url = value;
  else if (name == "store.pool_size") c->store_pool_size = static_cast<int>(n);
  else if (name == "server.listen") c->listen = value;
  else if (name == "server.threads") c->threads = static_cast<int>(n);
  else if (name == "server.max_body_bytes") c->max_body_bytes = n;
  else if (name == "server.max_header_bytes") c->max_header_bytes = static_cast<int>(n);
  else if (name == "server.max_connections") c->max_connections = static_cast<int>(n);
  else if (name == "server.max_connections_per_address") c->max_connections_per_address = static_cast<int>(n);
  else if (name == "server.header_timeout_seconds") c->header_timeout_seconds = static_cast<int>(n);
  else if (name == "server.keyless_refusals_per_minute") c->keyless_refusals_per_minute = static_cast<int>(n);
  else if (name == "server.request_timeout_seconds") c->request_timeout_seconds = static_cast<int>(n);
  else if (name == "server.min_upload_bytes_per_second") c->min_upload_bytes_per_second = n;
  else if (name == "server.spool_reserve_bytes") c->spool_reserve_bytes = n;
  else if (name == "server.idle_timeout_seconds") c->idle_timeout_seconds = static_cast<int>(n);
  else if (name == "server.shutdown_grace_seconds") c->shutdown_grace_seconds = static_cast<int>(n);
  else if (name == "server.tls_cert") c->tls_cert = value;
  else if (name == "server.tls_key") c->tls_key = value;
  else if (name == "server.tls_client_ca") c->tls_client_ca = value;
  else if (name == "log.level") c->log_level = value;
  else if (name == "log.format") c->log_format = value;
  else if (name == "ingest.max_reject_percent") c->ingest_max_reject_percent = static_cast<int>(n);
  else if (name == "ingest.max_batch_bytes") c->ingest_max_batch_bytes = n;
  else if (name == "audit.commit_linger_us") c->audit_commit_linger_us = static_cast<int>(n);
  else if (name == "audit.stall_seconds") c->audit_stall_seconds = static_cast<int>(n);
  else if (name == "sharing.default_rate_per_minute") c->sharing_default_rate_per_minute = static_cast<int>(n);
  return OkStatus();
}

}  // namespace

std::string HubConfig::EffectiveStoreUrl() const {
  if (!store_url.empty()) return store_url;
  return "sqlite:" + data_dir + "/ndc.db";
}

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> k;
    for (const auto& d : Defs()) k.push_back({d.name, EnvName(d.name), d.default_text, d.help});
    return k;
  }();
  return keys;
}

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<HubConfig> LoadConfig(const ConfigSources& sources) {
  HubConfig config;
  std::map<std::string, std::string> file_values;
  std::string file_source;
  if (sources.file) {
    RETURN_IF_ERROR(ReadTomlFile(*sources.file, &file_values));
    file_source = "config file " + *sources.file;
  } else if (sources.default_file && std::ifstream(*sources.default_file).good()) {
    RETURN_IF_ERROR(ReadTomlFile(*sources.default_file, &file_values));
    file_source = "config file " + *sources.default_file;
  }
  for (const auto& [k, v] : file_values) RETURN_IF_ERROR(Apply(k, v, file_source, &config));
  auto env = sources.env ? sources.env : ProcessEnv;
  for (const auto& d : Defs()) {
    std::string var = EnvName(d.name);
    if (auto v = env(var)) RETURN_IF_ERROR(Apply(d.name, *v, "environment " + var, &config));
  }
  for (const auto& [k, v] : sources.overrides) RETURN_IF_ERROR(Apply(k, v, "flag for " + k, &config));
  return config;
}

std::string DefaultConfigToml(const std::string& store_url) {
  std::string out =
      "# NDC hub configuration. Every key may also be set by an environment variable\n"
      "# (NDC_<SECTION>_<KEY>, e.g. NDC_SERVER_LISTEN) or a command-line flag; flags win,\n"
      "# then the environment, then this file. See docs/configuration.md.\n";
  std::string section;
  for (const auto& d : Defs()) {
    std::string name = d.name;
    std::string sec = name.substr(0, name.find('.'));
    std::string key = name.substr(name.find('.') + 1);
    if (sec == "data") continue;  // the file lives in the data directory
    if (sec != section) {
      out += "\n[" + sec + "]\n";
      section = sec;
    }
    out += "# " + std::string(d.help) + "\n";
    bool quoted = d.kind != Kind::kInt;
    out += "# " + key + " = " + (quoted ? "\"" + std::string(d.default_text) + "\"" : d.default_text) + "\n";
    if (name == "store.url" && !store_url.empty()) {
      std::string escaped;
      for (char c : store_url) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c;
      }
      out += "url = \"" + escaped + "\"\n";
    }
  }
  return out;
}

}  // namespace ndc
