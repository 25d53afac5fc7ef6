// libFuzzer target for the NDJSON reader. The first input byte picks the limits and the read
// size; the rest is the file. Checks, on every input:
//  - every row is read (only decompression can fail), line numbers increase, one value per field;
//  - a row read without error is a line nlohmann::json also accepts as an object, and its string,
//    boolean and null values are the ones nlohmann reads (a second, independent JSON parser);
//  - reading 1..8 bytes at a time gives the same rows as reading everything at once;
//  - the content digest is the SHA-256 of the input.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/crypto.h"
#include "fuzz_check.h"
#include "ingest/formats/row_reader.h"
#include "ingest/formats/testing/read_rows.h"

namespace ndc::ingest {
namespace {

catalog::DatasetSchema Schema() {
  catalog::DatasetSchema s;
  s.source_key = {"a"};
  s.fields = {{.name = "a", .column = "a"}, {.name = "b", .column = "B"}, {.name = "c", .column = "c"}};
  return s;
}

int FieldIndex(const std::string& key) {
  if (key == "a") return 0;
  if (key == "B" || key == "b") return 1;
  if (key == "c") return 2;
  return -1;
}

// The row's line, read again by nlohmann: same keys, same string / boolean / null values.
void CheckAgainstNlohmann(const InputRow& row) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(row.raw);
  } catch (const nlohmann::json::out_of_range&) {
    return;  // a number beyond double (1e999): valid JSON that nlohmann will not hold
  } catch (const nlohmann::json::exception& e) {
    FUZZ_CHECK(false, "accepted a line nlohmann rejects (%s): %s", e.what(), row.raw.c_str());
  }
  FUZZ_CHECK(j.is_object(), "accepted a line that is not an object: %s", row.raw.c_str());
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "_op") {
      FUZZ_CHECK(it->is_null() ? row.op.empty() : it->is_string() && it->get<std::string>() == row.op, "op");
      continue;
    }
    int f = FieldIndex(it.key());
    if (f < 0) continue;  // a key only normalization matches; nothing simple to compare
    const auto& v = row.values[static_cast<size_t>(f)];
    if (it->is_null()) FUZZ_CHECK(!v, "null key %s has a value", it.key().c_str());
    if (it->is_string()) FUZZ_CHECK(v && *v == it->get<std::string>(), "string of key %s", it.key().c_str());
    if (it->is_boolean()) FUZZ_CHECK(v && *v == (it->get<bool>() ? "true" : "false"), "boolean");
    if (it->is_number()) FUZZ_CHECK(v && !v->empty(), "number");
    FUZZ_CHECK(!it->is_object() && !it->is_array(), "nested value accepted");
  }
}

void CheckReader(const std::string& input, const ReaderOptions& options, size_t chunk) {
  const catalog::DatasetSchema schema = Schema();
  auto reader = OpenRowReader(Format::kNdjson, MemorySource(input), schema, options);
  FUZZ_CHECK(reader.ok(), "%s", reader.status().ToString().c_str());
  auto chunked = testing::ReadRows(Format::kNdjson, input, schema, options, chunk, true);
  const bool gzip = input.size() >= 2 && input[0] == '\x1f' && input[1] == '\x8b';
  InputRow row;
  int64_t last_line = 0;
  size_t i = 0;
  for (;; ++i) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) {
      FUZZ_CHECK(gzip && more.status().code() == StatusCode::kInvalidArgument, "%s",
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
      // raw is the whole line when it was not cut (max_raw_bytes >= max_record_bytes here).
      if (!gzip) CheckAgainstNlohmann(row);
    }
    FUZZ_CHECK(chunked.ok() && i < chunked->size() && (*chunked)[i] == testing::Show(row, true),
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
  options.limits.max_record_bytes = 16 + (knob & 0x0f) * 32;
  options.limits.max_field_bytes = 4 + (knob & 0x70);
  options.limits.max_raw_bytes = options.limits.max_record_bytes;
  ndc::ingest::CheckReader(input, options, 1 + knob % 8);
  return 0;
}
