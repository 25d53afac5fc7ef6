// Settings parsing and validation. Reference: docs/design/linkage.md ("Settings reference").
#include "link/settings.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "common/json.h"

namespace ndc::link {

namespace {

constexpr std::pair<AttributeType, std::string_view> kAttributeTypes[] = {
    {AttributeType::kString, "string"},     {AttributeType::kName, "name"},
    {AttributeType::kDate, "date"},         {AttributeType::kSex, "sex"},
    {AttributeType::kIdentifier, "identifier"}, {AttributeType::kNumber, "number"}};
constexpr std::pair<LevelKind, std::string_view> kLevelKinds[] = {
    {LevelKind::kExact, "exact"},
    {LevelKind::kExactFolded, "exact_folded"},
    {LevelKind::kVariants, "variants"},
    {LevelKind::kReversed, "reversed"},
    {LevelKind::kJaroWinkler, "jaro_winkler"},
    {LevelKind::kDamerauLevenshtein, "damerau_levenshtein"},
    {LevelKind::kTokenSet, "token_set"},
    {LevelKind::kDayMonthSwap, "day_month_swap"},
    {LevelKind::kDateYears, "date_years"},
    {LevelKind::kDateDays, "date_days"},
    {LevelKind::kSameYear, "same_year"},
    {LevelKind::kNumericAbs, "numeric_abs"},
    {LevelKind::kNumericRel, "numeric_rel"}};
constexpr std::pair<KeyTransform, std::string_view> kTransforms[] = {
    {KeyTransform::kValue, "value"},          {KeyTransform::kFolded, "folded"},
    {KeyTransform::kPrefix, "prefix"},        {KeyTransform::kYear, "year"}, {KeyTransform::kMonthDay, "month_day"},
    {KeyTransform::kSortedTokens, "sorted_tokens"}, {KeyTransform::kFirstToken, "first_token"},
    {KeyTransform::kLastToken, "last_token"}};

template <typename E, size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E e) {
  for (const auto& [v, n] : table) {
    if (v == e) return n;
  }
  return "?";
}

template <typename E, size_t N>
std::string Expected(const std::pair<E, std::string_view> (&table)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += table[i].second;
  }
  return out;
}

bool IsLevelAllowed(LevelKind k, AttributeType t) {
  switch (t) {
    case AttributeType::kDate:
      return k == LevelKind::kExact || k == LevelKind::kDayMonthSwap || k == LevelKind::kDateYears ||
             k == LevelKind::kDateDays || k == LevelKind::kSameYear;
    case AttributeType::kNumber:
      return k == LevelKind::kExact || k == LevelKind::kNumericAbs || k == LevelKind::kNumericRel;
    default:
      return !(k == LevelKind::kDayMonthSwap || k == LevelKind::kDateYears || k == LevelKind::kDateDays ||
               k == LevelKind::kSameYear || k == LevelKind::kNumericAbs || k == LevelKind::kNumericRel);
  }
}

}  // namespace

std::string_view AttributeTypeName(AttributeType t) { return NameOf(kAttributeTypes, t); }
std::string_view LevelKindName(LevelKind k) { return NameOf(kLevelKinds, k); }
std::string_view KeyTransformName(KeyTransform t) { return NameOf(kTransforms, t); }

