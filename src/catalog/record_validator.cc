#include "catalog/record_validator.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include "catalog/internal/decimal.h"
#include "catalog/internal/value_scan.h"
#include "ident/admin_units.h"
#include "ident/date_parse.h"
#include "ident/email.h"
#include "ident/personal_id.h"
#include "ident/phone.h"
#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::catalog {
namespace {

using store::Value;

constexpr const char* kControlMessage = "contains a control character (NUL or U+001F) that no field may hold";

// Characters no stored value may hold besides NUL and U+001F: the other C0 controls but tab, line
// feed and carriage return (terminal escapes among them), DEL, the C1 controls, and the invisible
// formatting characters that make one text look like another — zero-width spaces and joiners,
// directional marks, overrides and isolates, word joiners, the byte-order mark (review of
// 2026-12-01: "Nguyễn\u202eVăn An" was stored, and folded for linkage to "nguyenvan an").
bool IsForbiddenCodePoint(char32_t cp) {
  return text::IsControlOrFormatting(cp) && cp != '\t' && cp != '\n' && cp != '\r';
}

// Why `v` (valid UTF-8) may not be stored, or nullopt.
std::optional<std::string> ForbiddenCharacter(std::string_view v) {
  if (v.find('\0') != std::string_view::npos || v.find(kKeySeparator) != std::string_view::npos) {
    return std::string(kControlMessage);
  }
  for (size_t i = 0; i < v.size();) {
    const auto c = static_cast<unsigned char>(v[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + static_cast<size_t>(k) < v.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(v[i + static_cast<size_t>(k)]) & 0x3F);
    }
    if (IsForbiddenCodePoint(cp)) {
      return fmt::format("contains U+{:04X}, a control or invisible formatting character that no field may hold "
                         "(it would show as nothing, or change how the text around it reads)",
                         static_cast<uint32_t>(cp));
    }
    i += static_cast<size_t>(len);
  }
  return std::nullopt;
}

// The sex a value means, read as linkage reads it (text::FoldedSex). Until 2026-12-01 only a
// value mapped to exactly "male" or "female" was checked against the personal ID, and an enum of
// "1"/"2" skipped the check.
std::optional<ident::Sex> SexOf(std::string_view value) {
  const std::string_view sex = text::FoldedSex(value);
  if (sex == "male") return ident::Sex::kMale;
  if (sex == "female") return ident::Sex::kFemale;
  return std::nullopt;
}

// A decimal as agencies send it: optional sign, digits, optional '.' and digits.
bool IsDecimal(std::string_view s, int* scale) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t digits = 0, after = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.' && !point) {
      point = true;
    } else if (s[i] >= '0' && s[i] <= '9') {
      ++digits;
      if (point) ++after;
    } else {
      return false;
    }
  }
  *scale = static_cast<int>(after);
  return digits > 0 && !(point && after == 0) && digits <= internal::kMaxDecimalDigits;
}

// Stores text in `v`, into the string it already holds when there is one: a caller that hands the
// same record back row after row (a load's recycled rows) reuses its strings' buffers instead of
// allocating one per value.
void AssignText(Value& v, std::string_view s) {
  if (auto* t = std::get_if<std::string>(&v)) {
    t->assign(s.data(), s.size());
  } else {
    v.emplace<std::string>(s);
  }
}

// The year a birth_year field holds (an integer, or text of one); nullopt when NULL or not a number.
std::optional<int> BirthYear(const Value& v) {
  int64_t year = 0;
  if (const auto* n = std::get_if<int64_t>(&v)) year = *n;
  else if (const auto* t = std::get_if<std::string>(&v); t == nullptr || !ParseInt64(*t, &year)) return std::nullopt;
  return static_cast<int>(std::clamp<int64_t>(year, INT_MIN, INT_MAX));
}

std::string Quote(std::string_view v) {
  // Quote short values; cut long ones so reports stay readable.
  std::string s(v.substr(0, 40));
  return "'" + s + (v.size() > 40 ? "…'" : "'");
}

}  // namespace

