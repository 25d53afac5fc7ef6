// Hub configuration: defaults < TOML file < environment (NDC_*) < command-line flags.
//
// Every key is declared once in the registry (ConfigKeys()), which drives parsing, validation,
// the environment variable names and docs/configuration.md. Unknown keys in a file are an error
// (a typo must not silently fall back to a default). Reading the environment is injectable.
// Thread-compatible value types.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace ndc {

struct HubConfig {
  std::string data_dir = "ndc-data";        // data.dir
  std::string store_url;                    // store.url; empty = SQLite file <data.dir>/ndc.db
  int store_pool_size = 8;                  // store.pool_size
  std::string listen = "127.0.0.1:8080";    // server.listen (HOST:PORT; port 0 = any free port)
  int threads = 0;                          // server.threads; 0 = one per core
  int64_t max_body_bytes = 1ll << 20;       // server.max_body_bytes
  int max_header_bytes = 16 << 10;          // server.max_header_bytes
  int max_connections = 1024;               // server.max_connections
  int max_connections_per_address = 256;    // server.max_connections_per_address
  int header_timeout_seconds = 10;          // server.header_timeout_seconds
  int keyless_refusals_per_minute = 120;    // server.keyless_refusals_per_minute
  int request_timeout_seconds = 60;         // server.request_timeout_seconds
  int64_t min_upload_bytes_per_second = 4096;  // server.min_upload_bytes_per_second
  int64_t spool_reserve_bytes = 1ll << 30;     // server.spool_reserve_bytes
  int idle_timeout_seconds = 75;            // server.idle_timeout_seconds
  int shutdown_grace_seconds = 30;          // server.shutdown_grace_seconds
  std::string tls_cert;                     // server.tls_cert (PEM chain; empty: plain HTTP)
  std::string tls_key;                      // server.tls_key
  std::string tls_client_ca;                // server.tls_client_ca (mutual TLS)
  std::string log_level = "info";           // log.level: trace|debug|info|warn|error|off
  std::string log_format = "text";          // log.format: text|json
  int ingest_max_reject_percent = 10;       // ingest.max_reject_percent
  int64_t ingest_max_batch_bytes = 16ll << 30;  // ingest.max_batch_bytes (HTTP batch bodies)
  int audit_commit_linger_us = 0;                // audit.commit_linger_us (GroupCommitOptions::linger)
  int audit_stall_seconds = 10;                  // audit.stall_seconds (/healthz)
  int sharing_default_rate_per_minute = 600;     // sharing.default_rate_per_minute

  // The store URL to open: store_url, or "sqlite:<data_dir>/ndc.db".
  std::string EffectiveStoreUrl() const;
};

struct ConfigKey {
  std::string name;         // "server.listen"
  std::string env;          // "NDC_SERVER_LISTEN"
  std::string default_text; // as documented
  std::string help;
};
const std::vector<ConfigKey>& ConfigKeys();

// Where configuration comes from. `env` returns the value of an environment variable or nullopt;
// by default it reads the process environment.
struct ConfigSources {
  std::optional<std::string> file;                  // explicit --config: must exist
  std::optional<std::string> default_file;          // <data>/ndc.toml: used only if it exists
  std::function<std::optional<std::string>(const std::string&)> env;
  std::map<std::string, std::string> overrides;     // key name -> value, from flags
};

// Builds the configuration. Errors (kInvalidArgument unless noted) name the source and key:
// "config file ndc.toml: unknown key 'server.lisen'", "NDC_SERVER_THREADS: expected an integer,
// got 'many'", kNotFound for a missing explicit file.
Result<HubConfig> LoadConfig(const ConfigSources& sources);

// The process environment, for ConfigSources::env.
std::optional<std::string> ProcessEnv(const std::string& name);

// A commented TOML file with every key at its default, written by `ndc init`; a non-empty
// `store_url` is written as the (uncommented) store.url.
std::string DefaultConfigToml(const std::string& store_url = "");

}  // namespace ndc
