// link/settings: what a linkage run compares and how — attributes and how to prepare them,
// comparisons with ordered levels, term-frequency adjustment, blocking rules (OR-ed),
// deterministic rules, EM options, thresholds, and per-input column maps. Parsed from TOML or
// JSON; every key is documented in docs/design/linkage.md ("Settings reference").
//
// The engine is generic: it knows comparators, levels and weights; which fields are names or
// dates, and domain rules such as Vietnamese surname variants, come from the settings.
// DefaultPersonSettings() is the shipped configuration of the person hub, in the person-attribute
// names of docs/design/dataset-schema.md.
//
// Thread safety: plain values; a const Settings may be shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ident/date_parse.h"

namespace ndc::link {

// How an attribute's raw text is prepared once per record (record_table.h).
enum class AttributeType : uint8_t {
  kString,      // NFC, trimmed, inner whitespace collapsed; folded form kept for *_folded levels
  kName,        // kString + tokens; with `vietnamese`, parsed into surname / middle / given
  kDate,        // parsed with `date_format` (ident/date_parse.h); partial dates keep their precision
  kSex,         // m/male/nam/1 -> male, f/female/nu/nữ/2 -> female; anything else is missing
  kIdentifier,  // upper case, spaces, dots, dashes and slashes removed
  kNumber,      // a decimal number
};

struct AttributeSpec {
  std::string name;  // [a-z][a-z0-9_]*, unique
  AttributeType type = AttributeType::kString;
  ident::DateFormat date_format = ident::DateFormat::kAuto;  // kDate only
  bool vietnamese = false;  // kName: parse as a Vietnamese name (text::ParseVietnameseName)
  // When the attribute itself is empty in a record, it is derived from these attributes:
  //   kName: their values joined by spaces, in order (e.g. surname, middle_name, given_name);
  //   kDate: exactly three attributes, day, month and year.
  std::vector<std::string> derive_from;
};

// One level of a comparison. Levels are tried in order; the first one satisfied wins. A pair
// satisfying none is at the implicit "else" level (index = levels.size()); a pair where either
// value is missing is at the null level, which contributes weight 0.
enum class LevelKind : uint8_t {
  kExact,               // prepared values equal (dates: equal with equal precision)
  kExactFolded,         // folded values equal (text::FoldVietnamese: case and diacritics ignored)
  kVariants,            // folded values equal once tokens are mapped through the comparison's variants
  kReversed,            // same folded tokens in another order (name order reversed)
  kJaroWinkler,         // Jaro–Winkler of folded values >= threshold
  kDamerauLevenshtein,  // Damerau–Levenshtein distance of folded values <= threshold
  kTokenSet,            // text::TokenSetSimilarity of folded values >= threshold
  kDayMonthSwap,        // dates equal once day and month of one are exchanged
  kDateYears,           // same month and day, years at most `threshold` apart
  kDateDays,            // at most `threshold` days apart
  kSameYear,            // dates in the same year (also partial dates)
  kNumericAbs,          // |a - b| <= threshold
  kNumericRel,          // |a - b| / max(|a|, |b|) <= threshold
};

struct LevelSpec {
  LevelKind kind = LevelKind::kExact;
  double threshold = 0;
  std::string label;  // for explanations; defaults to the kind's name and threshold
};

struct ComparisonSpec {
  std::string name;                     // unique
  std::vector<std::string> attributes;  // one, or several compared as their values joined by spaces
  std::vector<LevelSpec> levels;        // 1..14
  // Term-frequency adjustment of the first level: an agreement on a rare value weighs more than
  // one on a common value (u replaced by the value's frequency in the reference data).
  bool tf_adjust = false;
  double tf_minimum = 1e-6;  // lower bound of a frequency, so a unique value cannot dominate
  // Groups of folded tokens treated as equal by kVariants levels (e.g. {"hoang", "huynh"}).
  std::vector<std::vector<std::string>> variants;
};

// How a blocking key part is taken from an attribute.
enum class KeyTransform : uint8_t {
  kValue,         // the prepared value (dates: yyyy-mm-dd, only full dates)
  kFolded,        // the folded value
  kPrefix,        // the first `length` code points of the folded value
  kYear,          // dates: the year
  kMonthDay,      // dates: month and day, without the year (a mistyped birth year still meets)
  kSortedTokens,  // the folded tokens, sorted (insensitive to name order)
  kFirstToken,    // the first folded token (Vietnamese names: the surname)
  kLastToken,     // the last folded token (Vietnamese names: the given name)
};

struct BlockingKeyPart {
  std::string attribute;
  KeyTransform transform = KeyTransform::kValue;
  size_t length = 0;  // kPrefix only
};

// Two records are candidates when all parts of the rule's key are present and equal. Rules are
// OR-ed; a pair found by several rules is compared once.
struct BlockingRule {
  std::string name;
  std::vector<BlockingKeyPart> parts;
};

// A pair is a match without scoring when every `equal` attribute is present and equal on both
// and every `consistent` attribute is equal or missing on one side. Deterministic rules run
// first; their `equal` attributes are also blocked on.
struct DeterministicRule {
  std::string name;
  std::vector<std::string> equal;
  std::vector<std::string> consistent;
};

struct EmOptions {
  size_t max_iterations = 50;
  double tolerance = 1e-5;             // stop when no m or the prior moves more than this
  size_t max_training_pairs = 2000000;  // candidate pairs used for EM (a sample of left rows)
  size_t u_sample_pairs = 1000000;      // random pairs for u
  uint64_t seed = 1;
};

// Probabilities: a pair at or above `match` is a match, between `review` and `match` goes to
// review, below `review` is a non-match (not reported).
struct Thresholds {
  double match = 0.95;
  double review = 0.5;
};

// Where each attribute is in one input's CSV file.
struct ColumnMap {
  std::string id_column;                        // the record id; empty: the 1-based row number
  std::map<std::string, std::string> columns;   // attribute -> column header
  char delimiter = ',';
  // Attributes not in `columns` read the column of the same name when the header has one.
  bool same_names = false;
};

struct Settings {
  std::vector<AttributeSpec> attributes;
  std::vector<ComparisonSpec> comparisons;  // 1..kMaxComparisons
  std::vector<BlockingRule> blocking;
  std::vector<DeterministicRule> deterministic;
  EmOptions em;
  Thresholds thresholds;
  // Linking two inputs: keep, for each left record, only its best-scoring right record (the
  // right input is deduplicated, like a population registry).
  bool best_match_only = false;
  // Blocks larger than this (on the right side) are skipped: a key shared by that many records
  // does not discriminate. 0 = no limit.
  size_t max_block_size = 2000;
  std::map<std::string, ColumnMap> inputs;  // "left", "right", or any name

