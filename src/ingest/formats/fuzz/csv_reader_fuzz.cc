// libFuzzer target for the CSV reader. The first input byte picks the limits, the read size and
// keys_only; the rest is the file. Checks, on every input:
//  - internal::CsvParser splits records exactly like the naive testing/csv_reference.h;
//  - OpenRowReader either refuses the header (kInvalidArgument), fails at a quote left open
//    across lines (kInvalidArgument), or reads every row, with line
//    numbers increasing, one value per field, raw within its limit, errors naming real fields;
//  - reading 1..8 bytes at a time gives the same rows as reading everything at once;
//  - the content digest is the SHA-256 of the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/crypto.h"
#include "fuzz_check.h"
#include "ingest/formats/internal/csv_parser.h"
#include "ingest/formats/row_reader.h"
#include "ingest/formats/testing/csv_reference.h"
#include "ingest/formats/testing/read_rows.h"

namespace ndc::ingest {
namespace {

catalog::DatasetSchema Schema() {
  catalog::DatasetSchema s;
  s.source_key = {"a"};
  s.source_version = "c";
  s.fields = {{.name = "a", .column = "a", .required = true},
              {.name = "b", .column = "B"},
              {.name = "c", .column = "c"}};
  return s;
}

void CheckParserMatchesReference(const std::string& input, size_t max_record, size_t raw, size_t chunk) {
  auto expected = testing::ReferenceParseCsv(input, max_record);
  testing::ChunkedSource source(input, chunk);
  internal::CsvParser parser(&source, max_record, raw + 4);
  internal::CsvRecord rec;
  size_t i = 0;
  for (;; ++i) {
    auto more = parser.Next(&rec);
    FUZZ_CHECK(more.ok(), "parser error %s", more.status().ToString().c_str());
    if (!*more) break;
    FUZZ_CHECK(i < expected.size(), "parser has more records than the reference");
    const testing::RefCsvRecord& want = expected[i];
    FUZZ_CHECK(rec.line == want.line, "record %zu: line %lld, reference %lld", i, (long long)rec.line,
               (long long)want.line);
    FUZZ_CHECK(rec.error == want.error, "record %zu: error %d, reference %d", i, (int)rec.error,
               (int)want.error);
    if (rec.error != internal::CsvError::kNone && rec.error != internal::CsvError::kTooLong) {
      FUZZ_CHECK(rec.error_column == want.error_column, "record %zu: error column", i);
    }
    FUZZ_CHECK(rec.text_bytes == want.text.size(), "record %zu: text %zu bytes, reference %zu", i,
               rec.text_bytes, want.text.size());
    std::string got_raw, want_raw;
    internal::SetRawText(rec.text, rec.text_bytes, raw, &got_raw);
    internal::SetRawText(want.text, want.text.size(), raw, &want_raw);
    FUZZ_CHECK(got_raw == want_raw, "record %zu: raw text differs", i);
    FUZZ_CHECK(rec.fields.size() == want.fields.size(), "record %zu: %zu fields, reference %zu", i,
               rec.fields.size(), want.fields.size());
    for (size_t f = 0; f < rec.fields.size(); ++f)
      FUZZ_CHECK(rec.fields[f] == want.fields[f], "record %zu field %zu", i, f);
  }
  FUZZ_CHECK(i == expected.size(), "parser has %zu records, reference %zu", i, expected.size());
}

void CheckReader(const std::string& input, const ReaderOptions& options, size_t chunk) {
  const catalog::DatasetSchema schema = Schema();
  auto reader = OpenRowReader(Format::kCsv, MemorySource(input), schema, options);
  auto chunked = testing::ReadRows(Format::kCsv, input, schema, options, chunk, true);
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().code() == StatusCode::kInvalidArgument, "%s",
               reader.status().ToString().c_str());
    FUZZ_CHECK(chunked.status() == reader.status(), "chunked open: %s", chunked.status().ToString().c_str());
    return;
  }
  const bool gzip = input.size() >= 2 && input[0] == '\x1f' && input[1] == '\x8b';
  // A quote left open across lines fails the read where it starts; the chunked read then has no
  // rows to compare, only its error (checked equal below).
  const bool chunked_failed = !chunked.ok() && chunked.status().message().find("is never closed") != std::string_view::npos;
  InputRow row;
  int64_t last_line = 1;
  size_t i = 0;
  for (;; ++i) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) {  // only decompression, and a quote left open across lines, fail a read
      const bool open_quote = more.status().message().find("is never closed") != std::string_view::npos;
      FUZZ_CHECK((gzip || open_quote) && more.status().code() == StatusCode::kInvalidArgument, "%s",
                 more.status().ToString().c_str());
      FUZZ_CHECK(!chunked.ok() && chunked.status() == more.status(), "chunked read disagrees on the error");
      return;
    }
    if (!*more) break;
    FUZZ_CHECK(row.line > last_line, "line %lld after %lld", (long long)row.line, (long long)last_line);
    last_line = row.line;
    FUZZ_CHECK(row.raw.size() <= options.limits.max_raw_bytes + 3, "raw of %zu bytes", row.raw.size());
    if (row.error.empty()) {
      FUZZ_CHECK(row.values.size() == schema.fields.size(), "%zu values", row.values.size());
      for (const auto& v : row.values)
        FUZZ_CHECK(!v || (!v->empty() && v->size() <= options.limits.max_field_bytes), "value");
    } else {
      bool known = row.error_field.empty();
      for (const auto& f : schema.fields) known = known || f.name == row.error_field;
      FUZZ_CHECK(known, "error field '%s'", row.error_field.c_str());
    }
    FUZZ_CHECK(chunked_failed || (chunked.ok() && i < chunked->size() && (*chunked)[i] == testing::Show(row, true)),
               "row %zu differs when read %zu bytes at a time", i, chunk);
  }
  FUZZ_CHECK(chunked.ok() && chunked->size() == i, "chunked read has a different number of rows");
  if (!gzip) FUZZ_CHECK((*reader)->content_sha256() == HexEncode(Sha256(input)), "digest");
}

}  // namespace
}  // namespace ndc::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t knob = data[0];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  ndc::ingest::ReaderOptions options;
  options.limits.max_record_bytes = 8 + (knob & 0x0f) * 16;
  options.limits.max_field_bytes = 4 + (knob & 0x30);
  options.limits.max_raw_bytes = (knob >> 4) & 0x07;
  options.keys_only = (knob & 0x80) != 0;
  const size_t chunk = 1 + knob % 8;
  ndc::ingest::CheckParserMatchesReference(input, options.limits.max_record_bytes,
                                           options.limits.max_raw_bytes, chunk);
  ndc::ingest::CheckReader(input, options, chunk);
  return 0;
}
