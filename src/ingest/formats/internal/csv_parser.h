// Internal: splits CSV bytes into records of fields (RFC 4180), knowing nothing of schemas. The
// grammar, line counting and error recovery are specified in docs/design/ingest-formats.md
// ("CSV grammar"); testing/csv_reference.h is a naive implementation of the same rules that the
// tests and fuzzers compare this one against. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ingest/formats/internal/read_buffer.h"

namespace ndc::ingest::internal {

enum class CsvError {
  kNone,
  kTooLong,            // the record's text is longer than max_record_bytes
  kQuoteInUnquoted,    // a '"' inside a field that does not start with one
  kTextAfterQuote,     // a closing '"' followed by something other than ',' or a line end
  kUnterminatedQuote,  // the input ends inside a quoted field
};

struct CsvRecord {
  int64_t line = 0;  // 1-based line of the record's first byte
  // The fields, unquoted and unescaped; valid until the next Next(). Unspecified when `error`
  // is set.
  std::vector<std::string_view> fields;
  // The record's text without its line end; only its first bytes when the record was too long
  // to keep (text.size() < text_bytes). Valid until the next Next().
  std::string_view text;
  size_t text_bytes = 0;
  CsvError error = CsvError::kNone;
  size_t error_column = 0;  // 0-based column of a quoting error
  // The input ended inside a quoted value that holds a line end (not counting the input's last
  // byte): one stray quote made every later line part of this record (error is
  // kUnterminatedQuote, or kTooLong when the rest was long).
  bool open_quote_spans_lines = false;
};

class CsvParser {
 public:
  // `source` must outlive the parser. At least `keep_text_bytes` of a too-long record's text are
  // kept for CsvRecord::text.
  CsvParser(ByteSource* source, size_t max_record_bytes, size_t keep_text_bytes);

  // Reads the next record; false at the end of the input. Blank lines are skipped; a UTF-8 BOM at
  // the start of the input is dropped. Errors only from the source.
  Result<bool> Next(CsvRecord* rec);

 private:
  enum class Step { kRecord, kBlank, kNeedMore };
  // A field that had "" escapes: its unescaped value is in scratch_, which may move while the
  // record is parsed, so its view is set once the record is complete.
  struct Escaped {
    size_t field, offset, size;
  };

  // Parses the record at the start of [b, b + n); `eof` says whether more input may follow.
  // On kRecord/kBlank sets consumed_, text_end_, newlines_, error_, fields_ and escaped_.
  Step Parse(const char* b, size_t n, bool eof);
  Step SkipLine(const char* b, const char* from, const char* end, bool eof);
  // The buffered record is longer than the limit: reads on to its end, keeping only its start.
  Status SkipTooLong(CsvRecord* rec);

  ReadBuffer buf_;
  size_t max_record_bytes_;
  size_t keep_text_bytes_;
  int64_t line_ = 1;
  size_t pending_ = 0;  // bytes of the last record, consumed at the next call
  bool started_ = false;

  // Parse() results, reused between records.
  std::vector<std::string_view> fields_;  // swapped with CsvRecord::fields
  std::vector<Escaped> escaped_;
  std::string scratch_;
  std::string kept_;  // the start of a too-long record
  size_t consumed_ = 0;
  const char* text_end_ = nullptr;
  int64_t newlines_ = 0;
  CsvError error_ = CsvError::kNone;
  size_t error_column_ = 0;
  bool open_quote_spans_lines_ = false;
};

}  // namespace ndc::ingest::internal
