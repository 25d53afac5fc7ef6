#include "connector/pg_source.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/config.h"
#include "common/log.h"
#include "connector/conninfo.h"

namespace ndc::connector {
namespace {

using store::QuoteIdentifier;
using store::Value;

constexpr char kCursor[] = "ndc_pull";

std::string Table(const std::string& schema, const std::string& table) {
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(table);
}

// One unit of a timestamp column's precision, as interval text: a timestamp(p) holds multiples of
// 10^-p seconds; typmod -1 (no precision declared) is p = 6, microseconds.
std::string PrecisionUnit(int64_t typmod) {
  int64_t micros = 1;
  for (int64_t p = std::clamp<int64_t>(typmod < 0 ? 6 : typmod, 0, 6); p < 6; ++p) micros *= 10;
  return fmt::format("{} microseconds", micros);
}

}  // namespace

Result<std::unique_ptr<PgSource>> PgSource::Open(const Connector& c, const SourceOptions& options) {
  return Open(c.name, c.conninfo, c.password_env, options);
}

Result<std::unique_ptr<PgSource>> PgSource::Open(const std::string& name, const std::string& conninfo,
                                                 const std::string& password_env, const SourceOptions& options) {
  std::optional<std::string> password;
  if (!password_env.empty()) {
    password = options.env ? options.env(password_env) : ProcessEnv(password_env);
    if (!password) {
      return FailedPreconditionError(fmt::format(
          "connector {}: environment variable {} (the source database password) is not set on this node", name,
          password_env));
    }
  }
  ASSIGN_OR_RETURN(std::string connect, ConnectString(conninfo, password, options.application_name_prefix + name));
  store::OpenOptions open;
  open.pool_size = 1;
  open.read_only = true;
  open.statement_timeout_ms = options.statement_timeout_ms;
  Result<std::unique_ptr<store::Database>> db = store::OpenPostgres(connect, open);
  if (!db.ok()) return db.status().WithContext(fmt::format("connector {}: opening the source database", name));
  return std::unique_ptr<PgSource>(new PgSource(std::move(db).value(), options.now));
}

PgSource::~PgSource() {
  if (tx_) tx_->Rollback().IgnoreError();  // read-only: nothing to keep
  tx_.reset();
}

store::Executor& PgSource::executor() {
  if (tx_) return *tx_;
  return *db_;
}

Status PgSource::Begin() {
  if (tx_) return FailedPreconditionError("source: the pull's transaction is already open");
  ASSIGN_OR_RETURN(tx_, db_->Begin());
  // Before any query, so that the whole pull reads one snapshot.
  return tx_->Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").status();
}

Result<std::vector<std::string>> PgSource::Columns(const std::string& schema, const std::string& table) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   executor().Query("SELECT CAST(column_name AS TEXT) FROM information_schema.columns "
                                    "WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                                    std::vector<Value>{schema, table}));
  std::vector<std::string> out;
  for (const store::Row& r : rs.rows) out.push_back(r.Str(0));
  if (out.empty()) {
    return NotFoundError(fmt::format("source table {}.{} does not exist in {} (or its columns are not readable by "
                                     "the connecting role)",
                                     schema, table, db_->Describe()));
  }
  return out;
}

Result<bool> PgSource::HasIndexLeadingWith(const std::string& schema, const std::string& table,
                                           const std::string& column) {
  // indkey is an int2vector, subscripted from 0: its first element is the index's first column.
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   executor().Query("SELECT COUNT(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                                    "JOIN pg_namespace n ON n.oid = t.relnamespace "
                                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] "
                                    "JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am m ON m.oid = x.relam "
                                    "WHERE n.nspname = $1 AND t.relname = $2 AND a.attname = $3 AND i.indisvalid "
                                    "AND i.indpred IS NULL AND m.amname = 'btree'",
                                    std::vector<Value>{schema, table, column}));
  return !rs.rows.empty() && rs.rows[0].Int(0) > 0;
}

