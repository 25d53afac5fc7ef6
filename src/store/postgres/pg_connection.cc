#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "store/internal/sql_params.h"
#include "store/internal/value_text.h"
#include "store/postgres/pg_copy_binary.h"
#include "store/postgres/pg_errors.h"
#include "store/postgres/pg_values.h"

namespace ndc::store {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return std::string(s);
}

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

// libpq quotes the offending text of a connection string it cannot use ("invalid percent-encoded
// token: \"s3cr%zzet\"", "invalid integer value \"ab\" for connection option \"port\"" from a
// password holding '/'), which may be part of a password: such a message is cut at its first quote
// (review of 2026-12-01).
std::string WithoutQuotedValue(std::string msg) {
  const size_t quote = msg.find('"');
  if (quote == std::string::npos) return msg;
  msg.resize(quote);
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == ':')) msg.pop_back();
  return msg + " (the text libpq quoted is left out: it may hold a password)";
}

Status ConnectError(PGconn* c) {
  std::string msg = Trim(PQerrorMessage(c));
  // Errors about the connection string's values, not about the server ("connection to server at
  // \"host\" ... failed" keeps its host).
  // A host name holding '@' is the rest of a password holding a raw '@' ("ndc:p@ss@db").
  if (msg.starts_with("invalid ") || msg.find("connection option") != std::string::npos ||
      msg.find('@') != std::string::npos) {
    msg = WithoutQuotedValue(std::move(msg));
  }
  std::string text = "postgresql: cannot connect: " + msg;
  if (PQconnectionNeedsPassword(c) || msg.find("authentication failed") != std::string::npos) {
    return UnauthenticatedError(text);
  }
  if (msg.find("database") != std::string::npos && msg.find("does not exist") != std::string::npos) {
    return NotFoundError(text);
  }
  return UnavailableError(text);
}

bool IsWrite(const char* command_status) {
  std::string_view s = command_status ? command_status : "";
  return s.starts_with("INSERT") || s.starts_with("UPDATE") || s.starts_with("DELETE") ||
         s.starts_with("MERGE");
}

std::atomic<uint64_t> binary_copies{0};

}  // namespace