namespace internal {

std::optional<DigitRun> ParseDigitRunPattern(std::string_view p) {
  if (p.starts_with("[0-9]")) p.remove_prefix(5);
  else if (p.starts_with("\\d")) p.remove_prefix(2);
  else return std::nullopt;
  constexpr size_t kAny = static_cast<size_t>(-1);
  if (p == "+") return DigitRun{1, kAny};
  if (p == "*") return DigitRun{0, kAny};
  if (p.size() < 3 || p.front() != '{' || p.back() != '}') return std::nullopt;
  p = p.substr(1, p.size() - 2);
  auto number = [](std::string_view t, size_t* out) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
    return !t.empty() && t.size() <= 4 && ec == std::errc() && end == t.data() + t.size();
  };
  DigitRun run;
  const size_t comma = p.find(',');
  if (comma == std::string_view::npos) {
    if (!number(p, &run.min)) return std::nullopt;
    run.max = run.min;
  } else if (!number(p.substr(0, comma), &run.min)) {
    return std::nullopt;
  } else if (comma + 1 == p.size()) {
    run.max = kAny;
  } else if (!number(p.substr(comma + 1), &run.max) || run.max < run.min) {
    return std::nullopt;
  }
  return run;
}

}  // namespace internal

struct RecordValidator::Compiled {
  std::unique_ptr<RE2> pattern;
  std::optional<internal::DigitRun> digit_run;  // the pattern, when it is a run of digits
  std::optional<ident::Date> min_date, max_date;
  std::optional<long double> min_num, max_num;  // integer bounds (long double holds every int64)
  ident::DateFormat date_format = ident::DateFormat::kAuto;
};

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return false;
  // from_chars takes '-' but not '+'; out of range is an error, as strtoll's ERANGE was.
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(first, s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::optional<bool> ParseBooleanText(std::string_view s) {
  auto lower = text::ToLower(s);
  std::string b = lower.ok() ? *lower : std::string(s);
  if (b == "true" || b == "1" || b == "yes" || b == "có" || b == "x") return true;
  if (b == "false" || b == "0" || b == "no" || b == "không") return false;
  return std::nullopt;
}

RecordValidator::RecordValidator(DatasetSchema schema, ValidatorOptions options)
    : schema_(std::move(schema)), options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}
RecordValidator::~RecordValidator() = default;

Result<std::unique_ptr<RecordValidator>> RecordValidator::Create(const DatasetSchema& schema,
                                                                 ValidatorOptions options) {
  std::unique_ptr<RecordValidator> v(new RecordValidator(schema, options));
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const FieldSpec& f = schema.fields[i];
    auto c = std::make_unique<Compiled>();
    if (!f.pattern.empty()) {
      RE2::Options opt;
      opt.set_log_errors(false);
      c->pattern = std::make_unique<RE2>(f.pattern, opt);
      if (!c->pattern->ok()) {
        return InvalidArgumentError(fmt::format("field '{}': pattern does not compile: {}", f.name, c->pattern->error()));
      }
      if (options.fast_paths) c->digit_run = internal::ParseDigitRunPattern(f.pattern);
    }
    if (f.type == FieldType::kDate) {
      ASSIGN_OR_RETURN(c->date_format, ident::ParseDateFormatName(f.date_format));
      // Parsing refuses a bound that is no date, but a schema stored before 2026-12-01 may hold one.
      auto bound = [&](const std::optional<std::string>& b, const char* key, std::optional<ident::Date>* out) {
        if (!b) return OkStatus();
        auto d = ident::ParseDate(*b, ident::DateFormat::kIso);
        if (!d.ok()) return d.status().WithContext(fmt::format("field '{}': {}", f.name, key));
        *out = *d;
        return OkStatus();
      };
      RETURN_IF_ERROR(bound(f.min, "min", &c->min_date));
      RETURN_IF_ERROR(bound(f.max, "max", &c->max_date));
    } else if (f.type == FieldType::kInteger) {
      if (f.min) c->min_num = std::strtold(f.min->c_str(), nullptr);
      if (f.max) c->max_num = std::strtold(f.max->c_str(), nullptr);
    }
    v->compiled_.push_back(std::move(c));
    if (f.person == "personal_id" && f.type == FieldType::kPersonalId) v->personal_id_field_ = static_cast<int>(i);
    if (f.person == "birth_date" && f.type == FieldType::kDate) v->birth_date_field_ = static_cast<int>(i);
    if (f.person == "birth_year") v->birth_year_field_ = static_cast<int>(i);
    if (f.person == "sex") v->sex_field_ = static_cast<int>(i);
  }
  return v;
}

