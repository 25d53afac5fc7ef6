// The NDJSON RowReader: one object per line, parsed with simdjson's On-Demand API, keys matched
// like CSV headers. Design: docs/design/ingest-formats.md ("NDJSON").
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "ingest/formats/internal/column_map.h"
#include "ingest/formats/internal/read_buffer.h"
#include "ingest/formats/internal/readers.h"

namespace ndc::ingest::internal {
namespace {

namespace od = simdjson::ondemand;

std::string JsonErrorText(simdjson::error_code e) {
  switch (e) {
    case simdjson::UTF8_ERROR:
      return "invalid JSON: invalid UTF-8";
    case simdjson::UNCLOSED_STRING:
      return "invalid JSON: unterminated string";
    case simdjson::UNESCAPED_CHARS:
      return "invalid JSON: control character inside a string";
    case simdjson::STRING_ERROR:
      return "invalid JSON: invalid string or escape";
    case simdjson::NUMBER_ERROR:
      return "invalid JSON: invalid number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "invalid JSON: invalid literal (expected true, false or null)";
    // On-Demand's check that the last token closes the first: an unclosed object or text after it.
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "invalid JSON: the line does not end with the object's closing brace";
    case simdjson::DEPTH_ERROR:
      return "invalid JSON: nested too deeply";
    case simdjson::TAPE_ERROR:
      return "invalid JSON: malformed";
    default:
      return std::string("invalid JSON: ") + simdjson::error_message(e);
  }
}

std::string_view TypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "something else";
}

// RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

class NdjsonReader final : public RowReader {
 public:
  NdjsonReader(std::unique_ptr<HashingSource> source, const catalog::DatasetSchema& schema,
               const ReaderOptions& options)
      : source_(std::move(source)),
        map_(schema),
        limits_(options.limits),
        max_line_(std::min(limits_.max_record_bytes, std::numeric_limits<size_t>::max() / 4)),
        buf_(source_.get(), kReadChunk, max_line_ + 2),
        seen_(map_.size()) {}

  Result<bool> Next(InputRow* row) override;
  int64_t bytes_consumed() const override { return source_->consumed(); }
  int64_t bytes_total() const override { return source_->total(); }
  std::string content_sha256() const override { return source_->digest(); }

 private:
  // Reads on to the end of a line longer than the limit; sets the row's raw text.
  Status SkipLongLine(InputRow* row);
  // Parses one non-blank line into `row`; problems become the row's error.
  void ParseLine(std::string_view line, InputRow* row);
  // map_.Find(key) for the key at `position` in its object. Lines of one file usually repeat their
  // keys in the same order, so the answer for each position is remembered and reused when the key
  // is the same as last time: one short compare instead of a hash lookup.
  int FindKey(size_t position, std::string_view key) {
    constexpr size_t kMaxPositions = 256, kMaxKeyBytes = 256;
    if (position < key_cache_.size() && key_cache_[position].valid && key_cache_[position].key == key) {
      return key_cache_[position].field;
    }
    int f = map_.Find(key);
    if (position < kMaxPositions && key.size() <= kMaxKeyBytes) {
      if (position >= key_cache_.size()) key_cache_.resize(position + 1);
      key_cache_[position] = {std::string(key), f, true};
    }
    return f;
  }
  void Fail(InputRow* row, std::string error, std::string field = "") {
    row->error = std::move(error);
    row->error_field = std::move(field);
  }

  std::unique_ptr<HashingSource> source_;
  ColumnMap map_;
  ReaderLimits limits_;
  size_t max_line_;
  ReadBuffer buf_;
  int64_t line_ = 1;
  size_t pending_ = 0;
  bool started_ = false;
  od::parser parser_;
  std::unique_ptr<char[]> padded_;  // the line being parsed plus simdjson's padding
  size_t padded_capacity_ = 0;
  std::vector<uint8_t> seen_;
  std::string kept_;
  struct CachedKey {
    std::string key;
    int field = ColumnMap::kUnknown;
    bool valid = false;
  };
  std::vector<CachedKey> key_cache_;
};

Result<bool> NdjsonReader::Next(InputRow* row) {
  buf_.Consume(pending_);
  pending_ = 0;
  if (!started_) {  // a UTF-8 BOM may open the input, as in CSV
    started_ = true;
    RETURN_IF_ERROR(buf_.Fill());
    if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) buf_.Consume(3);
  }
  for (;;) {
    if (buf_.size() == 0) {
      if (buf_.eof()) return false;
      RETURN_IF_ERROR(buf_.Fill());
      continue;
    }
    const char* d = buf_.data();
    const size_t n = buf_.size();
    const char* nl = static_cast<const char*>(std::memchr(d, '\n', n));
    size_t consumed = n;
    if (nl == nullptr) {
      if (!buf_.eof()) {
        if (n >= max_line_ + 2) {  // over the limit even if the last byte is a CR before the '\n'
          RETURN_IF_ERROR(SkipLongLine(row));
          return true;
        }
        RETURN_IF_ERROR(buf_.Fill());
        continue;
      }
    } else {
      consumed = static_cast<size_t>(nl - d) + 1;
    }
    std::string_view line(d, nl == nullptr ? n : static_cast<size_t>(nl - d));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const int64_t line_no = line_++;
    if (IsBlank(line)) {
      buf_.Consume(consumed);
      continue;
    }
    pending_ = consumed;
    row->line = line_no;
    SetRawText(line, line.size(), limits_.max_raw_bytes, &row->raw);
    row->op.clear();
    row->error.clear();
    row->error_field.clear();
    if (line.size() > max_line_) {
      Fail(row, fmt::format("line longer than {} bytes (max_record_bytes)", limits_.max_record_bytes));
    } else {
      ParseLine(line, row);
    }
    return true;
  }
}