uint64_t PgBinaryCopyCount() { return binary_copies.load(std::memory_order_relaxed); }

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo,
                                                         const OpenOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string msg = parse_error ? Trim(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return InvalidArgumentError("postgresql: bad connection string: " + WithoutQuotedValue(std::move(msg)));
  }
  PQconninfoFree(parsed);
  // Later entries win, so the caller's conninfo (expanded from dbname) overrides these defaults.
  // Keepalives and a TCP user timeout: a server or network that vanishes mid-statement fails the
  // call within about two minutes instead of the system's TCP retries (15 minutes and more),
  // holding a pooled connection — the audit committer's, say — all the while.
  const char* const keys[] = {"connect_timeout",     "fallback_application_name", "keepalives_idle",
                              "keepalives_interval", "keepalives_count",          "tcp_user_timeout",
                              "dbname",              nullptr};
  const char* const values[] = {"10", "ndc", "60", "10", "3", "120000", conninfo.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (raw == nullptr) return ResourceExhaustedError("postgresql: out of memory");
  std::unique_ptr<PgConnection> conn(new PgConnection(raw, std::max(0, options.statement_timeout_ms)));
  if (PQstatus(raw) != CONNECTION_OK) return ConnectError(raw);
  PQsetNoticeProcessor(raw, &IgnoreNotice, nullptr);
  // Session settings the value decoding relies on (docs/design/store.md, "Types"), and the
  // server's side of the keepalives: a node whose host dies while its transaction holds a row
  // lock (the audit head, a dataset's turn) releases it in about 90 s, not after the server's
  // two-hour default, during which every other node would wait on that lock.
  std::string setup = fmt::format(
      "SET statement_timeout = {}; SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; "
      "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET extra_float_digits = 3; "
      "SET client_min_messages = 'warning'; SET default_transaction_read_only = {}; "
      "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3; "
      "SET tcp_user_timeout = 120000; "
      // A transaction left open and idle (a node stopped with SIGSTOP, a client stalled) would hold
      // its row locks — the audit head, a dataset's turn — while keepalives still answer, and every
      // other node would wait on them; the server ends it after 15 minutes of idleness instead.
      "SET idle_in_transaction_session_timeout = 900000; "
      // An acknowledged write must outlive a crash: a server, role or database configured with
      // synchronous_commit = off (a common tuning) would acknowledge commits it can still lose,
      // audit entries that gated a disclosure among them. Any durable setting (local, on,
      // remote_write, remote_apply) is the operator's and stays — set in the session, so that a
      // later `ALTER SYSTEM ... = off` and reload does not reach open connections either.
      "SELECT set_config('synchronous_commit', CASE WHEN current_setting('synchronous_commit') = 'off' THEN 'on' "
      "ELSE current_setting('synchronous_commit') END, false)",
      conn->statement_timeout_ms_, options.read_only ? "on" : "off");
  if (Status s = conn->RunScript(setup, /*autocommit=*/true); !s.ok()) {
    return Status(s.code(), "postgresql: setting up the session: " + s.message());
  }
  return conn;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

std::string PgConnection::Describe() const {
  return fmt::format("{}:{}/{}", PQhost(conn_) ? PQhost(conn_) : "", PQport(conn_) ? PQport(conn_) : "",
                     PQdb(conn_) ? PQdb(conn_) : "");
}

Status PgConnection::Error(const PGresult* res) const {
  if (PQstatus(conn_) == CONNECTION_BAD || res == nullptr) {
    return UnavailableError("postgresql: connection lost: " + Trim(PQerrorMessage(conn_)));
  }
  const char* sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
  std::string message = primary ? primary : Trim(PQresultErrorMessage(res));
  if (detail) message += fmt::format(" ({})", detail);
  if (sqlstate == nullptr) return InternalError("postgresql: " + message);
  return MapPgError(sqlstate, message);
}

Status PgConnection::Command(const char* sql) {
  ResultPtr res(PQexec(conn_, sql));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return Error(res.get());
  return OkStatus();
}

Result<ResultSet> PgConnection::Run(std::string_view sql, std::span<const Value> params,
                                    bool /*autocommit*/) {
  SqlShape shape = ScanSql(sql);
  if (shape.empty) return InvalidArgumentError("postgresql: empty statement");
  if (shape.several_statements) {
    return InvalidArgumentError("postgresql: Query/Exec take one statement; use ExecScript for several");
  }
  RETURN_IF_ERROR(CheckParameters(shape.parameters, params.size(), "postgresql"));
  std::vector<PgParam> encoded;
  std::vector<const char*> values;
  std::vector<Oid> types;
  encoded.reserve(params.size());
  for (const Value& v : params) {
    // libpq takes parameters as C strings: a NUL byte would cut the value short and the rest
    // would be lost without a word. PostgreSQL text cannot hold NUL (COPY refuses it too).
    if (const auto* s = std::get_if<std::string>(&v); s != nullptr && s->find('\0') != std::string::npos) {
      return InvalidArgumentError(fmt::format(
          "postgresql: parameter ${} holds a NUL byte, which PostgreSQL text cannot store", encoded.size() + 1));
    }
    encoded.push_back(EncodePgParam(v));
    values.push_back(encoded.back().text ? encoded.back().text->c_str() : nullptr);
    types.push_back(encoded.back().type_oid);
  }
  const std::string text(sql);
  ResultPtr res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(),
                             values.data(), nullptr, nullptr, /*resultFormat=*/0));
  ExecStatusType st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(res.get());
  ResultSet rs;
  const int ncol = PQnfields(res.get());
  const int nrow = PQntuples(res.get());
  rs.columns.reserve(static_cast<size_t>(ncol));  // as in SqliteConnection::Step
  for (int c = 0; c < ncol; ++c) rs.columns.emplace_back(PQfname(res.get(), c));
  rs.rows.reserve(static_cast<size_t>(nrow));
  for (int r = 0; r < nrow; ++r) {
    std::vector<Value> row;
    row.reserve(static_cast<size_t>(ncol));
    for (int c = 0; c < ncol; ++c) {
      if (PQgetisnull(res.get(), r, c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      std::string_view cell(PQgetvalue(res.get(), r, c), static_cast<size_t>(PQgetlength(res.get(), r, c)));
      ASSIGN_OR_RETURN(Value v, DecodePgCell(PQftype(res.get(), c), cell));
      row.push_back(std::move(v));
    }
    rs.rows.emplace_back(std::move(row));
  }
  if (IsWrite(PQcmdStatus(res.get()))) rs.rows_affected = ParseInt64(PQcmdTuples(res.get())).value_or(0);
  return rs;
}

namespace {

// Appends `text` escaped for COPY's text format (backslash, tab, newline, carriage return).
void AppendCopyText(std::string_view text, std::string* out) {
  // Runs without a character to escape are appended whole (most values have none).
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* escaped;
    switch (text[i]) {
      case '\\': escaped = "\\\\"; break;
      case '\t': escaped = "\\t"; break;
      case '\n': escaped = "\\n"; break;
      case '\r': escaped = "\\r"; break;
      default: continue;
    }
    out->append(text.substr(start, i - start));
    out->append(escaped);
    start = i + 1;
  }
  out->append(text.substr(start));
}

// One value in COPY text format, without temporaries for the common text and integer cases.
void AppendCopyValue(const Value& v, std::string* out) {
  if (IsNull(v)) {
    out->append("\\N");
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    AppendCopyText(*s, out);
  } else if (const auto* n = std::get_if<int64_t>(&v)) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *n);
    out->append(digits, static_cast<size_t>(end - digits));
  } else {
    AppendCopyText(*EncodePgParam(v).text, out);
  }
}