ident::Date RecordValidator::Today() const {
  // Two reads a row of a national load: the clock is cheap, the calendar conversion is not.
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  const int64_t local = options_.clock->NowMicros() + int64_t{ident::kVietnamUtcOffsetMinutes} * 60'000'000;
  const int64_t day = local >= 0 ? local / kMicrosPerDay : (local - kMicrosPerDay + 1) / kMicrosPerDay;
  thread_local int64_t cached_day = INT64_MIN;
  thread_local ident::Date cached;
  if (day != cached_day) {
    cached = ident::DateFromDaysSinceEpoch(day);
    cached_day = day;
  }
  return cached;
}

std::optional<std::string> RecordValidator::ValidatePartialDate(const FieldSpec& f, const Compiled& c,
                                                                std::string_view s, bool is_birth_date,
                                                                Value* value, std::optional<ident::Date>* birth_date,
                                                                std::optional<int>* birth_year) const {
  auto d = ident::ParsePartialDate(s, c.date_format);
  if (!d.ok()) return std::string(d.status().message());
  // The period the value stands for (1987: the whole year) must overlap the bounds.
  if ((c.min_date && d->Latest() < *c.min_date) || (c.max_date && d->Earliest() > *c.max_date)) {
    return fmt::format("date {} is outside the range {}..{}", d->ToString(), f.min.value_or("any"),
                       f.max.value_or("any"));
  }
  if (is_birth_date) {
    if (const ident::Date today = Today(); today < d->Earliest()) {
      return fmt::format("birth date {} is after today ({})", d->ToString(), ident::FormatIsoDate(today));
    }
    if (d->precision == ident::DatePrecision::kDay) {
      *birth_date = ident::Date{d->year, d->month, d->day};
    } else {
      *birth_year = d->year;
    }
  }
  if (options_.fast_paths && d->precision == ident::DatePrecision::kDay &&
      internal::IsIsoSpelling(s, d->year, d->month, d->day)) {
    AssignText(*value, s);
  } else {
    *value = d->ToString();  // "1987", "1987-03" or "1987-03-02"
  }
  return std::nullopt;
}