namespace {

// A cursor over a JSON object that remembers its path and refuses unknown keys.
class Reader {
 public:
  Reader(const nlohmann::json& j, std::string path) : j_(j), path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  std::string Sub(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

  Status Object() const {
    if (!j_.is_object()) return Error(path_, "expected a table/object");
    return OkStatus();
  }
  Status OnlyKeys(std::initializer_list<std::string_view> keys) const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool known = false;
      for (auto k : keys) known = known || it.key() == k;
      if (!known) {
        std::string list;
        for (auto k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
        return Error(Sub(it.key()), "unknown key (expected one of " + list + ")");
      }
    }
    return OkStatus();
  }
  const nlohmann::json* Get(std::string_view key) const {
    auto it = j_.find(std::string(key));
    return it == j_.end() ? nullptr : &*it;
  }
  Status String(std::string_view key, std::string* out, bool required = false) const {
    const auto* v = Get(key);
    if (!v) return required ? Error(Sub(key), "required key is missing") : OkStatus();
    if (!v->is_string()) return Error(Sub(key), "expected a string");
    *out = v->get<std::string>();
    return OkStatus();
  }
  Status Bool(std::string_view key, bool* out) const {
    const auto* v = Get(key);
    if (!v) return OkStatus();
    if (!v->is_boolean()) return Error(Sub(key), "expected true or false");
    *out = v->get<bool>();
    return OkStatus();
  }
  Status Number(std::string_view key, double* out) const {
    const auto* v = Get(key);
    if (!v) return OkStatus();
    if (!v->is_number()) return Error(Sub(key), "expected a number");
    *out = v->get<double>();
    return OkStatus();
  }
  Status Count(std::string_view key, size_t* out, bool positive) const {
    const auto* v = Get(key);
    if (!v) return OkStatus();
    if (!v->is_number_integer() || v->get<int64_t>() < (positive ? 1 : 0)) {
      return Error(Sub(key), positive ? "expected a positive integer" : "expected a non-negative integer");
    }
    *out = static_cast<size_t>(v->get<int64_t>());
    return OkStatus();
  }
  Status Strings(std::string_view key, std::vector<std::string>* out) const {
    const auto* v = Get(key);
    if (!v) return OkStatus();
    if (v->is_string()) {
      out->assign(1, v->get<std::string>());
      return OkStatus();
    }
    if (!v->is_array()) return Error(Sub(key), "expected a string or a list of strings");
    out->clear();
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) return Error(Sub(key) + "[" + std::to_string(i) + "]", "expected a string");
      out->push_back((*v)[i].get<std::string>());
    }
    return OkStatus();
  }
  static Status Error(const std::string& path, std::string_view what) {
    return InvalidArgumentError((path.empty() ? std::string("settings") : path) + ": " + std::string(what));
  }

 private:
  const nlohmann::json& j_;
  std::string path_;
};

template <typename E, size_t N>
Status Enum(const Reader& r, std::string_view key, const std::pair<E, std::string_view> (&table)[N], E* out,
            bool required) {
  std::string s;
  RETURN_IF_ERROR(r.String(key, &s, required));
  if (s.empty() && !required) return OkStatus();
  for (const auto& [v, n] : table) {
    if (n == s) {
      *out = v;
      return OkStatus();
    }
  }
  return Reader::Error(r.Sub(key), "unknown value '" + s + "' (expected " + Expected(table) + ")");
}

template <typename T, typename F>
Status List(const Reader& r, std::string_view key, std::vector<T>* out, F&& parse_one) {
  const auto* v = r.Get(key);
  if (!v) return OkStatus();
  if (!v->is_array()) return Reader::Error(r.Sub(key), "expected a list");
  out->clear();
  for (size_t i = 0; i < v->size(); ++i) {
    Reader item((*v)[i], r.Sub(key) + "[" + std::to_string(i) + "]");
    T t;
    RETURN_IF_ERROR(parse_one(item, &t));
    out->push_back(std::move(t));
  }
  return OkStatus();
}

Status ParseAttribute(const Reader& r, AttributeSpec* a) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"name", "type", "date_format", "vietnamese", "derive_from"}));
  RETURN_IF_ERROR(r.String("name", &a->name, true));
  RETURN_IF_ERROR(Enum(r, "type", kAttributeTypes, &a->type, false));
  std::string fmt;
  RETURN_IF_ERROR(r.String("date_format", &fmt));
  if (!fmt.empty()) {
    auto f = ident::ParseDateFormatName(fmt);
    if (!f.ok()) return Reader::Error(r.Sub("date_format"), f.status().message());
    a->date_format = *f;
  }
  RETURN_IF_ERROR(r.Bool("vietnamese", &a->vietnamese));
  return r.Strings("derive_from", &a->derive_from);
}

