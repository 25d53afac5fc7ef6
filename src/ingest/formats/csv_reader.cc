// The CSV RowReader: the header check and the mapping of columns to schema fields, over
// internal::CsvParser (which knows the format). Design: docs/design/ingest-formats.md ("CSV").
#include <fmt/format.h>

#include "ingest/formats/internal/column_map.h"
#include "ingest/formats/internal/csv_parser.h"
#include "ingest/formats/internal/readers.h"

namespace ndc::ingest::internal {
namespace {

constexpr size_t kMaxHeaderProblems = 8;

class CsvReader final : public RowReader {
 public:
  CsvReader(std::unique_ptr<HashingSource> source, const catalog::DatasetSchema& schema,
            const ReaderOptions& options)
      : source_(std::move(source)),
        map_(schema),
        options_(options),
        parser_(source_.get(), options.limits.max_record_bytes, options.limits.max_raw_bytes + 4) {}

  Status ReadHeader();
  Result<bool> Next(InputRow* row) override;
  int64_t bytes_consumed() const override { return source_->consumed(); }
  int64_t bytes_total() const override { return source_->total(); }
  std::string content_sha256() const override { return source_->digest(); }

 private:
  // "column 'ho_ten'" for data rows (the schema's spelling of a header column).
  std::string ColumnLabel(size_t column) const;
  std::string RecordError(const CsvRecord& rec, std::string_view column_label) const;

