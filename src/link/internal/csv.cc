#include "link/internal/csv.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace ndc::link::internal {

Result<CsvReader> CsvReader::Open(const std::filesystem::path& path, char delimiter) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFoundError("input file '" + path.string() + "' cannot be opened: check the path");
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  ::close(fd);
  if (map == MAP_FAILED) {  // not a regular file, or empty: read it
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) return UnavailableError("input file '" + path.string() + "' could not be read");
    return FromString(std::move(text), path.filename().string(), delimiter);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  ::madvise(map, size, MADV_SEQUENTIAL);
  std::shared_ptr<const void> owner(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  const std::string_view text(static_cast<const char*>(map), size);
  return FromText(std::move(owner), text, path.filename().string(), delimiter);
}

Result<CsvReader> CsvReader::FromString(std::string text, std::string name, char delimiter) {
  auto owned = std::make_shared<const std::string>(std::move(text));
  const std::string_view view = *owned;
  return FromText(std::move(owned), view, std::move(name), delimiter);
}

Result<CsvReader> CsvReader::FromText(std::shared_ptr<const void> owner, std::string_view text, std::string name,
                                      char delimiter) {
  CsvReader r;
  r.name_ = std::move(name);
  r.buffer_ = std::move(owner);
  r.text_ = text;
  r.delim_ = delimiter;
  if (r.text_.rfind("\xEF\xBB\xBF", 0) == 0) r.pos_ = 3;
  std::vector<std::string_view> fields;
  ASSIGN_OR_RETURN(bool got, r.Next(&fields));
  if (!got) return InvalidArgumentError(r.name_ + ": the file is empty (a header row is required)");
  for (auto f : fields) r.header_.emplace_back(f);
  return r;
}

Result<std::vector<CsvReader::Range>> CsvReader::Split(size_t parts) const {
  std::vector<Range> out;
  const size_t begin = pos_, end = text_.size();
  if (begin >= end) return out;
  parts = std::max<size_t>(parts, 1);
  auto target = [&](size_t k) { return begin + (end - begin) / parts * k; };
  size_t b = begin, b_line = 0;
  if (text_.find('"', begin) == std::string_view::npos) {
    // Unquoted fields stop at a line break, so the byte after any '\n' starts a record (or
    // blank lines, which every reader skips).
    for (size_t k = 1; k < parts; ++k) {
      if (target(k) < b) continue;
      const size_t nl = text_.find('\n', target(k));
      if (nl == std::string_view::npos || nl + 1 >= end) break;
      out.push_back({b, nl + 1, 0});
      b = nl + 1;
    }
  } else {
    CsvReader scan = *this;
    b_line = line_;
    for (size_t k = 1;;) {
      bool got = false;
      RETURN_IF_ERROR(scan.ReadRecord(&got));
      if (!got) break;
      if (k < parts && scan.pos_ >= target(k) && scan.pos_ < end) {
        out.push_back({b, scan.pos_, b_line});
        b = scan.pos_;
        b_line = scan.line_;
        while (k < parts && target(k) <= scan.pos_) ++k;
      }
    }
  }
  out.push_back({b, end, b_line});
  return out;
}

CsvReader CsvReader::Chunk(const Range& range) const {
  CsvReader r;
  r.name_ = name_;
  r.buffer_ = buffer_;
  r.text_ = text_.substr(0, range.end);
  r.pos_ = range.begin;
  r.line_ = range.line;
  r.delim_ = delim_;
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
      spans_.push_back({begin, row_.size() - begin, true});
    } else {  // unquoted: a view of the text, trimmed
      const size_t first = pos_;
      while (pos_ < text_.size() && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
      size_t last = pos_;
      while (last > first && (text_[last - 1] == ' ' || text_[last - 1] == '\t')) --last;
      spans_.push_back({first, last - first, false});
    }
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
  for (const Span& f : spans_) fields->push_back((f.quoted ? std::string_view(row_) : text_).substr(f.begin, f.size));
  return true;
}

}  // namespace ndc::link::internal
