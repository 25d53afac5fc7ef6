#include "person/person_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace ndc::person {
namespace {

using store::Value;
using Params = std::vector<Value>;

Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }

// A cell as Row::Str gives it, its string moved out rather than copied.
std::string TakeText(Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
  return store::ValueText(v);
}

constexpr char kLinkColumns[] =
    "dataset_id, record_key, person_key, method, weight, attributes, source_updated_at, linked_at";

Result<Link> LinkFromRow(const store::Row& row) {
  Link l;
  l.dataset_id = row.Str(0);
  l.record_key = row.Str(1);
  l.person_key = row.Str(2);
  l.method = row.Str(3);
  if (!row.IsNull(4)) l.weight = row.Double(4);
  ASSIGN_OR_RETURN(l.attributes, AttributesFromJson(row.Str(5)));
  l.source_updated_at = row.Int(6);
  l.linked_at = row.Int(7);
  return l;
}

}  // namespace

Result<std::optional<Person>> GetPerson(store::Executor& db, const std::string& key) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT person_key, kind, status, merged_into, created_at, updated_at FROM persons "
                            "WHERE person_key = $1",
                            Params{key}));
  if (rs.rows.empty()) return std::optional<Person>();
  const store::Row& r = rs.rows[0];
  return std::optional<Person>(Person{r.Str(0), r.Str(1), r.Str(2), r.OptStr(3), r.Int(4), r.Int(5)});
}

Result<std::optional<std::string>> ResolvePerson(store::Executor& db, const std::string& key) {
  std::string current = key;
  for (int hops = 0; hops < 64; ++hops) {  // merges form chains, never cycles; the bound is a guard
    ASSIGN_OR_RETURN(std::optional<Person> p, GetPerson(db, current));
    if (!p) return std::optional<std::string>();
    if (p->status != "merged" || !p->merged_into) return std::optional<std::string>(current);
    current = *p->merged_into;
  }
  return DataLossError(fmt::format("persons: the merge chain from {} is longer than 64 (a cycle?)", key));
}

Result<bool> CreatePerson(store::Executor& db, const std::string& key, const std::string& kind, int64_t now) {
  ASSIGN_OR_RETURN(int64_t n, db.Exec("INSERT INTO persons (person_key, kind, status, created_at, updated_at) "
                                      "VALUES ($1, $2, 'active', $3, $3) ON CONFLICT (person_key) DO NOTHING",
                                      Params{key, kind, now}));
  return n > 0;
}

Status LockPerson(store::Executor& db, const std::string& key, int64_t now) {
  return db.Exec("UPDATE persons SET updated_at = $1 WHERE person_key = $2", Params{now, key}).status();
}

Status LockActivePerson(store::Executor& db, const std::string& key, int64_t now) {
  ASSIGN_OR_RETURN(int64_t n, db.Exec("UPDATE persons SET updated_at = $1 WHERE person_key = $2 AND status = 'active'",
                                      Params{now, key}));
  if (n == 1) return OkStatus();
  return AbortedError(fmt::format("person {} was merged into another (or is gone) while this change was made; "
                                  "retry it",
                                  key));
}

Status MarkMerged(store::Executor& db, const std::string& from, const std::string& into, int64_t now) {
  return db
      .Exec("UPDATE persons SET status = 'merged', merged_into = $1, updated_at = $2 WHERE person_key = $3",
            Params{into, now, from})
      .status();
}