// Row `r` of `rows` as a line of text COPY.
void AppendCopyRow(const BulkRows& rows, size_t r, std::string* out) {
  bool first = true;
  for (std::span<const Value> part : {rows.head(r), rows.tail(r)}) {
    for (const Value& v : part) {
      if (!first) out->push_back('\t');
      first = false;
      AppendCopyValue(v, out);
    }
  }
  out->push_back('\n');
}

}  // namespace

Result<std::optional<std::vector<unsigned>>> PgConnection::ColumnTypes(std::string_view table,
                                                                      std::span<const std::string> columns) {
  const Value param[] = {QuoteIdentifier(table)};
  ASSIGN_OR_RETURN(ResultSet rs, Run("SELECT attname, CAST(atttypid AS BIGINT) FROM pg_attribute "
                                     "WHERE attrelid = CAST(CAST($1 AS TEXT) AS regclass) AND attnum > 0 "
                                     "AND NOT attisdropped",
                                     param, /*autocommit=*/false));
  std::vector<unsigned> types;
  types.reserve(columns.size());
  for (const std::string& column : columns) {
    auto it = std::find_if(rs.rows.begin(), rs.rows.end(), [&](const Row& r) { return r.Str(0) == column; });
    // An unknown column: the text COPY reports it in the server's words.
    if (it == rs.rows.end()) return std::optional<std::vector<unsigned>>();
    types.push_back(static_cast<unsigned>(it->Int(1)));
  }
  return std::optional<std::vector<unsigned>>(std::move(types));
}

Result<int64_t> PgConnection::Copy(const std::string& sql, const std::function<void(Sink)>& produce) {
  {
    ResultPtr res(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(res.get()) != PGRES_COPY_IN) return Error(res.get());
  }
  bool send_failed = false;
  produce([&](std::string_view piece) {
    if (!send_failed && PQputCopyData(conn_, piece.data(), static_cast<int>(piece.size())) != 1) send_failed = true;
  });
  return EndCopy(send_failed ? "send failed" : nullptr);
}

Result<int64_t> PgConnection::EndCopy(const char* error) {
  if (PQputCopyEnd(conn_, error) != 1) return Error(nullptr);
  ResultPtr res(PQgetResult(conn_));
  // Drain any further results so the connection is ready for the next command.
  Status status = PQresultStatus(res.get()) == PGRES_COMMAND_OK ? OkStatus() : Error(res.get());
  int64_t rows = status.ok() ? ParseInt64(PQcmdTuples(res.get())).value_or(0) : 0;
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  if (!status.ok()) return status;
  return rows;
}