bool RecordValidator::Validate(std::span<const std::optional<std::string_view>> raw, ValidatedRecord* out,
                               std::vector<FieldError>* errors) const {
  errors->clear();
  // Every slot is written below (its value, or NULL when missing or invalid): values left from
  // an earlier use of `out` keep their buffers for it.
  out->values.resize(schema_.fields.size());
  out->source_key.clear();
  if (raw.size() != schema_.fields.size()) {
    for (Value& v : out->values) v = std::monostate{};
    errors->push_back({"", fmt::format("expected {} values, got {}", schema_.fields.size(), raw.size())});
    return false;
  }
  std::optional<ident::Date> birth_date;  // of the birth_date field, for the cross-field check
  std::optional<int> birth_year_of_date;  // ... when that date is partial: its year
  for (size_t i = 0; i < schema_.fields.size(); ++i) {
    const FieldSpec& f = schema_.fields[i];
    const Compiled& c = *compiled_[i];
    // A field that fails is NULL in `out`, as the record's other invalid fields.
    auto fail = [&](std::string message) {
      errors->push_back({f.name, std::move(message)});
      out->values[i] = std::monostate{};
    };
    std::string_view v = raw[i].value_or(std::string_view());
    // `s`: the trimmed, NFC value. Text that is provably valid and NFC already (ASCII: codes,
    // dates, numbers; precomposed Vietnamese) stays a view into `raw`; only other text is
    // normalized into `normalized`.
    std::string normalized;
    std::string_view s;
    if (options_.fast_paths && internal::IsPlainNfc(v)) {
      s = internal::TrimFast(v);
    } else {
      if (auto bad = text::FindInvalidUtf8(v)) {
        fail(fmt::format("invalid UTF-8 at byte {}", *bad));
        continue;
      }
      if (auto forbidden = ForbiddenCharacter(v)) {
        fail(std::move(*forbidden));
        continue;
      }
      auto nfc = text::NormalizeNfc(text::TrimWhitespace(v));
      if (!nfc.ok()) {
        fail(nfc.status().message());
        continue;
      }
      normalized = std::move(*nfc);
      s = normalized;
    }
    Value& value = out->values[i];
    // Stores the text as the value: the normalized buffer moved, or the view copied.
    auto set_text = [&] {
      if (normalized.empty()) {
        AssignText(value, s);
      } else {
        value = std::move(normalized);
      }
    };
    if (s.empty()) {
      if (f.required) fail("is required but missing");
      value = std::monostate{};
      continue;
    }
    if (!f.person.empty() && s.size() > kMaxPersonValueBytes) {
      // It becomes a golden value, which is indexed (PostgreSQL cannot index an entry over about
      // 2,700 bytes, and the dataset's every link run would fail on it).
      fail(fmt::format("is {} bytes, more than the {} a person attribute ({}) may have", s.size(),
                       kMaxPersonValueBytes, f.person));
      continue;
    }
    switch (f.type) {
      case FieldType::kString: {
        size_t n = text::CountCodePoints(s);
        if (f.min_length && static_cast<int64_t>(n) < *f.min_length) {
          fail(fmt::format("has {} characters, fewer than the minimum {}", n, *f.min_length));
          continue;
        }
        if (f.max_length && static_cast<int64_t>(n) > *f.max_length) {
          fail(fmt::format("has {} characters, more than the maximum {}", n, *f.max_length));
          continue;
        }
        const bool matches = c.digit_run ? internal::MatchesDigitRun(s, *c.digit_run)
                                         : (!c.pattern || RE2::FullMatch(s, *c.pattern));
        if (!matches) {
          fail(fmt::format("{} does not match the pattern {}", Quote(s), f.pattern));
          continue;
        }
        set_text();
        break;
      }
      case FieldType::kInteger: {
        int64_t n = 0;
        if (!ParseInt64(s, &n)) {
          fail(fmt::format("{} is not an integer", Quote(s)));
          continue;
        }
        if ((c.min_num && n < *c.min_num) || (c.max_num && n > *c.max_num)) {
          fail(fmt::format("{} is outside the range {}..{}", n, f.min.value_or("-inf"), f.max.value_or("+inf")));
          continue;
        }
        value = n;
        break;
      }
      case FieldType::kDecimal: {
        int scale = 0;
        if (!IsDecimal(s, &scale)) {
          fail(fmt::format("{} is not a decimal number (digits with '.' as the decimal point)", Quote(s)));
          continue;
        }
        if (f.scale && scale > *f.scale) {
          fail(fmt::format("{} has {} digits after the point, more than {}", Quote(s), scale, *f.scale));
          continue;
        }
        // Compared as text, exactly: a value has up to 38 digits, a long double holds about 19
        // (until 2026-12-01 "10000000000000000000" passed max "9999999999999999999.99").
        if ((f.min && internal::CompareDecimals(s, *f.min) < 0) || (f.max && internal::CompareDecimals(s, *f.max) > 0)) {
          fail(fmt::format("{} is outside the range {}..{}", s, f.min.value_or("-inf"), f.max.value_or("+inf")));
          continue;
        }
        if (s[0] == '+') s.remove_prefix(1);
        AssignText(value, s);
        break;
      }
      case FieldType::kDate: {
        if (f.partial) {
          std::optional<std::string> partial_problem = ValidatePartialDate(f, c, s, static_cast<int>(i) == birth_date_field_,
                                                                        &value, &birth_date, &birth_year_of_date);
          if (partial_problem) fail(std::move(*partial_problem));
          break;
        }
        auto d = ident::ParseDate(s, c.date_format);
        if (!d.ok()) {
          // Say how to accept it when it is a partial date ("00/00/1987", "1987"): a registry
          // holds them for people whose day or month of birth was never recorded.
          if (ident::ParsePartialDate(s, c.date_format).ok()) {
            fail(fmt::format("{}: a partial date (day or month unknown), which this field does not accept; declare "
                             "the field with \"partial\": true to keep partial dates",
                             d.status().message()));
          } else {
            fail(d.status().message());
          }
          continue;
        }
        if ((c.min_date && *d < *c.min_date) || (c.max_date && *d > *c.max_date)) {
          fail(fmt::format("date {} is outside the range {}..{}", ident::FormatIsoDate(*d), f.min.value_or("any"),
                           f.max.value_or("any")));
          continue;
        }
        if (static_cast<int>(i) == birth_date_field_) {
          // Nobody is born after today (in Vietnam): a date ahead is a typo or a swapped field,
          // and would stand as the person's birth date (review of 2026-12-01).
          if (const ident::Date today = Today(); today < *d) {
            fail(fmt::format("birth date {} is after today ({})", ident::FormatIsoDate(*d), ident::FormatIsoDate(today)));
            continue;
          }
        }
        const bool canonical = options_.fast_paths && internal::IsIsoSpelling(s, d->year, d->month, d->day);
        if (canonical) {
          AssignText(value, s);
        } else {
          value = ident::FormatIsoDate(*d);
        }
        if (static_cast<int>(i) == birth_date_field_) birth_date = *d;
        break;
      }
      case FieldType::kBoolean: {
        std::optional<bool> b = ParseBooleanText(s);
        if (!b) {
          fail(fmt::format("{} is not a boolean (true/false, 1/0, yes/no, có/không)", Quote(s)));
          continue;
        }
        value = int64_t{*b ? 1 : 0};
        break;
      }
      case FieldType::kEnum: {
        if (std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
          fail(fmt::format("{} is not one of the allowed values ({})", Quote(s), fmt::join(f.values, ", ")));
          continue;
        }
        set_text();
        break;
      }
      case FieldType::kPersonalId: {
        auto id = ident::ParsePersonalId(s);
        if (!id.ok()) {
          fail(id.status().message());
          continue;
        }
        AssignText(value, s);
        break;
      }
      case FieldType::kAdminUnit: {
        const ident::AdminUnit* unit = ident::FindCurrentUnit(s);
        if (unit == nullptr && f.allow_legacy && ident::FindLegacyUnit(s) != nullptr) {
          auto mapped = ident::MapLegacyCode(s);
          if (mapped.ok() && mapped->size() == 1) unit = (*mapped)[0].unit;
          if (unit == nullptr) {  // split among several current units: the agency must choose
            fail(ident::ValidateAdminUnitCode(s, std::nullopt).message() + "; send the current code");
            continue;
          }
        }
        if (unit == nullptr) {
          Status st = ident::ValidateAdminUnitCode(s, std::nullopt);
          fail(st.ok() ? fmt::format("{} is not an administrative unit code", Quote(s)) : st.message());
          continue;
        }
        bool is_province = unit->level == ident::AdminLevel::kProvince;
        if ((f.level == "province" && !is_province) || (f.level == "commune" && is_province)) {
          fail(fmt::format("{} is a {} code, but this field holds {} codes", Quote(s),
                           ident::AdminLevelName(unit->level), f.level));
          continue;
        }
        AssignText(value, unit->code);
        break;
      }
      case FieldType::kPhone: {
        // A pre-2018 11-digit mobile (0168...) is the same subscriber's number today (038...):
        // agency data from before the renumbering still holds them, and they must link and reach
        // the person under the current number (Decision 798/QĐ-BTTTT).
        auto p = ident::ParsePhoneNumber(s, {.convert_pre2018_mobile = true});
        if (!p.ok()) {
          fail(p.status().message());
          continue;
        }
        value = p->national;
        break;
      }
      case FieldType::kEmail: {
        auto e = ident::NormalizeEmail(s);
        if (!e.ok()) {
          fail(e.status().message());
          continue;
        }
        value = std::move(*e);
        break;
      }
    }
  }
  // Cross-field: the personal ID must agree with the birth date, birth year and sex of the same
  // record, and not be born after today (DOMAIN.md: digit 4 and digits 5-6). Every field has its
  // value by now, wherever it stands in the schema.
  if (personal_id_field_ >= 0 && errors->empty()) {
    const Value& id = out->values[static_cast<size_t>(personal_id_field_)];
    if (const auto* id_text = std::get_if<std::string>(&id)) {
      ident::PersonalIdFacts facts;
      facts.birth_date = birth_date;
      facts.birth_year = birth_year_of_date;  // a birth_year field, below, takes precedence
      facts.today = Today();
      if (birth_year_field_ >= 0) {
        if (auto year = BirthYear(out->values[static_cast<size_t>(birth_year_field_)])) facts.birth_year = year;
      }
      if (sex_field_ >= 0) {
        const FieldSpec& sf = schema_.fields[static_cast<size_t>(sex_field_)];
        if (const auto* sv = std::get_if<std::string>(&out->values[static_cast<size_t>(sex_field_)])) {
          auto it = sf.person_values.find(*sv);
          const std::string& canonical = it != sf.person_values.end() ? it->second : *sv;
          facts.sex = SexOf(canonical);
        }
      }
      Status st = ident::ValidatePersonalId(*id_text, facts);
      if (st.ok() && birth_year_of_date && facts.birth_year != birth_year_of_date) {
        // A birth_year field took the slot: the partial birth date's year must agree too.
        facts.birth_year = birth_year_of_date;
        st = ident::ValidatePersonalId(*id_text, facts);
      }
      if (!st.ok()) errors->push_back({schema_.fields[static_cast<size_t>(personal_id_field_)].name, st.message()});
    }
  }
  if (!errors->empty()) return false;
  for (size_t k = 0; k < schema_.source_key.size(); ++k) {
    for (size_t i = 0; i < schema_.fields.size(); ++i) {
      if (schema_.fields[i].name != schema_.source_key[k]) continue;
      if (k > 0) out->source_key += kKeySeparator;
      const Value& kv = out->values[i];
      if (const auto* t = std::get_if<std::string>(&kv)) out->source_key += *t;
      else if (const auto* n = std::get_if<int64_t>(&kv)) out->source_key += std::to_string(*n);
    }
  }
  if (out->source_key.size() > kMaxSourceKeyBytes) {
    // Keys are indexed: PostgreSQL refuses an index entry over ~2.7 KB, and would fail the whole
    // batch at its end; no agency's record key is anywhere near this long.
    errors->push_back({fmt::format("{}", fmt::join(schema_.source_key, "+")),
                       fmt::format("the record key is {} bytes, more than the {} a key may have",
                                   out->source_key.size(), kMaxSourceKeyBytes)});
    return false;
  }
  return true;
}

std::optional<std::string> CanonicalDecimalIfRespelled(std::string_view value) {
  return internal::RespelledDecimal(value);
}

}  // namespace ndc::catalog