namespace {

// Whether the record came into `into` with the merge of `child`: it was linked to `child` or to a
// person merged into it when `child` was merged (the last linked/unlinked event about it there
// says so: a merged person changes no more), and it has not been unlinked from or linked to
// `into` since that merge (it did not leave and come back another way).
Result<bool> CameWith(store::Executor& db, const std::string& into, const std::string& child,
                      const std::string& dataset_id, const std::string& record_key) {
  ASSIGN_OR_RETURN(store::ResultSet merge,
                   db.Query("SELECT MAX(seq) FROM person_events WHERE person_key = $1 AND kind = 'merged' AND "
                            "other_person_key = $2",
                            Params{into, child}));
  if (merge.rows.empty() || merge.rows[0].IsNull(0)) return false;
  ASSIGN_OR_RETURN(store::ResultSet since,
                   db.Query("SELECT 1 FROM person_events WHERE person_key = $1 AND dataset_id = $2 AND "
                            "record_key = $3 AND kind IN ('linked', 'unlinked') AND seq > $4 LIMIT 1",
                            Params{into, dataset_id, record_key, merge.rows[0].Int(0)}));
  if (!since.rows.empty()) return false;
  // The newest linked/unlinked event about the record across `child` and the persons merged into
  // it, up to that merge, must be `linked`: one where it left `child` before (moved to another
  // person) is newer than the `linked` of the person that first held it.
  ASSIGN_OR_RETURN(std::vector<std::string> subtree, AbsorbedPersons(db, child, 1000));
  subtree.insert(subtree.begin(), child);
  int64_t newest = -1;
  bool linked = false;
  for (const std::string& person : subtree) {
    ASSIGN_OR_RETURN(store::ResultSet last,
                     db.Query("SELECT kind, seq FROM person_events WHERE person_key = $1 AND dataset_id = $2 AND "
                              "record_key = $3 AND kind IN ('linked', 'unlinked') AND seq <= $4 "
                              "ORDER BY seq DESC LIMIT 1",
                              Params{person, dataset_id, record_key, merge.rows[0].Int(0)}));
    if (!last.rows.empty() && last.rows[0].Int(1) > newest) {
      newest = last.rows[0].Int(1);
      linked = last.rows[0].Str(0) == "linked";
    }
  }
  return linked;
}

}  // namespace

Result<std::optional<std::string>> MergedHolderOf(store::Executor& db, const std::string& into,
                                                  const std::string& dataset_id, const std::string& record_key) {
  // The persons merged into `into` itself (in a chain S into M into P, M: the merge into P is the
  // one a split of P's record contradicts; S stays part of M), and those already given back from
  // it (active again, unmerged_from) — a merge writes no event per link it moves.
  ASSIGN_OR_RETURN(store::ResultSet children,
                   db.Query("SELECT person_key FROM persons WHERE (merged_into = $1 AND status = 'merged') OR "
                            "(unmerged_from = $1 AND status = 'active') ORDER BY person_key LIMIT 1000",
                            Params{into}));
  for (const auto& row : children.rows) {
    ASSIGN_OR_RETURN(bool came, CameWith(db, into, row.Str(0), dataset_id, record_key));
    if (came) return std::optional<std::string>(row.Str(0));
  }
  return std::optional<std::string>();
}

Status Unmerge(store::Executor& db, const std::string& key, const std::string& from, int64_t now) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("UPDATE persons SET status = 'active', merged_into = NULL, unmerged_from = $1, "
                            "updated_at = $2 WHERE person_key = $3 AND status = 'merged' AND merged_into = $1 "
                            "RETURNING person_key",
                            Params{from, now, key}));
  if (rs.rows.empty()) return AbortedError(fmt::format("person {} is no longer merged into {}", key, from));
  return OkStatus();
}

namespace {

// `to` and the persons merged into it, appended to `params` as parameters, and the "$3, $4, ..."
// that names them in an IN list: whose citizens' keys resolve to `to` again after Unmerge.
Result<std::string> GivenBackKeys(store::Executor& db, const std::string& to, Params* params) {
  ASSIGN_OR_RETURN(std::vector<std::string> persons, AbsorbedPersons(db, to, 1000));
  persons.insert(persons.begin(), to);
  std::string in;
  for (const std::string& p : persons) {
    params->push_back(p);
    in += fmt::format("{}${}", in.empty() ? "" : ", ", params->size());
  }
  return in;
}

}  // namespace

Status GiveBackConsents(store::Executor& db, const std::string& from, const std::string& to) {
  // The turn a grant through a key bound to `to` (or to a person merged into it) takes on its way
  // to the survivor (sharing::TakeTurnOfSurvivor from the key's person): one that took it first
  // commits under `from` before the UPDATE below runs, one that comes after finds `to` active
  // (review of 2026-12-02: a grant committed just after the split stayed with `from`).
  RETURN_IF_ERROR(store::SerializeOn(db, "consents.live:" + to));
  // Keys bound to `to` or to a person merged into it (their citizens resolve to `to` again).
  Params params{to, from};
  ASSIGN_OR_RETURN(std::string in, GivenBackKeys(db, to, &params));
  // Key ids are ours (hex: no LIKE wildcards in them); the citizen route writes the proof so.
  return db
      .Exec("UPDATE consents SET person_key = $1 WHERE person_key = $2 AND EXISTS (SELECT 1 FROM api_keys k "
            "WHERE k.person_key IN (" + in + ") AND consents.proof LIKE 'key ' || k.id || ' request %')",
            params)
      .status();
}

