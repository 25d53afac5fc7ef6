// Checks of the `$1..$n` parameter rule (store.h) shared by the backends.
//
// SQLite reports a statement's parameters itself; for PostgreSQL ScanSql() finds them with a
// light tokenizer that knows string literals (incl. E'...'), quoted identifiers, comments and
// dollar quoting, so that a `$1` inside a literal is not a parameter. Pure; thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ndc::store {

struct SqlShape {
  std::vector<int> parameters;      // distinct $n outside literals and comments, ascending
  std::vector<size_t> offsets;      // byte offset of the '$' of every $n occurrence, in order
  bool several_statements = false;  // a `;` followed by more SQL
  bool empty = true;                // nothing but whitespace, comments and `;`
};
SqlShape ScanSql(std::string_view sql);

// OK iff `referenced` (ascending, distinct) is exactly 1..k and `given` == k; else
// kInvalidArgument with a message starting "<backend>: ".
Status CheckParameters(std::span<const int> referenced, size_t given, std::string_view backend);

}  // namespace ndc::store