std::string PgConnection::CopySql(std::string_view table, std::span<const std::string> columns) {
  std::string sql = fmt::format("COPY {} (", QuoteIdentifier(table));
  for (size_t c = 0; c < columns.size(); ++c) sql += (c ? ", " : "") + QuoteIdentifier(columns[c]);
  sql += ") FROM STDIN";
  return sql;
}

// One COPY FROM STDIN kept open across Write calls (Transaction::BeginBulkInsert): each call's
// rows are encoded and sent at once, so the server stores them while the caller makes the next.
class PgConnection::Inserter final : public BulkInserter {
 public:
  // `types` set: the binary format, with these column types; else text.
  Inserter(PgConnection* conn, std::optional<std::vector<unsigned>> types) : conn_(conn), types_(std::move(types)) {}
  ~Inserter() override {
    if (!ended_) conn_->EndCopy("bulk insert abandoned").status().IgnoreError();
  }

  Status Write(const BulkRows& rows) override {
    if (ended_) return failed_.ok() ? FailedPreconditionError("bulk insert: already finished") : failed_;
    std::string_view bytes;
    if (types_) {
      const std::string_view header = started_ ? std::string_view() : CopyBinaryHeader();
      const std::optional<size_t> bound = CopyBinaryRowsBound(rows);
      if (!bound) return Fail(InvalidArgumentError("bulk insert: a value is over 1 GB, more than a column takes"));
      char* at = Reserve(header.size() + *bound);
      if (!header.empty()) std::memcpy(at, header.data(), header.size());
      char* end = PutCopyBinaryRows(*types_, rows, at + header.size());
      if (end == nullptr) {
        return Fail(InvalidArgumentError(
            "bulk insert: a value does not convert exactly to its column's type (a binary COPY takes only exact "
            "conversions; BulkInsert sends such rows as text)"));
      }
      bytes = std::string_view(at, static_cast<size_t>(end - at));
    } else {
      text_.clear();
      for (size_t r = 0; r < rows.rows(); ++r) AppendCopyRow(rows, r, &text_);
      bytes = text_;
    }
    started_ = true;
    // In pieces: libpq copies what it is given into its own buffer, and takes an int.
    constexpr size_t kPiece = 64 << 10;
    for (size_t at = 0; at < bytes.size(); at += kPiece) {
      const std::string_view piece = bytes.substr(at, kPiece);
      if (PQputCopyData(conn_->conn_, piece.data(), static_cast<int>(piece.size())) != 1) {
        return Fail(conn_->Error(nullptr));
      }
    }
    return OkStatus();
  }

  Result<int64_t> Finish() override {
    if (ended_) return failed_.ok() ? FailedPreconditionError("bulk insert: already finished") : failed_;
    if (types_) {
      text_.clear();
      if (!started_) text_.append(CopyBinaryHeader());
      text_.append(CopyBinaryTrailer());
      if (PQputCopyData(conn_->conn_, text_.data(), static_cast<int>(text_.size())) != 1) {
        return Fail(conn_->Error(nullptr));
      }
    }
    ended_ = true;
    Result<int64_t> n = conn_->EndCopy(nullptr);
    if (!n.ok()) failed_ = n.status();
    return n;
  }

 private:
  // Aborts the COPY (the server rolls the statement back) and returns `s`.
  Status Fail(Status s) {
    if (!ended_) conn_->EndCopy(s.message().c_str()).status().IgnoreError();
    ended_ = true;
    failed_ = s;
    return s;
  }

  // Room for `n` bytes of one call's binary rows, kept from call to call. Not zero-filled (as a
  // std::string's resize would): every byte sent is written first.
  char* Reserve(size_t n) {
    if (n > capacity_) {
      capacity_ = std::max(n, 2 * capacity_);
      binary_.reset(new char[capacity_]);
    }
    return binary_.get();
  }

  PgConnection* const conn_;
  const std::optional<std::vector<unsigned>> types_;
  std::unique_ptr<char[]> binary_;
  size_t capacity_ = 0;
  std::string text_;  // one call's text rows (or the binary trailer), reused
  bool started_ = false, ended_ = false;
  Status failed_;
};

