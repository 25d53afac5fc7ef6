#include "link/internal/csv.h"

#include <fstream>
#include <sstream>

namespace ndc::link::internal {

Result<CsvReader> CsvReader::Open(const std::filesystem::path& path, char delimiter) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("input file '" + path.string() + "' cannot be opened: check the path");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return UnavailableError("input file '" + path.string() + "' could not be read");
  return FromString(std::move(buf).str(), path.filename().string(), delimiter);
}

Result<CsvReader> CsvReader::FromString(std::string text, std::string name, char delimiter) {
  CsvReader r;
  r.name_ = std::move(name);
  r.text_ = std::move(text);
  r.delim_ = delimiter;
  if (r.text_.rfind("\xEF\xBB\xBF", 0) == 0) r.pos_ = 3;
  std::vector<std::string_view> fields;
  ASSIGN_OR_RETURN(bool got, r.Next(&fields));
  if (!got) return InvalidArgumentError(r.name_ + ": the file is empty (a header row is required)");
  for (auto f : fields) r.header_.emplace_back(f);
  return r;
}

Status CsvReader::ReadRecord(bool* got) {
  row_.clear();
  spans_.clear();
  *got = false;
  // Skip blank lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return OkStatus();
  *got = true;
  const size_t start_line = line_;
  while (true) {
    size_t begin = row_.size();
    // Leading blanks of an unquoted field are dropped; a quote after them starts a quoted field.
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t') && text_[pos_] != delim_) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          return InvalidArgumentError(name_ + ":" + std::to_string(start_line) + ": unterminated quoted field");
        }
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            row_ += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        row_ += c;
      }
      // Anything up to the delimiter after the closing quote is kept, trimmed.
      while (pos_ < text_.size() && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (text_[pos_] != ' ' && text_[pos_] != '\t') row_ += text_[pos_];
        ++pos_;
      }
    } else {
      while (pos_ < text_.size() && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        row_ += text_[pos_++];
      }
      while (row_.size() > begin && (row_.back() == ' ' || row_.back() == '\t')) row_.pop_back();
    }
    spans_.emplace_back(begin, row_.size() - begin);
    if (pos_ < text_.size() && text_[pos_] == delim_) {
      ++pos_;
      continue;
    }
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return OkStatus();
  }
}

Result<bool> CsvReader::Next(std::vector<std::string_view>* fields) {
  bool got = false;
  RETURN_IF_ERROR(ReadRecord(&got));
  fields->clear();
  if (!got) return false;
  for (const auto& [b, n] : spans_) fields->push_back(std::string_view(row_).substr(b, n));
  return true;
}

}  // namespace ndc::link::internal