Status ParseLevel(const Reader& r, LevelSpec* l) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"kind", "threshold", "label"}));
  RETURN_IF_ERROR(Enum(r, "kind", kLevelKinds, &l->kind, true));
  RETURN_IF_ERROR(r.Number("threshold", &l->threshold));
  return r.String("label", &l->label);
}

Status ParseComparison(const Reader& r, ComparisonSpec* c) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"name", "attribute", "attributes", "levels", "tf_adjust", "tf_minimum", "variants"}));
  RETURN_IF_ERROR(r.String("name", &c->name, true));
  RETURN_IF_ERROR(r.Strings("attribute", &c->attributes));
  if (r.Get("attributes")) RETURN_IF_ERROR(r.Strings("attributes", &c->attributes));
  RETURN_IF_ERROR(List(r, "levels", &c->levels, ParseLevel));
  RETURN_IF_ERROR(r.Bool("tf_adjust", &c->tf_adjust));
  RETURN_IF_ERROR(r.Number("tf_minimum", &c->tf_minimum));
  const auto* v = r.Get("variants");
  if (v && v->is_string()) {
    if (v->get<std::string>() != "vietnamese_surnames") {
      return Reader::Error(r.Sub("variants"), "unknown variant list '" + v->get<std::string>() +
                                                  "' (expected \"vietnamese_surnames\" or a list of groups)");
    }
    c->variants = VietnameseSurnameVariants();
  } else if (v) {
    if (!v->is_array()) return Reader::Error(r.Sub("variants"), "expected a list of lists of strings");
    for (size_t i = 0; i < v->size(); ++i) {
      nlohmann::json holder = {{"g", (*v)[i]}};
      Reader g(holder, r.Sub("variants") + "[" + std::to_string(i) + "]");
      std::vector<std::string> group;
      if (!(*v)[i].is_array()) return Reader::Error(g.path(), "expected a list of strings");
      RETURN_IF_ERROR(g.Strings("g", &group));
      c->variants.push_back(std::move(group));
    }
  }
  return OkStatus();
}

Status ParseKeyPart(const Reader& r, BlockingKeyPart* p) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"attribute", "transform", "length"}));
  RETURN_IF_ERROR(r.String("attribute", &p->attribute, true));
  RETURN_IF_ERROR(Enum(r, "transform", kTransforms, &p->transform, false));
  return r.Count("length", &p->length, false);
}

Status ParseBlockingRule(const Reader& r, BlockingRule* b) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"name", "parts", "attributes"}));
  RETURN_IF_ERROR(r.String("name", &b->name));
  // "attributes" is a shorthand for parts with the value transform.
  std::vector<std::string> attrs;
  RETURN_IF_ERROR(r.Strings("attributes", &attrs));
  for (auto& a : attrs) b->parts.push_back({std::move(a), KeyTransform::kValue, 0});
  std::vector<BlockingKeyPart> parts;
  RETURN_IF_ERROR(List(r, "parts", &parts, ParseKeyPart));
  for (auto& p : parts) b->parts.push_back(std::move(p));
  return OkStatus();
}

Status ParseDeterministic(const Reader& r, DeterministicRule* d) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"name", "equal", "consistent"}));
  RETURN_IF_ERROR(r.String("name", &d->name));
  RETURN_IF_ERROR(r.Strings("equal", &d->equal));
  return r.Strings("consistent", &d->consistent);
}