Result<std::unique_ptr<BulkInserter>> PgConnection::BeginBulkInsert(std::string_view table,
                                                                    std::span<const std::string> columns) {
  ASSIGN_OR_RETURN(std::optional<std::vector<unsigned>> types, ColumnTypes(table, columns));
  if (types && !std::all_of(types->begin(), types->end(), SupportedType)) types.reset();
  if (types && types->size() > static_cast<size_t>(std::numeric_limits<int16_t>::max())) types.reset();
  {
    ResultPtr res(PQexec(conn_, (CopySql(table, columns) + (types ? " (FORMAT binary)" : "")).c_str()));
    if (PQresultStatus(res.get()) != PGRES_COPY_IN) return Error(res.get());
  }
  if (types) binary_copies.fetch_add(1, std::memory_order_relaxed);
  return std::unique_ptr<BulkInserter>(new Inserter(this, std::move(types)));
}

Result<int64_t> PgConnection::BulkInsert(std::string_view table, std::span<const std::string> columns,
                                         const BulkRows& rows) {
  const std::string sql = CopySql(table, columns);
  const size_t ncol = columns.size();
  constexpr size_t kCopyPiece = 64 << 10;
  // Binary when there are enough rows to pay for the column-type lookup and every column and
  // value converts exactly (pg_copy_binary.h); otherwise text, as the server's own input reads it.
  constexpr size_t kBinaryMinRows = 64;
  if (ncol > 0 && rows.rows() >= kBinaryMinRows) {
    ASSIGN_OR_RETURN(std::optional<std::vector<unsigned>> types, ColumnTypes(table, columns));
    if (types) {
      if (std::optional<CopyStream> stream = EncodeCopyBinary(*types, rows)) {
        binary_copies.fetch_add(1, std::memory_order_relaxed);
        return Copy(sql + " (FORMAT binary)", [&](const Sink& send) {
          for (size_t at = 0; at < stream->size; at += kCopyPiece) send(stream->view().substr(at, kCopyPiece));
        });
      }
    }
  }
  return Copy(sql, [&](const Sink& send) {
    std::string buf;
    buf.reserve(kCopyPiece + 4096);
    for (size_t r = 0; r < rows.rows(); ++r) {
      AppendCopyRow(rows, r, &buf);
      // Small pieces: the server parses and stores the first rows while the rest are encoded.
      if (buf.size() >= kCopyPiece) {
        send(buf);
        buf.clear();
      }
    }
    if (!buf.empty()) send(buf);
  });
}

Status PgConnection::RunScriptUntimed(std::string_view sql) {
  // SET LOCAL lasts to the end of the transaction: the session's value is put back after the
  // script (a failed script has aborted the transaction anyway). Since PostgreSQL 13 each
  // statement of a multi-statement query starts its own timeout, with the value then in force.
  return RunScript(fmt::format("SET LOCAL statement_timeout = 0;\n{}\n;\nSET LOCAL statement_timeout = {}", sql,
                               statement_timeout_ms_),
                   /*autocommit=*/false);
}

Status PgConnection::RunScript(std::string_view sql, bool /*autocommit*/) {
  // A multi-statement simple query runs as one implicit transaction unless one is open.
  ResultPtr res(PQexec(conn_, std::string(sql).c_str()));
  ExecStatusType st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) return Error(res.get());
  return OkStatus();
}

Status PgConnection::Begin(bool serializable) {
  return Command(serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN");
}

Status PgConnection::BeginRead() { return Command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

Status PgConnection::Commit() {
  ResultPtr res(PQexec(conn_, "COMMIT"));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    Status s = Error(res.get());
    if (s.code() == StatusCode::kUnavailable) {
      return UnavailableError(s.message() + " (the outcome of COMMIT is unknown)");
    }
    return s;
  }
  // The server answers ROLLBACK when the transaction had failed.
  if (std::string_view(PQcmdStatus(res.get())) == "ROLLBACK") {
    return AbortedError("postgresql: the server rolled the transaction back at COMMIT");
  }
  return OkStatus();
}

Status PgConnection::Rollback() { return Command("ROLLBACK"); }

bool PgConnection::Reset() {
  if (PQstatus(conn_) != CONNECTION_OK || PQconsumeInput(conn_) == 0) return false;
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE:
      return true;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      return Command("ROLLBACK").ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
    default:  // a command still running, or unknown: do not reuse
      return false;
  }
}

}  // namespace ndc::store