Status GiveBackCorrections(store::Executor& db, const std::string& from, const std::string& to) {
  // Who asked is kept apart from whose request it is: neither the request's time nor its record
  // tells (review of 2026-12-01: bounds by the record's link events gave another holder's requests,
  // or kept the person's own after a second merge). The turn: as in GiveBackConsents.
  RETURN_IF_ERROR(store::SerializeOn(db, "corrections.open:" + to));
  Params params{to, from};
  ASSIGN_OR_RETURN(std::string in, GivenBackKeys(db, to, &params));
  return db
      .Exec("UPDATE correction_requests SET person_key = $1 WHERE person_key = $2 AND asked_by IN (" + in + ")",
            params)
      .status();
}

Status MovePersonReferences(store::Executor& db, const std::string& from, const std::string& into) {
  // The turns a consent grant and a correction request of `from` take (sharing/consent_store.cc,
  // correction_store.cc): one that resolved `from` before this merge commits then waits for it,
  // finds `from` merged, and stores under `into` (review of 2026-12-02: it landed under `from`).
  RETURN_IF_ERROR(store::SerializeOn(db, "consents.live:" + from));
  RETURN_IF_ERROR(store::SerializeOn(db, "corrections.open:" + from));
  RETURN_IF_ERROR(db.Exec("UPDATE consents SET person_key = $1 WHERE person_key = $2", Params{into, from}).status());
  return db.Exec("UPDATE correction_requests SET person_key = $1 WHERE person_key = $2", Params{into, from}).status();
}

Result<std::vector<std::string>> AbsorbedPersons(store::Executor& db, const std::string& key, size_t max) {
  std::vector<std::string> out;
  std::vector<std::string> pending = {key};
  while (!pending.empty() && out.size() < max) {
    const std::string next = std::move(pending.back());
    pending.pop_back();
    ASSIGN_OR_RETURN(store::ResultSet rs,
                     db.Query("SELECT person_key FROM persons WHERE merged_into = $1 ORDER BY person_key LIMIT $2",
                              Params{next, static_cast<int64_t>(max - out.size())}));
    for (const auto& r : rs.rows) {
      std::string absorbed = r.Str(0);
      if (absorbed == key || std::find(out.begin(), out.end(), absorbed) != out.end()) continue;  // no cycles
      out.push_back(absorbed);
      pending.push_back(std::move(absorbed));
    }
  }
  return out;
}

Status AppendEvent(store::Executor& db, const PersonEvent& e) {
  return db
      .Exec("INSERT INTO person_events (person_key, kind, other_person_key, dataset_id, record_key, detail, at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            Params{e.person_key, e.kind, Opt(e.other_person_key), Opt(e.dataset_id), Opt(e.record_key), e.detail,
                   e.at})
      .status();
}

Result<std::vector<PersonEvent>> ListPersonEvents(store::Executor& db, const std::string& person_key,
                                                  int64_t after_seq, int limit) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT seq, person_key, kind, other_person_key, dataset_id, record_key, detail, at "
                            "FROM person_events WHERE person_key = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                            Params{person_key, after_seq, int64_t{limit}}));
  std::vector<PersonEvent> out;
  for (const auto& r : rs.rows) {
    out.push_back({r.Int(0), r.Str(1), r.Str(2), r.OptStr(3), r.OptStr(4), r.OptStr(5), r.Str(6), r.Int(7)});
  }
  return out;
}

Result<std::optional<Link>> GetLink(store::Executor& db, const std::string& dataset_id, const std::string& record_key) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(fmt::format("SELECT {} FROM person_links WHERE dataset_id = $1 AND record_key = $2",
                                        kLinkColumns),
                            Params{dataset_id, record_key}));
  if (rs.rows.empty()) return std::optional<Link>();
  ASSIGN_OR_RETURN(Link l, LinkFromRow(rs.rows[0]));
  return std::optional<Link>(std::move(l));
}

