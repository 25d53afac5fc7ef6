// Test-only: reads a whole input through OpenRowReader and renders rows as one-line strings, so
// tests and fuzzers can compare readings (whole vs. tiny reads) and gtest prints readable diffs.
// Header-only.
#pragma once

#include <string>
#include <vector>

#include "ingest/formats/row_reader.h"
#include "ingest/formats/testing/test_sources.h"

namespace ndc::ingest::testing {

// "L3 [001|Nguyễn|-] op=D" (values in schema order, "-" for nullopt) or
// "L3 error(ho_ten): ..." ; then " raw='...'" when `with_raw`.
inline std::string Show(const InputRow& row, bool with_raw = false) {
  std::string s = "L" + std::to_string(row.line);
  if (!row.error.empty()) {
    s += " error(" + row.error_field + "): " + row.error;
  } else {
    s += " [";
    for (size_t i = 0; i < row.values.size(); ++i) s += (i > 0 ? "|" : "") + row.values[i].value_or("-");
    s += "]";
    if (!row.op.empty()) s += " op=" + row.op;
  }
  if (with_raw) s += " raw='" + row.raw + "'";
  return s;
}

// Every row of `input`, `chunk` bytes per source Read, shown with Show().
inline Result<std::vector<std::string>> ReadRows(Format format, std::string input,
                                                 const catalog::DatasetSchema& schema,
                                                 const ReaderOptions& options = {}, size_t chunk = 1 << 20,
                                                 bool with_raw = false) {
  ASSIGN_OR_RETURN(auto reader, OpenRowReader(format, Chunked(std::move(input), chunk), schema, options));
  std::vector<std::string> out;
  InputRow row;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) return out;
    out.push_back(Show(row, with_raw));
  }
}

}  // namespace ndc::ingest::testing