Result<std::optional<std::string>> PgSource::MaxValue(const std::string& schema, const std::string& table,
                                                      const std::string& column,
                                                      const std::optional<std::string>& after) {
  // A date or time watermark is read no further than the source's clock: one row dated 2062 by a
  // typo (or 'infinity') would otherwise become the watermark, and every later pull would find
  // nothing newer, and a row stamped hours ahead (a clock set wrong) would make `to` skip every
  // change stamped before it and committed after the pull. Rows left out are pulled when their
  // time comes; those more than a day ahead are warned about.
  //
  // The cap is strictly below the present truncated to the column's precision: a date before
  // today, a timestamp(p) before the current 10^-p second (p = 0 for Laravel's timestamps(); no
  // precision is p = 6). A row written after this pull gets a value in the current unit or a
  // later one (the column rounds the writer's clock, or the writer truncates it first), so a `to`
  // of the current unit would pass it by for good; the unit's rows are pulled once it is over.
  // It is written `col <= present - unit`: for values of the column's precision that is exactly
  // `col < trunc(present)`, with no truncation to a unit date_trunc() lacks (p = 1, 2, 4, 5).
  //
  // For a `timestamp` or `date` column (no time zone) "the source's clock" is not one clock: a
  // writer stamps it in its own session's zone, which may be the server's default zone (what
  // pg_settings' reset_val of TimeZone gives: the database's, role's or server's setting) or UTC
  // (an application in a container), and the cap is the earlier of the two. A later cap would let
  // a writer behind it still stamp rows below the stored watermark after the pull — lost for good
  // (a review of 2026-11-30: a UTC writer's "today" on a Vietnamese server, counted as yesterday
  // by a server-local cap). The cost: a source writing local times east of UTC (Vietnam, UTC+7)
  // has its rows pulled up to the offset later, never lost. A domain over one of these types is
  // capped as its base type, at the domain's precision. A numeric or float watermark never becomes
  // 'NaN' or 'Infinity' (both sort above every number): one such row would make every later pull
  // find nothing newer.
  ASSIGN_OR_RETURN(store::ResultSet type,
                   executor().Query("WITH RECURSIVE t (typname, typtype, typbasetype, typtypmod, typmod, depth) AS ("
                                    "SELECT CAST(ty.typname AS TEXT), ty.typtype, ty.typbasetype, ty.typtypmod, "
                                    "a.atttypmod, 0 "
                                    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "JOIN pg_type ty ON ty.oid = a.atttypid "
                                    "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 "
                                    "UNION ALL SELECT CAST(b.typname AS TEXT), b.typtype, b.typbasetype, "
                                    "b.typtypmod, t.typtypmod, t.depth + 1 "
                                    "FROM t JOIN pg_type b ON b.oid = t.typbasetype WHERE t.typtype = 'd' AND "
                                    "t.depth < 16) "
                                    "SELECT typname, CAST(typmod AS BIGINT) FROM t WHERE typtype <> 'd'",
                                    std::vector<Value>{schema, table, column}));
  const std::string typname = type.rows.empty() ? "" : type.rows[0].Str(0);
  const int64_t typmod = type.rows.empty() ? -1 : type.rows[0].Int(1);
  const bool timed = typname == "date" || typname == "timestamp" || typname == "timestamptz";
  const bool numeric = typname == "numeric" || typname == "float4" || typname == "float8";
  const std::string col = QuoteIdentifier(column);
  std::vector<Value> params;
  std::string now = "now()";
  if (now_ && timed) {  // a parameter no statement names would be an error
    params.emplace_back(now_());
    now = "CAST($1 AS TIMESTAMPTZ)";
  }
  const std::vector<Value> clock_params = params;  // all a time watermark's warning binds
  auto bind = [&params](const std::string& v) {
    params.emplace_back(v);
    return fmt::format("${}", params.size());
  };
  const std::string local_now =
      fmt::format("({} AT TIME ZONE (SELECT reset_val FROM pg_settings WHERE name = 'TimeZone'))", now);
  const std::string utc_now = fmt::format("({} AT TIME ZONE 'UTC')", now);
  // The source's present in the column's own type: the earlier reading (the cap), and the later
  // one (for the warning about rows far ahead, which neither clock explains).
  std::string present = now, latest = now;
  if (typname == "date") {
    present = fmt::format("LEAST(CAST({} AS date), CAST({} AS date))", local_now, utc_now);
    latest = fmt::format("GREATEST(CAST({} AS date), CAST({} AS date))", local_now, utc_now);
  } else if (typname == "timestamp") {
    present = fmt::format("LEAST({}, {})", local_now, utc_now);
    latest = fmt::format("GREATEST({}, {})", local_now, utc_now);
  }
  std::vector<std::string> where;
  if (after) where.push_back(fmt::format("{} > {}", col, bind(*after)));
  if (typname == "date") {
    where.push_back(fmt::format("{} < {}", col, present));
  } else if (timed) {
    where.push_back(fmt::format("{} <= {} - CAST({} AS INTERVAL)", col, present, bind(PrecisionUnit(typmod))));
  } else if (numeric) {
    where.push_back(fmt::format("CAST({} AS TEXT) NOT IN ('NaN', 'Infinity')", col));
  }
  std::string sql = fmt::format("SELECT CAST(MAX({0}) AS TEXT) FROM {1}", col, Table(schema, table));
  if (!where.empty()) sql += " WHERE " + fmt::format("{}", fmt::join(where, " AND "));
  ASSIGN_OR_RETURN(store::Row row, executor().QueryOne(sql, params));
  if (timed || numeric) {
    // Typed comparisons, which the watermark's index answers (a cast to text would read the table).
    // numeric holds 'Infinity' from PostgreSQL 14 on (before, the literal is an error).
    bool numeric_infinity = typname != "numeric";
    if (typname == "numeric") {
      ASSIGN_OR_RETURN(store::Row v, executor().QueryOne("SELECT CAST(current_setting('server_version_num') AS "
                                                         "INTEGER)"));
      numeric_infinity = v.Int(0) >= 140000;
    }
    const std::string beyond = !numeric           ? fmt::format("{} > {} + interval '1 day'", col, latest)
                               : numeric_infinity ? fmt::format("{0} = 'NaN' OR {0} = 'Infinity'", col)
                                                  : fmt::format("{} = 'NaN'", col);
    ASSIGN_OR_RETURN(store::Row ahead, executor().QueryOne(fmt::format("SELECT COUNT(*) FROM {} WHERE {}",
                                                                       Table(schema, table), beyond),
                                                           numeric ? std::vector<Value>{} : clock_params));
    if (ahead.Int(0) > 0) {
      log::Warn(numeric ? "connector.watermark_not_a_number" : "connector.watermark_in_the_future",
                {{"table", schema + "." + table}, {"column", column}, {"rows", std::to_string(ahead.Int(0))},
                 {"what_to_do", numeric ? "these rows are never pulled: give them a number at the source"
                                        : "these rows are not pulled until their time comes: correct their "
                                          "watermark at the source"}});
    }
  }
  return row.OptStr(0);
}