Status PutLink(store::Executor& db, const Link& l) {
  return db
      .Exec(fmt::format("INSERT INTO person_links ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                        "ON CONFLICT (dataset_id, record_key) DO UPDATE SET person_key = excluded.person_key, "
                        "method = excluded.method, weight = excluded.weight, attributes = excluded.attributes, "
                        "source_updated_at = excluded.source_updated_at, linked_at = excluded.linked_at",
                        kLinkColumns),
            Params{l.dataset_id, l.record_key, l.person_key, l.method, l.weight ? Value(*l.weight) : Value(),
                   AttributesToJson(l.attributes), l.source_updated_at, l.linked_at})
      .status();
}

Status DeleteLink(store::Executor& db, const std::string& dataset_id, const std::string& record_key) {
  return db.Exec("DELETE FROM person_links WHERE dataset_id = $1 AND record_key = $2", Params{dataset_id, record_key})
      .status();
}

Result<std::vector<Link>> LinksOf(store::Executor& db, const std::string& person_key) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(fmt::format("SELECT {} FROM person_links WHERE person_key = $1 "
                                        "ORDER BY dataset_id, record_key",
                                        kLinkColumns),
                            Params{person_key}));
  std::vector<Link> out;
  for (const auto& r : rs.rows) {
    ASSIGN_OR_RETURN(Link l, LinkFromRow(r));
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::optional<ResolvedPerson>> ResolveLinked(store::Executor& db, const std::string& key) {
  std::string current = key;
  for (int hops = 0; hops < 64; ++hops) {  // as ResolvePerson: merges form chains, never cycles
    // The person row joined to its links and their datasets: no link gives one row of NULLs.
    ASSIGN_OR_RETURN(store::ResultSet rs,
                     db.Query("SELECT p.status, p.merged_into, l.dataset_id, l.record_key, d.current_version "
                              "FROM persons p "
                              "LEFT JOIN person_links l ON l.person_key = p.person_key "
                              "LEFT JOIN datasets d ON d.id = l.dataset_id "
                              "WHERE p.person_key = $1 ORDER BY l.dataset_id, l.record_key",
                              Params{current}));
    if (rs.rows.empty()) return std::optional<ResolvedPerson>();
    const store::Row& first = rs.rows[0];
    if (first.Str(0) == "merged" && !first.IsNull(1)) {
      current = first.Str(1);
      continue;
    }
    ResolvedPerson out{current, {}};
    out.records.reserve(rs.rows.size());
    for (store::Row& r : rs.rows) {
      if (r.IsNull(2)) continue;
      const int version = static_cast<int>(r.Int(4));
      std::vector<store::Value> values = r.TakeValues();  // the texts move, not copied
      out.records.push_back({TakeText(values[2]), TakeText(values[3]), version});
    }
    return std::optional<ResolvedPerson>(std::move(out));
  }
  return DataLossError(fmt::format("persons: the merge chain from {} is longer than 64 (a cycle?)", key));
}

Status ReplaceGolden(store::Executor& db, const std::string& person_key, const std::vector<GoldenValue>& values) {
  // Only what changed is written: most refreshes change one value or none.
  ASSIGN_OR_RETURN(std::vector<GoldenValue> stored, GetGolden(db, person_key));
  std::map<std::string, const GoldenValue*> old;
  for (const auto& v : stored) old[v.attribute] = &v;
  // Changed values go in one multi-row statement: one round trip per person, not per value.
  std::string rows;
  Params params;
  for (const auto& v : values) {
    auto it = old.find(v.attribute);
    const bool same = it != old.end() && *it->second == v;
    if (it != old.end()) old.erase(it);
    if (same) continue;
    const size_t n = params.size();
    rows += fmt::format("{}(${}, ${}, ${}, ${}, ${}, ${})", rows.empty() ? "" : ", ", n + 1, n + 2, n + 3, n + 4,
                        n + 5, n + 6);
    params.insert(params.end(), {person_key, v.attribute, v.value, v.dataset_id, v.record_key, v.source_updated_at});
  }
  if (!rows.empty()) {
    RETURN_IF_ERROR(db.Exec("INSERT INTO person_golden (person_key, attribute, value, dataset_id, record_key, "
                            "source_updated_at) VALUES " + rows + " ON CONFLICT (person_key, attribute) "
                            "DO UPDATE SET value = excluded.value, dataset_id = excluded.dataset_id, "
                            "record_key = excluded.record_key, source_updated_at = excluded.source_updated_at",
                            params)
                        .status());
  }
  for (const auto& [attribute, v] : old) {
    RETURN_IF_ERROR(db.Exec("DELETE FROM person_golden WHERE person_key = $1 AND attribute = $2",
                            Params{person_key, attribute})
                        .status());
  }
  return OkStatus();
}

Result<std::vector<GoldenValue>> GetGolden(store::Executor& db, const std::string& person_key) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT attribute, value, dataset_id, record_key, source_updated_at FROM person_golden "
                            "WHERE person_key = $1 ORDER BY attribute",
                            Params{person_key}));
  std::vector<GoldenValue> out;
  for (const auto& r : rs.rows) out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4)});
  return out;
}

