// Backend-independent pieces of the store interface: values, rows, identifiers, type names and
// the Open() dispatch. See store.h for the contract.
#include "store/store.h"

#include <fmt/format.h>

#include <cmath>

#include "store/internal/value_text.h"
#include "store/migrations/migration.h"

namespace ndc::store {
namespace {

constexpr size_t kDebugBytes = 64;

std::string CutNote(size_t size) {
  return size > kDebugBytes ? fmt::format("...({} bytes)", size) : std::string();
}

}  // namespace

std::string DebugString(const Value& v) {
  if (IsNull(v)) return "NULL";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::string out = "'";
    for (char c : std::string_view(*s).substr(0, kDebugBytes)) {
      out += c;
      if (c == '\'') out += '\'';
    }
    return out + "'" + CutNote(s->size());
  }
  const std::string& bytes = std::get<Blob>(v).bytes;
  std::string out = "x'";
  for (unsigned char c : std::string_view(bytes).substr(0, kDebugBytes)) out += fmt::format("{:02x}", c);
  return out + "'" + CutNote(bytes.size());
}

int64_t Row::Int(size_t i) const {
  if (i >= values_.size()) return 0;
  const Value& v = values_[i];
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) {
    // Out-of-range doubles would be undefined behaviour to cast.
    if (!(std::fabs(*d) < 9.2e18)) return 0;
    return static_cast<int64_t>(*d);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (std::optional<int64_t> n = ParseInt64(*s)) return *n;
    std::optional<double> d = ParseDouble(*s);
    return d && std::fabs(*d) < 9.2e18 ? static_cast<int64_t>(*d) : 0;
  }
  return 0;
}

double Row::Double(size_t i) const {
  if (i >= values_.size()) return 0;
  const Value& v = values_[i];
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return ParseDouble(*s).value_or(0.0);
  return 0;
}

std::string ValueText(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
  return "";
}

std::string Row::Str(size_t i) const { return i < values_.size() ? ValueText(values_[i]) : ""; }

std::string Row::Bytes(size_t i) const {
  if (i >= values_.size()) return "";
  if (const auto* b = std::get_if<Blob>(&values_[i])) return b->bytes;
  if (const auto* s = std::get_if<std::string>(&values_[i])) return *s;
  return "";
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptStr(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Str(i);
}

BulkRows::BulkRows(std::span<const Value> values, size_t width)
    : heads_(values), head_width_(width), rows_(width == 0 ? 0 : values.size() / width) {}

BulkRows::BulkRows(std::span<const Value> heads, size_t head_width, std::span<const std::vector<Value>> tails)
    : heads_(heads), head_width_(head_width), tails_(tails), rows_(tails.size()), split_(true) {}

std::string BulkRows::ShapeError(size_t width) const {
  if (width == 0) return "no columns";
  if (!split_) {
    if (head_width_ != width) return fmt::format("rows of {} values for {} columns", head_width_, width);
    if (heads_.size() % width == 0) return "";
    return fmt::format("{} values is not a whole number of {}-column rows", heads_.size(), width);
  }
  if (heads_.size() != head_width_ * tails_.size()) {
    return fmt::format("{} leading values is not {} for each of {} rows", heads_.size(), head_width_, tails_.size());
  }
  for (size_t r = 0; r < tails_.size(); ++r) {
    if (head_width_ + tails_[r].size() != width) {
      return fmt::format("row {} has {} values, not {}", r + 1, head_width_ + tails_[r].size(), width);
    }
  }
  return "";
}

std::string_view BackendName(Backend b) { return b == Backend::kSqlite ? "sqlite" : "postgresql"; }

std::string_view SqlTypeName(Backend b, ColumnType t) {
  const bool pg = b == Backend::kPostgres;
  switch (t) {
    case ColumnType::kText:
      return "TEXT";
    case ColumnType::kInteger:
      return pg ? "BIGINT" : "INTEGER";
    case ColumnType::kReal:
      return pg ? "DOUBLE PRECISION" : "REAL";
    // SQLite's NUMERIC affinity would turn "1.10" into the double 1.1: keep decimals as text.
    case ColumnType::kDecimal:
      return pg ? "NUMERIC" : "TEXT";
    case ColumnType::kDate:
      return pg ? "DATE" : "TEXT";
    case ColumnType::kBoolean:
      return pg ? "BOOLEAN" : "INTEGER";
    case ColumnType::kBlob:
      return pg ? "BYTEA" : "BLOB";
    case ColumnType::kTimestamp:
      return pg ? "BIGINT" : "INTEGER";
  }
  return "TEXT";
}

Result<Row> Executor::QueryOne(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ResultSet rs, Query(sql, params));
  if (rs.rows.empty()) return NotFoundError(fmt::format("{}: no row for: {}", BackendName(backend()), sql));
  if (rs.rows.size() > 1) {
    return InternalError(
        fmt::format("{}: expected one row, got {} for: {}", BackendName(backend()), rs.rows.size(), sql));
  }
  return std::move(rs.rows.front());
}

Status SerializeOn(Executor& tx, std::string_view name) {
  if (tx.backend() != Backend::kPostgres) return OkStatus();
  const Value p[] = {std::string(name)};
  return tx.Query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", p).status();
}

int KnownSchemaVersion() {
  std::span<const Migration> all = EmbeddedMigrations();
  return all.empty() ? 0 : all.back().version;
}

Result<std::unique_ptr<Database>> Open(const std::string& url, const OpenOptions& options) {
  std::string_view u = url;
  if (u.empty()) return InvalidArgumentError("store: empty database url");
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) return OpenPostgres(url, options);
  if (u.starts_with("sqlite:")) u.remove_prefix(7);
  if (u.empty()) return InvalidArgumentError("store: empty SQLite path in url '" + url + "'");
  return OpenSqlite(std::string(u), options);
}

bool IsSafeIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';  // harmless for safe names; keeps a misuse from breaking out
  }
  return out + "\"";
}

}  // namespace ndc::store