Status PgSource::OpenCursor(const std::string& select, std::vector<Value> params) {
  if (!tx_) return FailedPreconditionError("source: a cursor needs the pull's transaction (Begin first)");
  if (cursor_open_) return FailedPreconditionError("source: the pull's cursor is already open");
  RETURN_IF_ERROR(tx_->Exec(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", kCursor, select), params).status());
  cursor_open_ = true;
  return OkStatus();
}

Result<std::vector<store::Row>> PgSource::Fetch(int64_t n) {
  if (!cursor_open_) return FailedPreconditionError("source: no cursor open");
  ASSIGN_OR_RETURN(store::ResultSet rs, tx_->Query(fmt::format("FETCH FORWARD {} FROM {}", std::max<int64_t>(n, 1),
                                                               kCursor)));
  return std::move(rs.rows);
}

PullQuery BuildPullQuery(const Connector& c, const catalog::DatasetSchema& schema, PullMode mode,
                         const std::optional<std::string>& from, const std::optional<std::string>& to,
                         size_t max_field_chars) {
  PullQuery q;
  std::vector<std::string> selected;
  for (const catalog::FieldSpec& f : schema.fields) {
    q.field_names.push_back(f.name);
    auto it = c.columns.find(f.name);
    if (it == c.columns.end()) {
      q.field_column.push_back(-1);
      continue;
    }
    auto pos = std::find(q.columns.begin(), q.columns.end(), it->second);
    if (pos == q.columns.end()) {
      q.columns.push_back(it->second);
      const std::string text = fmt::format("CAST({} AS TEXT)", QuoteIdentifier(it->second));
      selected.push_back(max_field_chars > 0 ? fmt::format("left({}, {})", text, max_field_chars) : text);
      pos = q.columns.end() - 1;
    }
    q.field_column.push_back(static_cast<int>(pos - q.columns.begin()));
  }
  q.sql = fmt::format("SELECT {} FROM {}", fmt::join(selected, ", "), Table(c.source_schema, c.source_table));
  if (mode == PullMode::kIncremental) {
    const std::string wm = QuoteIdentifier(c.watermark_column);
    if (from) {
      q.sql += fmt::format(" WHERE {0} > $1 AND {0} <= $2", wm);
      q.params = {*from, to.value_or("")};
    } else {
      q.sql += fmt::format(" WHERE {} <= $1", wm);
      q.params = {to.value_or("")};
    }
    q.sql += fmt::format(" ORDER BY {}", wm);
  }
  return q;
}

}  // namespace ndc::connector