Status ParseInput(const Reader& r, ColumnMap* m) {
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"id_column", "columns", "delimiter", "same_names"}));
  RETURN_IF_ERROR(r.String("id_column", &m->id_column));
  RETURN_IF_ERROR(r.Bool("same_names", &m->same_names));
  std::string delim;
  RETURN_IF_ERROR(r.String("delimiter", &delim));
  if (!delim.empty()) {
    if (delim.size() != 1) return Reader::Error(r.Sub("delimiter"), "expected one character");
    m->delimiter = delim[0];
  }
  if (const auto* cols = r.Get("columns")) {
    if (!cols->is_object()) return Reader::Error(r.Sub("columns"), "expected a table of attribute = \"column\"");
    for (auto it = cols->begin(); it != cols->end(); ++it) {
      if (!it->is_string()) return Reader::Error(r.Sub("columns") + "." + it.key(), "expected a column name");
      m->columns[it.key()] = it->get<std::string>();
    }
  }
  return OkStatus();
}

Status ParseTree(const nlohmann::json& j, Settings* s) {
  Reader r(j, "");
  RETURN_IF_ERROR(r.Object());
  RETURN_IF_ERROR(r.OnlyKeys({"attributes", "comparisons", "blocking", "deterministic", "em", "thresholds",
                              "best_match_only", "max_block_size", "inputs"}));
  RETURN_IF_ERROR(List(r, "attributes", &s->attributes, ParseAttribute));
  RETURN_IF_ERROR(List(r, "comparisons", &s->comparisons, ParseComparison));
  RETURN_IF_ERROR(List(r, "blocking", &s->blocking, ParseBlockingRule));
  RETURN_IF_ERROR(List(r, "deterministic", &s->deterministic, ParseDeterministic));
  if (const auto* em = r.Get("em")) {
    Reader e(*em, "em");
    RETURN_IF_ERROR(e.Object());
    RETURN_IF_ERROR(e.OnlyKeys({"max_iterations", "tolerance", "max_training_pairs", "u_sample_pairs", "seed"}));
    RETURN_IF_ERROR(e.Count("max_iterations", &s->em.max_iterations, true));
    RETURN_IF_ERROR(e.Number("tolerance", &s->em.tolerance));
    RETURN_IF_ERROR(e.Count("max_training_pairs", &s->em.max_training_pairs, true));
    RETURN_IF_ERROR(e.Count("u_sample_pairs", &s->em.u_sample_pairs, true));
    size_t seed = s->em.seed;
    RETURN_IF_ERROR(e.Count("seed", &seed, false));
    s->em.seed = seed;
  }
  if (const auto* th = r.Get("thresholds")) {
    Reader t(*th, "thresholds");
    RETURN_IF_ERROR(t.Object());
    RETURN_IF_ERROR(t.OnlyKeys({"match", "review"}));
    RETURN_IF_ERROR(t.Number("match", &s->thresholds.match));
    RETURN_IF_ERROR(t.Number("review", &s->thresholds.review));
  }
  RETURN_IF_ERROR(r.Bool("best_match_only", &s->best_match_only));
  RETURN_IF_ERROR(r.Count("max_block_size", &s->max_block_size, false));
  if (const auto* in = r.Get("inputs")) {
    if (!in->is_object()) return Reader::Error("inputs", "expected a table of input name -> column map");
    for (auto it = in->begin(); it != in->end(); ++it) {
      ColumnMap m;
      RETURN_IF_ERROR(ParseInput(Reader(*it, "inputs." + it.key()), &m));
      s->inputs[it.key()] = std::move(m);
    }
  }
  return ValidateSettings(*s);
}

// TOML -> JSON, so both formats share one reader (and one set of error paths).
nlohmann::json TomlToJson(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& [k, v] : *t) o[std::string(k.str())] = TomlToJson(v);
    return o;
  }
  if (const auto* a = n.as_array()) {
    nlohmann::json o = nlohmann::json::array();
    for (const auto& v : *a) o.push_back(TomlToJson(v));
    return o;
  }
  if (const auto* v = n.as_string()) return v->get();
  if (const auto* v = n.as_integer()) return v->get();
  if (const auto* v = n.as_floating_point()) return v->get();
  if (const auto* v = n.as_boolean()) return v->get();
  return nullptr;  // dates and times: rejected by the reader as "expected ..."
}

