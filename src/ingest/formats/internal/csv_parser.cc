#include "ingest/formats/internal/csv_parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ndc::ingest::internal {
namespace {

// Bytes that end an unquoted field, or make it an error.
constexpr std::array<bool, 256> kEndsUnquoted = [] {
  std::array<bool, 256> t{};
  t[','] = t['\n'] = t['"'] = true;
  return t;
}();

// The first ',', '\n' or '"' in [p, end), or end. The hot loop of the reader: 16 bytes at a time
// where SSE2 is there (every x86-64).
const char* FindUnquotedEnd(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, newline)),
                                     _mm_cmpeq_epi8(v, quote));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && !kEndsUnquoted[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

}  // namespace

CsvParser::CsvParser(ByteSource* source, size_t max_record_bytes, size_t keep_text_bytes)
    : buf_(source, kReadChunk, std::min(max_record_bytes, std::numeric_limits<size_t>::max() / 4) + 2),
      max_record_bytes_(std::min(max_record_bytes, std::numeric_limits<size_t>::max() / 4)),
      keep_text_bytes_(std::min(keep_text_bytes, max_record_bytes_ + 4)) {}

CsvParser::Step CsvParser::Parse(const char* b, size_t n, bool eof) {
  const char* p = b;
  const char* const end = b + n;
  fields_.clear();
  escaped_.clear();
  scratch_.clear();
  newlines_ = 0;
  error_ = CsvError::kNone;
  open_quote_spans_lines_ = false;
  if (*p == '\n' || (*p == '\r' && (n == 1 || p[1] == '\n'))) {  // a blank line
    if (n == 1 && *p == '\r' && !eof) return Step::kNeedMore;
    consumed_ = *p == '\n' ? 1 : n == 1 ? 1 : 2;
    newlines_ = b[consumed_ - 1] == '\n' ? 1 : 0;
    return Step::kBlank;
  }
  for (;;) {
    if (p == end) {  // the input ends right after a ','
      if (!eof) return Step::kNeedMore;
      fields_.emplace_back(end, 0);
      text_end_ = end;
      consumed_ = n;
      return Step::kRecord;
    }
    if (*p != '"') {
      const char* s = p;
      p = FindUnquotedEnd(p, end);
      if (p < end && *p == ',') {
        fields_.emplace_back(s, static_cast<size_t>(p - s));
        ++p;
        continue;
      }
      if (p < end && *p == '"') {
        error_ = CsvError::kQuoteInUnquoted;
        error_column_ = fields_.size();
        return SkipLine(b, p, end, eof);
      }
      if (p == end && !eof) return Step::kNeedMore;
      const char* e = p;  // at '\n' or the end of the input; a CR before it is not data
      if (e > s && e[-1] == '\r') --e;
      fields_.emplace_back(s, static_cast<size_t>(e - s));
      text_end_ = e;
      if (p < end) {
        consumed_ = static_cast<size_t>(p + 1 - b);
        ++newlines_;
      } else {
        consumed_ = n;
      }
      return Step::kRecord;
    }

    // A quoted field: content up to a '"' that is not doubled.
    const char* open = ++p;
    const char* run = p;  // start of the content not yet copied to scratch_
    const size_t scratch_start = scratch_.size();
    bool escaped = false;
    const char* close;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
      if (q == nullptr) {
        if (!eof) return Step::kNeedMore;
        error_ = CsvError::kUnterminatedQuote;
        error_column_ = fields_.size();
        const char* last = end[-1] == '\n' ? end - 1 : end;
        open_quote_spans_lines_ = std::find(open, last, '\n') != last;
        newlines_ += std::count(open, end, '\n');
        text_end_ = end[-1] == '\r' ? end - 1 : end;
        consumed_ = n;
        return Step::kRecord;
      }
      if (q + 1 == end && !eof) return Step::kNeedMore;  // "" split by the buffer end?
      if (q + 1 < end && q[1] == '"') {
        scratch_.append(run, static_cast<size_t>(q + 1 - run));
        p = run = q + 2;
        escaped = true;
        continue;
      }
      close = q;
      break;
    }
    newlines_ += std::count(open, close, '\n');
    if (escaped) {
      scratch_.append(run, static_cast<size_t>(close - run));
      escaped_.push_back({fields_.size(), scratch_start, scratch_.size() - scratch_start});
      fields_.emplace_back();
    } else {
      fields_.emplace_back(open, static_cast<size_t>(close - open));
    }
    p = close + 1;
    if (p == end) {  // eof is true here, else the quote would have asked for more
      text_end_ = end;
      consumed_ = n;
      return Step::kRecord;
    }
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'))) {
      if (*p == '\r' && p + 1 == end && !eof) return Step::kNeedMore;
      text_end_ = p;
      consumed_ = static_cast<size_t>(p - b) + (*p == '\n' ? 1 : p + 1 == end ? 1 : 2);
      newlines_ += b[consumed_ - 1] == '\n' ? 1 : 0;
      return Step::kRecord;
    }
    error_ = CsvError::kTextAfterQuote;
    error_column_ = fields_.size() - 1;
    return SkipLine(b, p, end, eof);
  }
}