  std::unique_ptr<HashingSource> source_;
  ColumnMap map_;
  ReaderOptions options_;
  CsvParser parser_;
  CsvRecord rec_;
  std::vector<int> column_field_;  // per header column: a field index or ColumnMap::kOp
  std::vector<int> absent_fields_;
};

std::string CsvReader::ColumnLabel(size_t column) const {
  if (column >= column_field_.size()) {
    return fmt::format("column {} (beyond the {} in the header)", column + 1, column_field_.size());
  }
  int f = column_field_[column];
  return "column " + QuoteName(f == ColumnMap::kOp ? std::string(kOpColumn) : map_.column(f));
}

std::string CsvReader::RecordError(const CsvRecord& rec, std::string_view column_label) const {
  switch (rec.error) {
    case CsvError::kTooLong:
      return fmt::format("record longer than {} bytes (max_record_bytes)", options_.limits.max_record_bytes);
    case CsvError::kQuoteInUnquoted:
      return fmt::format(
          "{}: quote inside an unquoted value (quote the whole value and double the quotes in it)",
          column_label);
    case CsvError::kTextAfterQuote:
      return fmt::format("{}: text after the closing quote", column_label);
    case CsvError::kUnterminatedQuote:
      return fmt::format("{}: quoted value not closed before the end of the input", column_label);
    case CsvError::kNone:
      break;
  }
  return "";
}

Status CsvReader::ReadHeader() {
  const bool keys_only = options_.keys_only;
  ASSIGN_OR_RETURN(bool got, parser_.Next(&rec_));
  if (!got)
    return InvalidArgumentError("empty input: expected a header row; " + map_.ExpectedColumns(keys_only));
  if (rec_.error != CsvError::kNone) {
    return InvalidArgumentError(
        fmt::format("header (line {}): {}", rec_.line,
                    RecordError(rec_, fmt::format("column {}", rec_.error_column + 1))));
  }
  std::vector<std::string> problems;
  size_t more = 0;
  auto problem = [&](std::string p) {
    if (problems.size() < kMaxHeaderProblems) {
      problems.push_back(std::move(p));
    } else {
      ++more;
    }
  };
  std::vector<int> seen_at(map_.size(), -1);
  int op_at = -1;
  for (size_t i = 0; i < rec_.fields.size(); ++i) {
    std::string_view cell = rec_.fields[i];
    int f = map_.Find(cell);
    column_field_.push_back(f);
    if (cell.size() > options_.limits.max_field_bytes) {
      problem(fmt::format("column {} is longer than {} bytes", i + 1, options_.limits.max_field_bytes));
      continue;
    }
    if (f == ColumnMap::kUnknown) {
      problem(fmt::format("unknown column {} (column {})", QuoteName(cell), i + 1));
      continue;
    }
    int& at = f == ColumnMap::kOp ? op_at : seen_at[static_cast<size_t>(f)];
    if (at >= 0) {
      std::string_view before = rec_.fields[static_cast<size_t>(at)];
      if (before == cell) {
        problem(fmt::format("duplicate column {} (columns {} and {})", QuoteName(cell), at + 1, i + 1));
      } else {
        // Two spellings of one field, or of the operation column (e.g. "_op" and " _op").
        const std::string_view field = f == ColumnMap::kOp ? kOpColumn : std::string_view(map_.name(f));
        problem(fmt::format("columns {} (column {}) and {} (column {}) both name field '{}'",
                            QuoteName(before), at + 1, QuoteName(cell), i + 1, field));
      }
      continue;
    }
    at = static_cast<int>(i);
  }
  std::string missing;
  size_t n_missing = 0;
  for (size_t f = 0; f < map_.size(); ++f) {
    if (seen_at[f] >= 0) continue;
    absent_fields_.push_back(static_cast<int>(f));
    if (!map_.MustHave(static_cast<int>(f), keys_only)) continue;
    missing += (n_missing++ > 0 ? ", " : "") + QuoteName(map_.column(static_cast<int>(f)));
  }
  if (n_missing > 0) problem(fmt::format("missing required column{} {}", n_missing > 1 ? "s" : "", missing));
  if (problems.empty()) return OkStatus();
  std::string msg = "header: ";
  for (size_t i = 0; i < problems.size(); ++i) msg += (i > 0 ? "; " : "") + problems[i];
  if (more > 0) msg += fmt::format("; … ({} more problems)", more);
  return InvalidArgumentError(msg + "; " + map_.ExpectedColumns(keys_only));
}

Result<bool> CsvReader::Next(InputRow* row) {
  ASSIGN_OR_RETURN(bool got, parser_.Next(&rec_));
  if (!got) return false;
  if (rec_.open_quote_spans_lines) {
    // One stray quote would make every later line part of one rejected row, and the rows after it
    // would be missing without a reject each: the batch fails instead.
    return InvalidArgumentError(fmt::format(
        "line {}: a quoted value{} is never closed, so every line after it would be part of that value; nothing "
        "was applied. Close the quote (a quote inside a value is written twice) and send the batch again",
        rec_.line,
        rec_.error == CsvError::kTooLong ? "" : fmt::format(" in {}", ColumnLabel(rec_.error_column))));
  }
  row->line = rec_.line;
  SetRawText(rec_.text, rec_.text_bytes, options_.limits.max_raw_bytes, &row->raw);
  row->op.clear();
  row->error.clear();
  row->error_field.clear();
  if (rec_.error != CsvError::kNone) {
    row->error = RecordError(rec_, ColumnLabel(rec_.error_column));
    if (rec_.error != CsvError::kTooLong && rec_.error_column < column_field_.size() &&
        column_field_[rec_.error_column] >= 0) {
      row->error_field = map_.name(column_field_[rec_.error_column]);
    }
    return true;
  }
  const std::vector<std::string_view>& cells = rec_.fields;
  if (cells.size() != column_field_.size()) {
    row->error = fmt::format("expected {} columns, got {}", column_field_.size(), cells.size());
    return true;
  }
  row->values.resize(map_.size());
  for (int f : absent_fields_) row->values[static_cast<size_t>(f)].reset();
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string_view v = cells[i];
    const int f = column_field_[i];
    if (v.size() > options_.limits.max_field_bytes) {
      row->error = fmt::format("{}: value longer than {} bytes (max_field_bytes)", ColumnLabel(i),
                               options_.limits.max_field_bytes);
      if (f >= 0) row->error_field = map_.name(f);
      return true;
    }
    if (f == ColumnMap::kOp) {
      row->op.assign(v);
      continue;
    }
    // Assign in place so a row's strings keep their capacity from one row to the next.
    std::optional<std::string>& slot = row->values[static_cast<size_t>(f)];
    if (v.empty()) {
      slot.reset();
    } else if (slot) {
      slot->assign(v);
    } else {
      slot.emplace(v);
    }
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<RowReader>> OpenCsvReader(std::unique_ptr<HashingSource> source,
                                                 const catalog::DatasetSchema& schema,
                                                 const ReaderOptions& options) {
  auto reader = std::make_unique<CsvReader>(std::move(source), schema, options);
  RETURN_IF_ERROR(reader->ReadHeader());
  return std::unique_ptr<RowReader>(std::move(reader));
}

}  // namespace ndc::ingest::internal