bool ValidName(std::string_view n) {
  if (n.empty() || n.size() > 63 || !(n[0] >= 'a' && n[0] <= 'z')) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

int Settings::AttributeIndex(std::string_view name) const {
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Settings::ComparisonIndex(std::string_view name) const {
  for (size_t i = 0; i < comparisons.size(); ++i) {
    if (comparisons[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::vector<std::string>> VietnameseSurnameVariants() {
  return {{"hoang", "huynh"}, {"vu", "vo"}, {"phuc", "phuoc"}};
}

Status ValidateSettings(const Settings& s) {
  auto at = [](std::string_view list, size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; };
  auto attr_ref = [&](const std::string& path, const std::string& name) -> Status {
    if (s.AttributeIndex(name) < 0) return Reader::Error(path, "unknown attribute '" + name + "'");
    return OkStatus();
  };
  if (s.attributes.empty()) return Reader::Error("attributes", "at least one attribute is required");
  std::set<std::string> seen;
  for (size_t i = 0; i < s.attributes.size(); ++i) {
    const auto& a = s.attributes[i];
    if (!ValidName(a.name)) {
      return Reader::Error(at("attributes", i) + ".name", "'" + a.name + "' is not a name ([a-z][a-z0-9_]*)");
    }
    if (!seen.insert(a.name).second) return Reader::Error(at("attributes", i) + ".name", "duplicate attribute '" + a.name + "'");
    for (size_t k = 0; k < a.derive_from.size(); ++k) {
      RETURN_IF_ERROR(attr_ref(at(at("attributes", i) + ".derive_from", k), a.derive_from[k]));
      if (a.derive_from[k] == a.name) return Reader::Error(at(at("attributes", i) + ".derive_from", k), "an attribute cannot derive from itself");
    }
    if (a.type == AttributeType::kDate && !a.derive_from.empty() && a.derive_from.size() != 3) {
      return Reader::Error(at("attributes", i) + ".derive_from", "a date derives from exactly three attributes: day, month, year");
    }
  }
  if (s.comparisons.empty()) return Reader::Error("comparisons", "at least one comparison is required");
  if (s.comparisons.size() > kMaxComparisons) {
    return Reader::Error("comparisons", "at most " + std::to_string(kMaxComparisons) + " comparisons");
  }
  seen.clear();
  for (size_t i = 0; i < s.comparisons.size(); ++i) {
    const auto& c = s.comparisons[i];
    std::string p = at("comparisons", i);
    if (c.name.empty() || !seen.insert(c.name).second) return Reader::Error(p + ".name", "missing or duplicate comparison name '" + c.name + "'");
    if (c.attributes.empty()) return Reader::Error(p + ".attribute", "a comparison needs an attribute");
    for (size_t k = 0; k < c.attributes.size(); ++k) RETURN_IF_ERROR(attr_ref(at(p + ".attributes", k), c.attributes[k]));
    AttributeType t = c.attributes.size() > 1 ? AttributeType::kName : s.attributes[s.AttributeIndex(c.attributes[0])].type;
    if (c.levels.empty() || c.levels.size() > 14) return Reader::Error(p + ".levels", "expected 1 to 14 levels");
    for (size_t k = 0; k < c.levels.size(); ++k) {
      const auto& l = c.levels[k];
      std::string lp = at(p + ".levels", k);
      if (!IsLevelAllowed(l.kind, t)) {
        return Reader::Error(lp + ".kind", "level kind '" + std::string(LevelKindName(l.kind)) +
                                               "' does not apply to a " + std::string(AttributeTypeName(t)) + " attribute");
      }
      bool needs_threshold = l.kind == LevelKind::kJaroWinkler || l.kind == LevelKind::kTokenSet;
      if (needs_threshold && !(l.threshold > 0 && l.threshold <= 1)) {
        return Reader::Error(lp + ".threshold", "expected a similarity in (0, 1]");
      }
      if (l.threshold < 0) return Reader::Error(lp + ".threshold", "expected a non-negative number");
    }
    if (!(c.tf_minimum > 0 && c.tf_minimum <= 1)) return Reader::Error(p + ".tf_minimum", "expected a number in (0, 1]");
  }
  auto check_rules = [&](const std::string& list, size_t i, const std::vector<std::string>& attrs,
                         const std::string& key) -> Status {
    for (size_t k = 0; k < attrs.size(); ++k) RETURN_IF_ERROR(attr_ref(at(at(list, i) + "." + key, k), attrs[k]));
    return OkStatus();
  };
  for (size_t i = 0; i < s.blocking.size(); ++i) {
    const auto& b = s.blocking[i];
    if (b.parts.empty()) return Reader::Error(at("blocking", i) + ".parts", "a blocking rule needs at least one part");
    for (size_t k = 0; k < b.parts.size(); ++k) {
      std::string pp = at(at("blocking", i) + ".parts", k);
      RETURN_IF_ERROR(attr_ref(pp + ".attribute", b.parts[k].attribute));
      if (b.parts[k].transform == KeyTransform::kPrefix && b.parts[k].length == 0) {
        return Reader::Error(pp + ".length", "a prefix needs a positive length");
      }
    }
  }
  for (size_t i = 0; i < s.deterministic.size(); ++i) {
    if (s.deterministic[i].equal.empty()) return Reader::Error(at("deterministic", i) + ".equal", "at least one attribute is required");
    RETURN_IF_ERROR(check_rules("deterministic", i, s.deterministic[i].equal, "equal"));
    RETURN_IF_ERROR(check_rules("deterministic", i, s.deterministic[i].consistent, "consistent"));
  }
  if (s.blocking.size() + s.deterministic.size() > kMaxRules) {
    // Beyond it the block index would skip the last rules' candidates without a word (review of
    // 2026-12-01).
    return Reader::Error("blocking", "at most " + std::to_string(kMaxRules) +
                                         " blocking and deterministic rules together, got " +
                                         std::to_string(s.blocking.size() + s.deterministic.size()));
  }
  if (s.blocking.empty() && s.deterministic.empty()) {
    return Reader::Error("blocking", "at least one blocking or deterministic rule is required");
  }
  if (!(s.thresholds.review > 0 && s.thresholds.review <= s.thresholds.match && s.thresholds.match < 1)) {
    return Reader::Error("thresholds", "expected 0 < review <= match < 1");
  }
  if (s.em.tolerance <= 0) return Reader::Error("em.tolerance", "expected a positive number");
  for (const auto& [name, m] : s.inputs) {
    for (const auto& [attr, col] : m.columns) {
      if (s.AttributeIndex(attr) < 0) return Reader::Error("inputs." + name + ".columns." + attr, "unknown attribute '" + attr + "'");
    }
  }
  return OkStatus();
}

Result<Settings> ParseSettings(std::string_view text, SettingsFormat fmt) {
  nlohmann::json j;
  if (fmt == SettingsFormat::kJson) {
    ASSIGN_OR_RETURN(j, ParseJson(text));
  } else {
    try {
      j = TomlToJson(toml::parse(text));
    } catch (const toml::parse_error& err) {  // toml++ throws: stop it here
      return InvalidArgumentError("settings: line " + std::to_string(err.source().begin.line) + ": " +
                                  std::string(err.description()));
    }
  }
  Settings s;
  RETURN_IF_ERROR(ParseTree(j, &s));
  return s;
}

Result<Settings> LoadSettingsFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFoundError("settings file '" + path.string() + "' cannot be opened: check the path");
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string ext = path.extension().string();
  SettingsFormat fmt;
  if (ext == ".toml") {
    fmt = SettingsFormat::kToml;
  } else if (ext == ".json") {
    fmt = SettingsFormat::kJson;
  } else {
    return InvalidArgumentError("settings file '" + path.string() + "': unknown extension (use .toml or .json)");
  }
  auto s = ParseSettings(buf.str(), fmt);
  if (!s.ok()) return Status(s.status().code(), path.string() + ": " + s.status().message());
  return s;
}

}  // namespace ndc::link
