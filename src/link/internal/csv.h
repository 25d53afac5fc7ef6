// link/internal/csv: a small RFC 4180 reader for `ndc link files` inputs: header row, quoted
// fields with "" escapes and line breaks, CRLF or LF, any one-byte delimiter; unquoted fields are
// trimmed (so FEBRL's ", " separator reads as ","). A UTF-8 BOM is skipped. A regular file is
// mapped into memory whole (read-only, private: no copy, and the pages come from the page cache
// on whichever thread reads them; the file must not be truncated while a reader lives); other
// files (pipes) are read whole. Unquoted fields are views of the text, not copies. Split and Chunk let several threads read one file: each chunk
// reader yields exactly the records the whole-file reader would yield for its byte range.
// Thread safety: a reader is not thread-safe; chunk readers share the (immutable) text and may
// be used on different threads.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ndc::link::internal {

class CsvReader {
 public:
  // Errors: kNotFound (cannot open), kUnavailable (cannot read), kInvalidArgument "x.csv: the file
  // is empty (a header row is required)".
  static Result<CsvReader> Open(const std::filesystem::path& path, char delimiter);
  // Reads from memory (tests).
  static Result<CsvReader> FromString(std::string text, std::string name, char delimiter);

  const std::vector<std::string>& header() const { return header_; }
  // The next record's fields (views valid until the next call); false at the end. Blank lines
  // are skipped. Error: kInvalidArgument "x.csv:17: unterminated quoted field".
  Result<bool> Next(std::vector<std::string_view>* fields);
  // Whether `field` (from Next) is a view of the file text, valid as long as any reader of the
  // file lives; otherwise (a quoted field) it is valid only until the next call of Next.
  bool InFile(std::string_view field) const {
    const std::less_equal<const char*> le;
    return le(text_.data(), field.data()) && le(field.data() + field.size(), text_.data() + text_.size());
  }
  // Bytes read so far and in all, for estimating the number of records.
  size_t offset() const { return pos_; }
  size_t size() const { return text_.size(); }

  // Byte range of a chunk of records: [begin, end) of the file, starting at line `line`.
  struct Range {
    size_t begin, end, line;
  };
  // Up to `parts` consecutive ranges of about equal size covering the records after the current
  // position, each starting at a record (none when no bytes are left). Without a quote
  // character in the rest of the file a line break always ends a record, so splitting is a few
  // memchr calls (line numbers are then 0: no error can need them); otherwise the records are
  // scanned once with the reader's own rules, which also reports an unterminated quote as Next
  // would ("x.csv:17: unterminated quoted field").
  Result<std::vector<Range>> Split(size_t parts) const;
  // A reader of the records in `range` (from Split), without a header row; it shares this
  // reader's text.
  CsvReader Chunk(const Range& range) const;

 private:
  CsvReader() = default;
  // A reader of `text`, which `owner` keeps alive.
  static Result<CsvReader> FromText(std::shared_ptr<const void> owner, std::string_view text, std::string name,
                                    char delimiter);
  Status ReadRecord(bool* got);
  std::string name_;
  std::shared_ptr<const void> buffer_;  // owns the text (a string, or a mapping); shared by chunk readers
  std::string_view text_;                      // the text up to this reader's end
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