Status NdjsonReader::SkipLongLine(InputRow* row) {
  const size_t keep = std::min(limits_.max_raw_bytes, max_line_) + 4;
  kept_.clear();
  size_t total = 0;
  char last = 0;
  for (;;) {
    const char* d = buf_.data();
    const size_t n = buf_.size();
    if (kept_.size() < keep) kept_.append(d, std::min(n, keep - kept_.size()));
    const char* nl = static_cast<const char*>(std::memchr(d, '\n', n));
    const size_t upto = nl == nullptr ? n : static_cast<size_t>(nl - d);
    total += upto;
    if (upto > 0) last = d[upto - 1];
    if (nl != nullptr) {
      buf_.Consume(upto + 1);
      break;
    }
    buf_.Consume(n);
    if (buf_.eof()) break;
    RETURN_IF_ERROR(buf_.Fill());
  }
  if (last == '\r') --total;
  row->line = line_++;
  SetRawText(kept_, total, limits_.max_raw_bytes, &row->raw);
  row->op.clear();
  Fail(row, fmt::format("line longer than {} bytes (max_record_bytes)", limits_.max_record_bytes));
  return OkStatus();
}

void NdjsonReader::ParseLine(std::string_view line, InputRow* row) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; give it a copy with blank padding.
  const size_t need = line.size() + simdjson::SIMDJSON_PADDING;
  if (padded_capacity_ < need) {
    padded_capacity_ = std::max(need, padded_capacity_ * 2);
    padded_.reset(new char[padded_capacity_]);
  }
  std::memcpy(padded_.get(), line.data(), line.size());
  std::memset(padded_.get() + line.size(), ' ', simdjson::SIMDJSON_PADDING);

  od::document doc;
  if (auto e = parser_.iterate(padded_.get(), line.size(), need).get(doc)) return Fail(row, JsonErrorText(e));
  od::json_type type;
  if (auto e = doc.type().get(type)) return Fail(row, JsonErrorText(e));
  if (type != od::json_type::object)
    return Fail(row, fmt::format("expected a JSON object, got {}", TypeName(type)));
  od::object object;
  if (auto e = doc.get_object().get(object)) return Fail(row, JsonErrorText(e));

  std::fill(seen_.begin(), seen_.end(), 0);
  bool op_seen = false;
  row->values.resize(map_.size());
  size_t position = 0;
  for (auto member : object) {
    od::field field;
    if (auto e = std::move(member).get(field)) return Fail(row, JsonErrorText(e));
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return Fail(row, JsonErrorText(e));
    const int f = FindKey(position++, key);
    if (f == ColumnMap::kUnknown) return Fail(row, "unknown key " + QuoteName(key));
    auto label = [&] { return "key " + QuoteName(key); };  // only for errors: keeps the loop allocation-free
    if (f == ColumnMap::kOp) {
      if (op_seen) return Fail(row, "duplicate " + label());
      op_seen = true;
    } else {
      if (seen_[static_cast<size_t>(f)] != 0) return Fail(row, "duplicate " + label(), map_.name(f));
      seen_[static_cast<size_t>(f)] = 1;
    }
    od::value value = field.value();
    od::json_type vt;
    if (auto e = value.type().get(vt)) return Fail(row, JsonErrorText(e));
    std::string_view text;
    bool is_null = false;
    switch (vt) {
      case od::json_type::string:
        if (auto e = value.get_string().get(text)) return Fail(row, JsonErrorText(e));
        break;
      case od::json_type::number: {
        text = value.raw_json_token();
        while (!text.empty() &&
               (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
          text.remove_suffix(1);
        }
        if (!IsJsonNumber(text)) return Fail(row, JsonErrorText(simdjson::NUMBER_ERROR));
        break;
      }
      case od::json_type::boolean: {
        bool b = false;
        if (value.get_bool().get(b)) return Fail(row, JsonErrorText(simdjson::T_ATOM_ERROR));
        text = b ? "true" : "false";
        break;
      }
      case od::json_type::null:
        if (value.is_null().get(is_null) || !is_null) return Fail(row, JsonErrorText(simdjson::N_ATOM_ERROR));
        break;
      case od::json_type::object:
      case od::json_type::array:
        return Fail(row, label() + ": nested objects and arrays are not supported",
                    f >= 0 ? map_.name(f) : "");
    }
    if (f == ColumnMap::kOp) {
      if (vt != od::json_type::string && vt != od::json_type::null) {
        return Fail(row, fmt::format("{}: expected a string, got {}", label(), TypeName(vt)));
      }
      row->op.assign(text);
      continue;
    }
    if (text.size() > limits_.max_field_bytes) {
      return Fail(
          row,
          fmt::format("{}: value longer than {} bytes (max_field_bytes)", label(), limits_.max_field_bytes),
          map_.name(f));
    }
    std::optional<std::string>& slot = row->values[static_cast<size_t>(f)];
    if (is_null) {
      slot.reset();
    } else if (slot) {
      slot->assign(text);
    } else {
      slot.emplace(text);
    }
  }
  // On-Demand stops at the object's end; anything after it makes the line invalid.
  if (!doc.current_location().error()) return Fail(row, "invalid JSON: text after the object");
  for (size_t f = 0; f < seen_.size(); ++f) {
    if (seen_[f] == 0) row->values[f].reset();
  }
}

}  // namespace

std::unique_ptr<RowReader> OpenNdjsonReader(std::unique_ptr<HashingSource> source,
                                            const catalog::DatasetSchema& schema,
                                            const ReaderOptions& options) {
  return std::make_unique<NdjsonReader>(std::move(source), schema, options);
}

}  // namespace ndc::ingest::internal