// After a quoting error at `from` the record ends at the next line end, whatever the quotes.
CsvParser::Step CsvParser::SkipLine(const char* b, const char* from, const char* end, bool eof) {
  const char* nl = static_cast<const char*>(std::memchr(from, '\n', static_cast<size_t>(end - from)));
  if (nl == nullptr) {
    if (!eof) return Step::kNeedMore;
    text_end_ = end[-1] == '\r' ? end - 1 : end;
    consumed_ = static_cast<size_t>(end - b);
    return Step::kRecord;
  }
  text_end_ = nl[-1] == '\r' ? nl - 1 : nl;
  consumed_ = static_cast<size_t>(nl + 1 - b);
  ++newlines_;
  return Step::kRecord;
}

Result<bool> CsvParser::Next(CsvRecord* rec) {
  buf_.Consume(pending_);
  pending_ = 0;
  if (!started_) {
    started_ = true;
    RETURN_IF_ERROR(buf_.Fill());  // fills the buffer, so 3 bytes are there unless the input is shorter
    if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) buf_.Consume(3);
  }
  for (;;) {
    if (buf_.size() == 0) {
      if (buf_.eof()) return false;
      RETURN_IF_ERROR(buf_.Fill());
      continue;
    }
    Step step = Parse(buf_.data(), buf_.size(), buf_.eof());
    if (step == Step::kNeedMore) {
      // The record goes on past what is buffered, and its text (all but a CR before the line end)
      // is already over the limit.
      if (buf_.size() >= max_record_bytes_ + 2) {
        RETURN_IF_ERROR(SkipTooLong(rec));
        return true;
      }
      RETURN_IF_ERROR(buf_.Fill());
      continue;
    }
    line_ += newlines_;
    if (step == Step::kBlank) {
      buf_.Consume(consumed_);
      continue;
    }
    const char* b = buf_.data();
    rec->line = line_ - newlines_;
    rec->text = std::string_view(b, static_cast<size_t>(text_end_ - b));
    rec->text_bytes = rec->text.size();
    rec->error = rec->text_bytes > max_record_bytes_ ? CsvError::kTooLong : error_;
    rec->open_quote_spans_lines = open_quote_spans_lines_;
    rec->error_column = rec->error == CsvError::kTooLong ? 0 : error_column_;
    if (rec->error == CsvError::kNone) {
      for (const Escaped& e : escaped_)
        fields_[e.field] = std::string_view(scratch_).substr(e.offset, e.size);
      std::swap(rec->fields, fields_);  // no copy; the caller's old vector is reused next time
    } else {
      rec->fields.clear();
    }
    pending_ = consumed_;
    return true;
  }
}

Status CsvParser::SkipTooLong(CsvRecord* rec) {
  // The same grammar as Parse(), one byte at a time and keeping nothing, so the record ends
  // where it would have ended had it been short enough.
  enum class S { kFieldStart, kUnquoted, kQuoted, kQuoteSeen, kCrAfterQuote, kToLineEnd };
  S s = S::kFieldStart;
  kept_.clear();
  size_t total = 0;  // bytes of the record before its line end
  int64_t newlines = 0;
  int64_t quoted_newlines = 0;  // line ends inside the quoted value last opened
  char last = 0;
  for (;;) {
    const char* d = buf_.data();
    const size_t n = buf_.size();
    if (kept_.size() < keep_text_bytes_) kept_.append(d, std::min(n, keep_text_bytes_ - kept_.size()));
    size_t i = 0;
    bool ended = false;
    for (; i < n; ++i) {
      const char c = d[i];
      if (c == '\n') {
        if (s != S::kQuoted) {
          ended = true;
          break;
        }
        ++newlines;
        ++quoted_newlines;
      } else {
        switch (s) {
          case S::kFieldStart:
            s = c == '"' ? S::kQuoted : c == ',' ? S::kFieldStart : S::kUnquoted;
            if (s == S::kQuoted) quoted_newlines = 0;  // a new quoted value
            break;
          case S::kUnquoted:
            s = c == ',' ? S::kFieldStart : c == '"' ? S::kToLineEnd : S::kUnquoted;
            break;
          case S::kQuoted:
            s = c == '"' ? S::kQuoteSeen : S::kQuoted;
            break;
          case S::kQuoteSeen:
            s = c == '"'    ? S::kQuoted
                : c == ','  ? S::kFieldStart
                : c == '\r' ? S::kCrAfterQuote
                            : S::kToLineEnd;
            break;
          case S::kCrAfterQuote:
            s = S::kToLineEnd;
            break;
          case S::kToLineEnd:
            break;
        }
      }
      last = c;
    }
    total += i;
    if (ended) {
      buf_.Consume(i + 1);
      ++newlines;
      break;
    }
    buf_.Consume(n);
    if (buf_.eof()) break;
    RETURN_IF_ERROR(buf_.Fill());
  }
  if (last == '\r') --total;
  rec->open_quote_spans_lines = s == S::kQuoted && quoted_newlines - (last == '\n' ? 1 : 0) > 0;
  rec->line = line_;
  line_ += newlines;
  rec->text = std::string_view(kept_).substr(0, total);
  rec->text_bytes = total;
  rec->error = CsvError::kTooLong;
  rec->error_column = 0;
  rec->fields.clear();
  return OkStatus();
}

}  // namespace ndc::ingest::internal
