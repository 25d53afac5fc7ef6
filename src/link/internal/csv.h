// link/internal/csv: a small RFC 4180 reader for `ndc link files` inputs: header row, quoted
// fields with "" escapes and line breaks, CRLF or LF, any one-byte delimiter; unquoted fields are
// trimmed (so FEBRL's ", " separator reads as ","). A UTF-8 BOM is skipped. The file is read
// whole into memory (inputs are row stores of a few hundred bytes per record); unquoted fields
// are views of it, not copies.
// Thread safety: not thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ndc::link::internal {

class CsvReader {
 public:
  // Errors: kNotFound (cannot open), kInvalidArgument "x.csv: the file is empty (a header row is required)".
  static Result<CsvReader> Open(const std::filesystem::path& path, char delimiter);
  // Reads from memory (tests).
  static Result<CsvReader> FromString(std::string text, std::string name, char delimiter);

  const std::vector<std::string>& header() const { return header_; }
  // The next record's fields (views valid until the next call); false at the end. Blank lines
  // are skipped. Error: kInvalidArgument "x.csv:17: unterminated quoted field".
  Result<bool> Next(std::vector<std::string_view>* fields);
  // Bytes read so far and in all, for estimating the number of records.
  size_t offset() const { return pos_; }
  size_t size() const { return text_.size(); }

 private:
  CsvReader() = default;
  Status ReadRecord(bool* got);
  std::string name_;
  std::string text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  char delim_ = ',';
  std::vector<std::string> header_;
  std::string row_;  // the current record's quoted fields, unescaped
  struct Span {
    size_t begin, size;
    bool quoted;  // in row_, else in text_
  };
  std::vector<Span> spans_;
};

}  // namespace ndc::link::internal
