#include "store/internal/sql_params.h"

#include <fmt/format.h>

#include <algorithm>

namespace ndc::store {
namespace {

bool IsIdentChar(char c) {
  return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Position just past the literal/comment/quote starting at i, or i if none starts there.
size_t SkipQuoted(std::string_view s, size_t i) {
  const size_t n = s.size();
  char c = s[i];
  if (c == '\'' || c == '"') {
    // E'...' strings treat backslash as an escape; plain ones double the quote (which this
    // loop handles as two adjacent literals).
    bool escapes =
        c == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !IsIdentChar(s[i - 2]));
    for (size_t j = i + 1; j < n; ++j) {
      if (escapes && s[j] == '\\') {
        ++j;
      } else if (s[j] == c) {
        return j + 1;
      }
    }
    return n;
  }
  if (c == '-' && i + 1 < n && s[i + 1] == '-') {
    size_t j = s.find('\n', i);
    return j == std::string_view::npos ? n : j + 1;
  }
  if (c == '/' && i + 1 < n && s[i + 1] == '*') {
    int depth = 0;  // PostgreSQL nests block comments
    for (size_t j = i; j + 1 < n; ++j) {
      if (s[j] == '/' && s[j + 1] == '*') {
        ++depth;
        ++j;
      } else if (s[j] == '*' && s[j + 1] == '/') {
        ++j;
        if (--depth == 0) return j + 1;
      }
    }
    return n;
  }
  if (c == '$' && (i == 0 || !IsIdentChar(s[i - 1])) && i + 1 < n && !IsDigit(s[i + 1])) {
    // Dollar quoting: $$...$$ or $tag$...$tag$.
    size_t j = i + 1;
    while (j < n && s[j] != '$' && IsIdentChar(s[j])) ++j;
    if (j >= n || s[j] != '$') return i;
    std::string_view tag = s.substr(i, j - i + 1);
    size_t close = s.find(tag, j + 1);
    return close == std::string_view::npos ? n : close + tag.size();
  }
  return i;
}

}  // namespace

SqlShape ScanSql(std::string_view s) {
  SqlShape shape;
  bool after_semicolon = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t next = SkipQuoted(s, i);
    char c = s[i];
    bool comment = (c == '-' || c == '/') && next != i;
    if (next != i) {
      if (!comment) {
        shape.several_statements |= after_semicolon;
        shape.empty = false;
      }
      i = next;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    if (c == ';') {
      after_semicolon = !shape.empty;
      ++i;
      continue;
    }
    shape.several_statements |= after_semicolon;
    shape.empty = false;
    if (c == '$' && i + 1 < s.size() && IsDigit(s[i + 1]) && (i == 0 || !IsIdentChar(s[i - 1]))) {
      size_t j = i + 1;
      int n = 0;
      while (j < s.size() && IsDigit(s[j])) {
        n = std::min(n * 10 + (s[j] - '0'), 1000000);
        ++j;
      }
      shape.parameters.push_back(n);
      shape.offsets.push_back(i);
      i = j;
      continue;
    }
    ++i;
  }
  std::sort(shape.parameters.begin(), shape.parameters.end());
  shape.parameters.erase(std::unique(shape.parameters.begin(), shape.parameters.end()),
                         shape.parameters.end());
  return shape;
}

Status CheckParameters(std::span<const int> referenced, size_t given, std::string_view backend) {
  for (size_t i = 0; i < referenced.size(); ++i) {
    if (referenced[i] != static_cast<int>(i + 1)) {
      return InvalidArgumentError(
          fmt::format("{}: parameters must be $1..$n without gaps; ${} is not used", backend, i + 1));
    }
  }
  if (given != referenced.size()) {
    return InvalidArgumentError(fmt::format("{}: statement uses {} parameter(s) but {} value(s) were given",
                                            backend, referenced.size(), given));
  }
  return OkStatus();
}

}  // namespace ndc::store
