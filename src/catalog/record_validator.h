// RecordValidator: checks one record's raw values (text as agencies send it) against a dataset
// schema and turns them into typed, normalized store values — the step every load goes through
// (docs/design/dataset-schema.md, "Validation and normalization").
//
// Every field is checked (not just up to the first error), so a rejected row reports all its
// problems. Error messages name what was wrong and what is expected, and never repeat personal
// identifiers (they end up in reject reports and logs). Immutable after Create(); Validate() is
// thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/schema.h"
#include "common/clock.h"
#include "common/result.h"
#include "ident/date.h"
#include "store/store.h"

namespace ndc::catalog {

struct FieldError {
  std::string field;    // schema field name
  std::string message;  // "date '31/04/2001': day 31 does not exist in April 2001"
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

struct ValidatedRecord {
  // One value per schema field, in schema order: NULL when missing; otherwise text (NFC, trimmed),
  // int64 (integer, boolean 0/1), ISO date text, decimal text, normalized identifiers.
  std::vector<store::Value> values;
  std::string source_key;  // the source key fields' values joined by U+001F
};

struct ValidatorOptions {
  // Skip work a value provably does not need (ASCII or precomposed Latin text is already NFC, a
  // canonical ISO date is kept as sent, digit-run patterns are checked without RE2). Results and
  // error messages are identical either way; false is the reference the tests compare against.
  // See docs/design/dataset-schema.md, "Validation and normalization".
  bool fast_paths = true;
  // Where "today" comes from, read at each Validate(): a personal ID whose birth year is after
  // today's year (in Vietnam) is refused. Not owned; must outlive the validator. nullptr: the
  // system clock.
  const Clock* clock = nullptr;
};

class RecordValidator {
 public:
  // Compiles the schema's patterns once. kInvalidArgument if a pattern does not compile.
  static Result<std::unique_ptr<RecordValidator>> Create(const DatasetSchema& schema,
                                                          ValidatorOptions options = {});
  ~RecordValidator();

  // `raw[i]` is the value of schema field i (nullopt or blank: missing). Returns true and fills
  // `out` when the record is valid; otherwise returns false with every problem in `errors`.
  // A raw span of the wrong size is reported as one error on field "".
  bool Validate(std::span<const std::optional<std::string_view>> raw, ValidatedRecord* out,
                std::vector<FieldError>* errors) const;

  const DatasetSchema& schema() const { return schema_; }

 private:
  struct Compiled;
  RecordValidator(DatasetSchema schema, ValidatorOptions options);
  // Today in Vietnam by options_.clock (the calendar conversion done once a day per thread).
  ident::Date Today() const;
  // A date field declared "partial": parses `s` (full or partial), checks the bounds (the period
  // must overlap them) and, for the birth date, that it began by today; stores the ISO text of its
  // precision in `value` and the birth date (full) or year (partial) in the out-parameters.
  // Returns the problem, or nullopt when valid.
  std::optional<std::string> ValidatePartialDate(const FieldSpec& f, const Compiled& c, std::string_view s,
                                                 bool is_birth_date, store::Value* value,
                                                 std::optional<ident::Date>* birth_date,
                                                 std::optional<int>* birth_year) const;
  DatasetSchema schema_;
  ValidatorOptions options_;
  std::vector<std::unique_ptr<Compiled>> compiled_;  // one per field
  int personal_id_field_ = -1, birth_date_field_ = -1, birth_year_field_ = -1, sex_field_ = -1;
};

// An integer as agencies write it (optional sign, decimal digits, within int64), into `out`.
bool ParseInt64(std::string_view s, int64_t* out);

// A boolean as agencies write it (true/false, 1/0, yes/no, có/không, x; any case), or nullopt.
std::optional<bool> ParseBooleanText(std::string_view s);

// A validated decimal value (text as RecordValidator stores it, which keeps the agency's
// spelling) in its canonical spelling, or nullopt when it is already so: "1.50" -> "1.5",
// "007" -> "7", "-0.0" -> "0". How a record's digest compares decimals by value (ingest/internal/
// row_hash.h) without changing what is stored.
std::optional<std::string> CanonicalDecimalIfRespelled(std::string_view value);

// The source key separator (U+001F UNIT SEPARATOR), never valid inside a validated value.
inline constexpr std::string_view kKeySeparator = "\x1f";
// The longest record key (all its parts joined), in bytes: a longer one is a reject. Keys are
// indexed, and PostgreSQL refuses an index entry over about 2,700 bytes.
inline constexpr size_t kMaxSourceKeyBytes = 1024;
// The longest value of a field mapped to a person attribute, in bytes (it becomes an indexed
// golden value): a longer one is a reject.
inline constexpr size_t kMaxPersonValueBytes = 1024;

}  // namespace ndc::catalog