Result<std::vector<std::string>> PersonsWithGolden(store::Executor& db, const std::string& attribute,
                                                   const std::string& value) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT g.person_key FROM person_golden g JOIN persons p ON p.person_key = g.person_key "
                            "WHERE g.attribute = $1 AND g.value = $2 AND p.status = 'active' ORDER BY g.person_key",
                            Params{attribute, value}));
  std::vector<std::string> out;
  for (const auto& r : rs.rows) out.push_back(r.Str(0));
  return out;
}

Result<std::set<std::string>> RecordsBehindTheirSurrogates(store::Executor& db, const std::string& dataset_id,
                                                           const std::vector<std::string>& record_keys) {
  std::set<std::string> out;
  constexpr size_t kChunk = 500;
  for (size_t at = 0; at < record_keys.size(); at += kChunk) {
    const size_t n = std::min(kChunk, record_keys.size() - at);
    std::string in;
    Params params{dataset_id};
    for (size_t i = 0; i < n; ++i) {
      in += fmt::format("{}${}", i ? ", " : "", i + 2);
      params.emplace_back(record_keys[at + i]);
    }
    ASSIGN_OR_RETURN(store::ResultSet rs,
                     db.Query("SELECT DISTINCT l.record_key FROM person_links l JOIN persons p ON "
                              "p.person_key = l.person_key AND p.kind = 'surrogate' JOIN person_golden g ON "
                              "g.person_key = l.person_key AND g.dataset_id = l.dataset_id AND "
                              "g.record_key = l.record_key WHERE l.dataset_id = $1 AND l.record_key IN (" + in + ")",
                              params));
    for (const auto& r : rs.rows) out.insert(r.Str(0));
  }
  return out;
}

Result<int64_t> GoldenValueHolders(store::Executor& db, const std::string& attribute, const std::string& value,
                                   bool surrogates_only) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(surrogates_only
                                ? "SELECT COUNT(*) FROM person_golden g JOIN persons p ON p.person_key = g.person_key "
                                  "WHERE g.attribute = $1 AND g.value = $2 AND p.status = 'active' AND "
                                  "p.kind = 'surrogate'"
                                : "SELECT COUNT(*) FROM person_golden g JOIN persons p ON p.person_key = g.person_key "
                                  "WHERE g.attribute = $1 AND g.value = $2 AND p.status = 'active'",
                            Params{attribute, value}));
  return rs.rows.empty() ? 0 : rs.rows[0].Int(0);
}

Result<int64_t> GetCursor(store::Executor& db, const std::string& dataset_id, const std::string& part) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT last_seq FROM person_link_cursors WHERE dataset_id = $1 AND part = $2",
                            Params{dataset_id, part}));
  return rs.rows.empty() ? int64_t{0} : rs.rows[0].Int(0);
}

Status SetCursor(store::Executor& db, const std::string& dataset_id, const std::string& part, int64_t seq,
                 int64_t now) {
  return db
      .Exec("INSERT INTO person_link_cursors (dataset_id, part, last_seq, updated_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (dataset_id, part) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at "
            "WHERE person_link_cursors.last_seq < excluded.last_seq",
            Params{dataset_id, part, seq, now})
      .status();
}

Result<std::optional<std::string>> GetPersonSetting(store::Executor& db, const std::string& name) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query("SELECT value FROM person_settings WHERE name = $1", Params{name}));
  if (rs.rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rs.rows[0].Str(0));
}

Status PutPersonSetting(store::Executor& db, const std::string& name, const std::string& value, int64_t now) {
  return db
      .Exec("INSERT INTO person_settings (name, value, updated_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            Params{name, value, now})
      .status();
}

}  // namespace ndc::person