  // Index of the attribute / comparison named `name`, or -1.
  int AttributeIndex(std::string_view name) const;
  int ComparisonIndex(std::string_view name) const;
};

inline constexpr size_t kMaxComparisons = 16;
// Deterministic plus blocking rules: the block index visits at most this many (a rule's key is
// one bit of a 64-bit "produced by an earlier rule" test).
inline constexpr size_t kMaxRules = 64;

enum class SettingsFormat : uint8_t { kToml, kJson };

// Parses and validates settings. Errors are kInvalidArgument and start with the path of the wrong
// key: "comparisons[2].levels[0].kind: unknown level kind 'jw' (expected exact, ...)",
// "blocking[1].parts[0].attribute: unknown attribute 'dob'", "em.max_iterations: expected a
// positive integer". Unknown keys are errors.
Result<Settings> ParseSettings(std::string_view text, SettingsFormat fmt);

// Reads a file; the format follows the extension (.toml, .json). Errors: kNotFound / kUnavailable
// for the file, kInvalidArgument as ParseSettings (prefixed with the file name).
Result<Settings> LoadSettingsFile(const std::filesystem::path& path);

// Checks references and bounds (also run by ParseSettings); for settings built in code.
Status ValidateSettings(const Settings& settings);

// The person hub's settings (embedded; also shipped as examples/link/person.toml), in person
// attribute names: personal_id, old_id_number, full_name (derived from surname, middle_name,
// given_name), birth_date (or birth_day, birth_month, birth_year), sex, permanent_commune,
// current_commune.
const Settings& DefaultPersonSettings();

// The built-in variant groups for `variants = "vietnamese_surnames"`, folded: surnames whose
// spelling changed under naming taboos of the Nguyễn lords and differs between north and south:
// Hoàng/Huỳnh, Vũ/Võ, Phúc/Phước. See docs/design/linkage.md ("Variants").
std::vector<std::vector<std::string>> VietnameseSurnameVariants();

// Names used in files and messages.
std::string_view AttributeTypeName(AttributeType t);
std::string_view LevelKindName(LevelKind k);
std::string_view KeyTransformName(KeyTransform t);

}  // namespace ndc::link
