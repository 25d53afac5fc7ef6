// SqlitePlanProblems: what makes a statement's work grow with its table, from SQLite's own query
// plans — for tests that pin a listing to an index (docs/design/store.md, "Statements that stay
// bounded at national scale"). SQLite plans do not depend on how many rows a table holds (no
// ANALYZE here), so a small test table shows the plan a national one gets.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace ndc::store {

// Runs `run` on an Executor that passes every statement to `db` (a SQLite store) and records it,
// then asks SQLite for the plan of each recorded SELECT with the same parameters. Returns a line
// per problem ("<statement>: SCAN <table>" or "...: USE TEMP B-TREE FOR ORDER BY"), empty when no
// SELECT reads a whole table or sorts what it matched: each seeks an index, or walks one in order
// up to its LIMIT. (It cannot see a seek whose filter then rejects most rows; keep filters in the
// index, see store.md.) A plan step that scans `allowed_scans` (e.g. a small lookup table) is not
// a problem.
std::string SqlitePlanProblems(Database& db, const std::function<void(Executor&)>& run,
                               const std::vector<std::string>& allowed_scans = {});

}  // namespace ndc::store
