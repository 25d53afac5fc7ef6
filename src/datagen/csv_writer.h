// datagen/csv_writer: RFC 4180 CSV output, UTF-8 without BOM, CRLF line ends; a field is quoted
// when it holds a comma, a double quote, CR or LF (quotes doubled inside). Buffered: rows are
// appended to a 1 MiB buffer written with one fwrite, so millions of rows cost little more than
// their bytes. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace ndc::datagen {

class CsvWriter {
 public:
  // Creates or truncates `path`. Errors: kUnavailable "cannot create '<path>': <strerror>".
  static Result<std::unique_ptr<CsvWriter>> Open(const std::string& path);
  ~CsvWriter();

  void Field(std::string_view value);
  void EndRow();
  // Flushes and closes. Errors: kUnavailable "cannot write '<path>': <strerror>" (disk full, ...).
  // Calling it again returns the first result.
  Status Close();

  uint64_t rows() const { return rows_; }
  uint64_t bytes() const { return bytes_; }

 private:
  CsvWriter(std::string path, std::FILE* f);
  void Flush();

  std::string path_;
  std::FILE* file_;
  std::string buffer_;
  bool first_in_row_ = true;
  bool failed_ = false;
  int error_ = 0;
  bool closed_ = false;
  Status close_status_;
  uint64_t rows_ = 0, bytes_ = 0;
};

}  // namespace ndc::datagen
