// Format names and OpenRowReader (row_reader.h).
#include "ingest/formats/row_reader.h"

#include <algorithm>

#include "ingest/formats/internal/readers.h"

namespace ndc::ingest {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c);
  });
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view FormatName(Format f) { return f == Format::kCsv ? "csv" : "ndjson"; }

Result<Format> ParseFormat(std::string_view name) {
  std::string n = Lower(name);
  if (n == "csv") return Format::kCsv;
  if (n == "ndjson" || n == "jsonl") return Format::kNdjson;
  return InvalidArgumentError("unknown format '" + std::string(name.substr(0, 64)) +
                              "'; expected csv, ndjson or jsonl");
}

Result<Format> FormatForPath(std::string_view path) {
  std::string p = Lower(path);
  if (EndsWith(p, ".gz")) p.resize(p.size() - 3);
  if (EndsWith(p, ".csv")) return Format::kCsv;
  if (EndsWith(p, ".ndjson") || EndsWith(p, ".jsonl")) return Format::kNdjson;
  return InvalidArgumentError("cannot tell the format of '" + std::string(path) +
                              "' from its name; expected .csv, .ndjson or .jsonl (optionally .gz)");
}

Result<std::unique_ptr<RowReader>> OpenRowReader(Format format, std::unique_ptr<ByteSource> source,
                                                 const catalog::DatasetSchema& schema,
                                                 const ReaderOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> plain, AutoDecompress(std::move(source)));
  auto hashed = std::make_unique<HashingSource>(std::move(plain));
  if (format == Format::kCsv) return internal::OpenCsvReader(std::move(hashed), schema, options);
  return internal::OpenNdjsonReader(std::move(hashed), schema, options);
}

}  // namespace ndc::ingest
