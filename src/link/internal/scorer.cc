#include "link/internal/scorer.h"

#include <algorithm>
#include <cstdlib>

#include "ident/date.h"
#include "link/internal/ascii_similarity.h"
#include "text/damerau_levenshtein.h"
#include "text/token_set.h"

namespace ndc::link::internal {

namespace {

int64_t Days(const DateValue& d) { return ident::DaysSinceEpoch(ident::Date{d.year, d.month, d.day}); }

// Cheap bounds from byte histograms of two ASCII strings (one code point per byte), used to skip
// the quadratic comparators when they cannot reach a level's threshold:
//  - common = size of the multiset intersection: Jaro's matching characters are at most this;
//  - l1 = size of the symmetric difference: every edit changes it by at most 2.
struct HistogramBounds {
  size_t common = 0, l1 = 0;
};

HistogramBounds Bounds(std::string_view a, std::string_view b) {
  int counts[128] = {};
  for (char c : a) counts[static_cast<unsigned char>(c)]++;
  for (char c : b) counts[static_cast<unsigned char>(c)]--;
  HistogramBounds h;
  size_t diff = 0;
  for (int x : counts) diff += static_cast<size_t>(x < 0 ? -x : x);
  h.l1 = diff;
  h.common = (a.size() + b.size() - diff) / 2;
  return h;
}

// An upper bound of Jaro–Winkler from the histogram bound (matches <= common, no transposition,
// the largest prefix bonus).
double JaroWinklerUpperBound(std::string_view a, std::string_view b, size_t common) {
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  double m = static_cast<double>(common);
  double j = m == 0 ? 0 : (m / a.size() + m / b.size() + 1.0) / 3.0;
  return j + 0.4 * (1 - j);
}

}  // namespace

Scorer::Scorer(const Settings& settings) : settings_(&settings) {
  for (const auto& c : settings.comparisons) {
    std::vector<std::pair<std::string, std::string>> map;
    for (const auto& group : c.variants) {
      for (const auto& v : group) map.emplace_back(v, group.front());
    }
    variants_.push_back(std::move(map));
  }
}

Scorer::Scorer(const Settings& settings, const Model& model) : Scorer(settings) {
  for (const auto& c : model.comparisons) {
    std::vector<double> w;
    for (const auto& l : c.levels) w.push_back(LevelWeight(l));
    weights_.push_back(std::move(w));
    u_first_.push_back(c.levels.empty() ? 1.0 : c.levels[0].u);
    // The frequency of a value refines evidence the model has, never makes some: not for an
    // untrained comparison (its m = u is no evidence; a rare commune scored +12 bits), nor for a
    // first level no match showed (bounded to weigh <= 0; model.h).
    tf_allowed_.push_back(!c.untrained && !weights_.back().empty() && weights_.back()[0] > 0);
  }
  double p = std::clamp(model.prior, 1e-12, 1 - 1e-12);
  prior_weight_ = std::log2(p / (1 - p));
}

std::string_view Scorer::Canonical(size_t c, std::string_view token) const {
  for (const auto& [variant, canonical] : variants_[c]) {
    if (variant == token) return canonical;
  }
  return token;
}

bool Scorer::SameVariants(size_t c, std::string_view x, std::string_view y) const {
  while (true) {
    size_t i = x.find(' '), j = y.find(' ');
    if (Canonical(c, x.substr(0, i)) != Canonical(c, y.substr(0, j))) return false;
    if (i == std::string_view::npos || j == std::string_view::npos) return i == j;
    x.remove_prefix(i + 1);
    y.remove_prefix(j + 1);
  }
}

int Scorer::Level(size_t c, const TableData& a, uint32_t ra, const TableData& b, uint32_t rb) const {
  const ComparisonSpec& spec = settings_->comparisons[c];
  const int col = a.comparison_column[c];
  const Column& ca = a.columns[col];
  const Column& cb = b.columns[col];
  const int n = static_cast<int>(spec.levels.size());
  if (ca.type == AttributeType::kDate) {
    const DateValue& x = ca.dates[ra];
    const DateValue& y = cb.dates[rb];
    if (x.missing() || y.missing()) return -1;
    for (int l = 0; l < n; ++l) {
      const LevelSpec& lv = spec.levels[l];
      bool full = x.full() && y.full();
      bool hit = false;
      switch (lv.kind) {
        case LevelKind::kExact: hit = x == y; break;
        case LevelKind::kDayMonthSwap:
          hit = full && x.year == y.year && x.month == y.day && x.day == y.month && x.month != x.day;
          break;
        case LevelKind::kDateYears:
          hit = full && x.month == y.month && x.day == y.day && std::abs(x.year - y.year) <= lv.threshold;
          break;
        case LevelKind::kDateDays: hit = full && std::abs(Days(x) - Days(y)) <= lv.threshold; break;
        case LevelKind::kSameYear: hit = x.year == y.year; break;
        default: break;
      }
      if (hit) return l;
    }
    return n;
  }
  if (ca.type == AttributeType::kNumber) {
    double x = ca.numbers[ra], y = cb.numbers[rb];
    if (std::isnan(x) || std::isnan(y)) return -1;
    for (int l = 0; l < n; ++l) {
      const LevelSpec& lv = spec.levels[l];
      double d = std::abs(x - y);
      bool hit = lv.kind == LevelKind::kExact ? x == y
                 : lv.kind == LevelKind::kNumericAbs ? d <= lv.threshold
                 : d <= lv.threshold * std::max(std::abs(x), std::abs(y));
      if (hit) return l;
    }
    return n;
  }
  const TextValue* x = ca.Text(ra);
  const TextValue* y = cb.Text(rb);
  if (!x || !y) return -1;
  double jw = -1;
  const bool ascii = x->ascii && y->ascii;
  HistogramBounds hb;
  bool have_bounds = false;
  auto bounds = [&]() -> const HistogramBounds& {
    if (!have_bounds) hb = Bounds(x->folded(), y->folded());
    have_bounds = true;
    return hb;
  };
  for (int l = 0; l < n; ++l) {
    const LevelSpec& lv = spec.levels[l];
    bool hit = false;
    switch (lv.kind) {
      case LevelKind::kExact: hit = x->hash == y->hash && x->normalized() == y->normalized(); break;
      case LevelKind::kExactFolded: hit = x->folded() == y->folded(); break;
      case LevelKind::kVariants: hit = SameVariants(c, x->folded(), y->folded()); break;
      case LevelKind::kReversed: hit = x->sorted() == y->sorted() && x->folded() != y->folded(); break;
      case LevelKind::kJaroWinkler:
        if (jw < 0 && ascii && JaroWinklerUpperBound(x->folded(), y->folded(), bounds().common) < lv.threshold) break;
        if (jw < 0) jw = JaroWinkler(x->folded(), y->folded(), ascii);
        hit = jw >= lv.threshold;
        break;
      case LevelKind::kDamerauLevenshtein: {
        size_t lx = x->folded().size(), ly = y->folded().size();
        size_t diff = lx > ly ? lx - ly : ly - lx;
        if (static_cast<double>(diff) > lv.threshold) break;
        if (ascii && static_cast<double>((bounds().l1 + 1) / 2) > lv.threshold) break;
        hit = static_cast<double>(text::DamerauLevenshteinDistance(x->folded(), y->folded())) <= lv.threshold;
        break;
      }
      case LevelKind::kTokenSet:
        if (ascii && TokenSetUpperBound(x->folded(), y->folded(), true) < lv.threshold) break;
        hit = text::TokenSetSimilarity(x->folded(), y->folded()) >= lv.threshold;
        break;
      default: break;
    }
    if (hit) return l;
  }
  return n;
}

void Scorer::Levels(const TableData& a, uint32_t ra, const TableData& b, uint32_t rb, LevelVector* out) const {
  out->fill(-1);
  for (size_t c = 0; c < settings_->comparisons.size(); ++c) {
    (*out)[c] = static_cast<int8_t>(Level(c, a, ra, b, rb));
  }
}

double Scorer::Weight(size_t c, int level, const TableData& b, uint32_t rb, double* tf_adjustment) const {
  *tf_adjustment = 0;
  if (level < 0) return 0;
  double w = weights_[c][level];
  const ComparisonSpec& spec = settings_->comparisons[c];
  if (spec.tf_adjust && level == 0 && c < tf_allowed_.size() && tf_allowed_[c]) {
    const Column& col = b.columns[b.comparison_column[c]];
    const uint32_t id = col.text ? col.ids[rb] : kNoValue;
    if (id != kNoValue && col.present > 0) {
      double tf = std::max(static_cast<double>(col.counts[id]) / col.present, spec.tf_minimum);
      *tf_adjustment = std::log2(std::max(u_first_[c], 1e-12) / tf);
    }
  }
  return w + *tf_adjustment;
}

double Scorer::Score(const TableData& a, uint32_t ra, const TableData& b, uint32_t rb, LevelVector* levels) const {
  Levels(a, ra, b, rb, levels);
  double total = prior_weight_;
  double tf;
  for (size_t c = 0; c < settings_->comparisons.size(); ++c) total += Weight(c, (*levels)[c], b, rb, &tf);
  return total;
}

int Scorer::Deterministic(const TableData& a, uint32_t ra, const TableData& b, uint32_t rb) const {
  for (size_t d = 0; d < a.deterministic_equal.size(); ++d) {
    bool ok = true;
    for (int col : a.deterministic_equal[d]) ok = ok && SameValue(a.columns[col], ra, b.columns[col], rb);
    for (size_t k = 0; ok && k < a.deterministic_consistent[d].size(); ++k) {
      int col = a.deterministic_consistent[d][k];
      const Column& ca = a.columns[col];
      const Column& cb = b.columns[col];
      if (ca.Missing(ra) || cb.Missing(rb)) continue;
      if (ca.type == AttributeType::kDate && !(ca.dates[ra].full() && cb.dates[rb].full())) {
        ok = ca.dates[ra].year == cb.dates[rb].year;
      } else {
        ok = SameValue(ca, ra, cb, rb);
      }
    }
    if (ok) return static_cast<int>(d);
  }
  return -1;
}

}  // namespace ndc::link::internal
