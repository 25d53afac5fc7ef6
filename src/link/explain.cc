// Explanations of a pair's score. docs/design/linkage.md ("Explain").
#include "link/explain.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/json.h"
#include "link/internal/scorer.h"

namespace ndc::link {

Explanation Explain(const Settings& settings, const Model& model, const RecordTable& a, uint32_t ra,
                    const RecordTable& b, uint32_t rb) {
  internal::Scorer scorer(settings, model);
  const auto& da = a.data();
  const auto& db = b.data();
  Explanation e;
  e.left_id = std::string(a.id(ra));
  e.right_id = std::string(b.id(rb));
  e.prior_weight = scorer.prior_weight();
  e.total_weight = e.prior_weight;
  for (size_t c = 0; c < settings.comparisons.size(); ++c) {
    const auto& spec = settings.comparisons[c];
    ComparisonExplanation x;
    x.comparison = spec.name;
    int col = da.comparison_column[c];
    if (static_cast<size_t>(col) < settings.attributes.size()) {
      x.left_value = a.Value(ra, col);
      x.right_value = b.Value(rb, col);
    } else {
      const auto* lv = da.columns[col].Text(ra);
      const auto* rv = db.columns[col].Text(rb);
      x.left_value = lv ? std::string(lv->normalized()) : "";
      x.right_value = rv ? std::string(rv->normalized()) : "";
    }
    x.level = scorer.Level(c, da, ra, db, rb);
    if (x.level < 0) {
      x.level_label = "null";
    } else if (static_cast<size_t>(x.level) == spec.levels.size()) {
      x.level_label = "else";
    } else {
      const auto& lv = spec.levels[x.level];
      if (!lv.label.empty()) {
        x.level_label = lv.label;
      } else {
        x.level_label = std::string(LevelKindName(lv.kind));
        if (lv.threshold != 0) {
          char buf[32];
          std::snprintf(buf, sizeof buf, " %g", lv.threshold);
          x.level_label += buf;
        }
      }
    }
    if (x.level >= 0) {
      x.m = model.comparisons[c].levels[x.level].m;
      x.u = model.comparisons[c].levels[x.level].u;
      double tf = 0;
      double w = scorer.Weight(c, x.level, db, rb, &tf);
      x.weight = w - tf;
      x.tf_adjustment = tf;
    }
    e.total_weight += x.weight + x.tf_adjustment;
    e.comparisons.push_back(std::move(x));
  }
  int rule = scorer.Deterministic(da, ra, db, rb);
  e.deterministic_rule = rule >= 0 ? settings.deterministic[rule].name : "";
  e.probability = rule >= 0 ? 1.0 : internal::Scorer::Probability(e.total_weight);
  return e;
}

std::string ExplanationToText(const Explanation& e) {
  std::string out = e.left_id + " <-> " + e.right_id + "\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "  %-20s %-28s %-28s %-22s %8s %8s\n", "comparison", "left", "right", "level",
                "weight", "tf");
  out += buf;
  std::snprintf(buf, sizeof buf, "  %-20s %-28s %-28s %-22s %8.3f\n", "(prior)", "", "", "", e.prior_weight);
  out += buf;
  for (const auto& c : e.comparisons) {
    std::snprintf(buf, sizeof buf, "  %-20s %-28s %-28s %-22s %8.3f %8.3f\n", c.comparison.c_str(),
                  c.left_value.substr(0, 28).c_str(), c.right_value.substr(0, 28).c_str(), c.level_label.c_str(),
                  c.weight, c.tf_adjustment);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "  total match weight %.3f, probability %.6f%s%s\n", e.total_weight, e.probability,
                e.deterministic_rule.empty() ? "" : ", deterministic rule ", e.deterministic_rule.c_str());
  out += buf;
  return out;
}

std::string ExplanationToJson(const Explanation& e) {
  nlohmann::json j;
  j["left_id"] = e.left_id;
  j["right_id"] = e.right_id;
  j["prior_weight"] = e.prior_weight;
  j["total_weight"] = e.total_weight;
  j["probability"] = e.probability;
  j["deterministic_rule"] = e.deterministic_rule;
  j["comparisons"] = nlohmann::json::array();
  for (const auto& c : e.comparisons) {
    j["comparisons"].push_back({{"comparison", c.comparison},
                                {"left", c.left_value},
                                {"right", c.right_value},
                                {"level", c.level},
                                {"label", c.level_label},
                                {"m", c.m},
                                {"u", c.u},
                                {"weight", c.weight},
                                {"tf_adjustment", c.tf_adjustment}});
  }
  return DumpJson(j);
}

}  // namespace ndc::link
