// Connectors: adding, inspecting and removing pull connectors (`ndc connector add|list|remove`).
// Running them is scheduler.h. Design: docs/design/connector.md.
//
// Add() checks everything it can before storing, so that a stored connector is runnable:
// - the name ([a-z][a-z0-9_]{0,39}), kind ("postgres"), interval, identifiers;
// - the conninfo parses and holds no password (secrets are never stored: --password-env names
//   an environment variable instead, or libpq's ~/.pgpass is used);
// - the dataset exists;
// - it connects to the source (read-only), the table exists, the watermark column and every
//   explicitly mapped column exist, and every required and source-key field has a column
//   (ResolveColumns in connector.h: explicit --map, else the field's `column`, else its name).
// The resolved mapping is stored, so a later change of defaults cannot change what is read.
//
// Errors: kInvalidArgument (bad spec, password in conninfo, unmapped required field — the
// message names each field and the table's columns), kNotFound (unknown dataset or connector,
// missing source table), kAlreadyExists (name taken), kFailedPrecondition (password variable
// unset; removing a running connector), source connection errors as the store maps them
// (kUnavailable, kUnauthenticated), hub store errors. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/result.h"
#include "connector/connector.h"
#include "connector/connector_store.h"
#include "connector/pg_source.h"
#include "store/store.h"

namespace ndc::connector {

struct AddedConnector {
  Connector connector;
  std::vector<std::string> unmapped_fields;  // optional fields the source has no column for
  std::string source;                        // the source database, host:port/dbname
  std::vector<std::string> warnings;         // what will work, but slowly (say it to the operator)
};

// The checks of Add() that need neither the hub nor the source (name, kind, conninfo without
// secrets, identifiers, interval). kInvalidArgument.
Status CheckSpec(const ConnectorSpec& spec);

class Connectors {
 public:
  // Not owned; all must outlive this object.
  Connectors(store::Database* hub, catalog::Catalog* catalog, Clock* clock, SourceOptions source = {})
      : catalog_(catalog), source_options_(std::move(source)), store_(hub, clock) {}

  Result<AddedConnector> Add(const ConnectorSpec& spec);
  Result<Connector> Get(const std::string& name) { return store_.Get(name); }
  Result<std::vector<Connector>> List() { return store_.List(); }
  Status Remove(const std::string& name) { return store_.Remove(name); }
  Status SetEnabled(const std::string& name, bool enabled) { return store_.SetEnabled(name, enabled); }

 private:
  catalog::Catalog* catalog_;
  SourceOptions source_options_;
  ConnectorStore store_;
};

}  // namespace ndc::connector
