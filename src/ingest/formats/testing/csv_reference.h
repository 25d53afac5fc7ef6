// Test-only: a naive CSV splitter implementing the grammar of docs/design/ingest-formats.md
// ("CSV grammar") on a whole string, written for obviousness rather than speed. The tests and the
// fuzzer check internal::CsvParser (streaming, buffered, fast) against it. Header-only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/formats/internal/csv_parser.h"

namespace ndc::ingest::testing {

struct RefCsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;  // empty when error is set
  std::string text;                 // the whole text, line end excluded
  internal::CsvError error = internal::CsvError::kNone;
  size_t error_column = 0;
};

inline std::vector<RefCsvRecord> ReferenceParseCsv(std::string_view in, size_t max_record_bytes) {
  using internal::CsvError;
  std::vector<RefCsvRecord> out;
  size_t i = in.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  int64_t line = 1 + std::count(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(i), '\n');
  const size_t n = in.size();
  while (i < n) {
    const size_t start = i;
    RefCsvRecord r;
    r.line = line;
    size_t rec_end = n;  // the terminating '\n', or n
    for (;;) {           // one field per turn
      std::string field;
      if (i == n) {  // after a ','
        r.fields.push_back(field);
        break;
      }
      if (in[i] == '"') {
        bool closed = false;
        for (++i; i < n; ++i) {
          if (in[i] != '"') {
            field += in[i];
          } else if (i + 1 < n && in[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            closed = true;
            ++i;
            break;
          }
        }
        if (!closed) {
          r.error = CsvError::kUnterminatedQuote;
          r.error_column = r.fields.size();
          break;
        }
        r.fields.push_back(field);
        if (i == n) break;
        if (in[i] == ',') {
          ++i;
          continue;
        }
        if (in[i] == '\n') {
          rec_end = i;
          break;
        }
        if (in[i] == '\r' && (i + 1 == n || in[i + 1] == '\n')) {
          rec_end = i + 1 == n ? n : i + 1;
          break;
        }
        r.error = CsvError::kTextAfterQuote;
        r.error_column = r.fields.size() - 1;
      } else {
        while (i < n && in[i] != ',' && in[i] != '\n' && in[i] != '"') field += in[i++];
        if (i < n && in[i] == ',') {
          r.fields.push_back(field);
          ++i;
          continue;
        }
        if (i == n || in[i] == '\n') {
          if (!field.empty() && field.back() == '\r') field.pop_back();
          r.fields.push_back(field);
          rec_end = i;
          break;
        }
        r.error = CsvError::kQuoteInUnquoted;
        r.error_column = r.fields.size();
      }
      // A quoting error: the record ends at the next line end.
      size_t nl = in.find('\n', i);
      rec_end = nl == std::string_view::npos ? n : nl;
      break;
    }
    r.text = std::string(in.substr(start, rec_end - start));
    if (!r.text.empty() && r.text.back() == '\r') r.text.pop_back();
    i = rec_end == n ? n : rec_end + 1;
    line += std::count(in.begin() + static_cast<std::ptrdiff_t>(start),
                       in.begin() + static_cast<std::ptrdiff_t>(i), '\n');
    if (r.text.empty()) continue;  // a blank line
    if (r.text.size() > max_record_bytes) r.error = CsvError::kTooLong;
    if (r.error == CsvError::kTooLong) r.error_column = 0;
    if (r.error != CsvError::kNone) r.fields.clear();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ndc::ingest::testing
