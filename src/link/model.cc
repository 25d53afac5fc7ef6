// Training: u from random pairs, m and the prior by EM over blocked candidate pairs.
// docs/design/linkage.md ("Model and EM").
#include "link/model.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/json.h"
#include "link/internal/block_index.h"
#include "link/internal/parallel.h"
#include "link/internal/scorer.h"

namespace ndc::link {

namespace {

// The least m of any level (see Train's M step).
constexpr double kMinM = 1e-4;


using internal::Scorer;
using internal::TableData;

// splitmix64: a small deterministic generator (the output must not depend on the library).
struct SplitMix {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
};

using internal::ParallelChunks;
using internal::Threads;

struct PatternHash {
  size_t operator()(const LevelVector& v) const {
    uint64_t h = 0;
    for (int8_t x : v) h = (h * 31) ^ static_cast<uint8_t>(x);
    return std::hash<uint64_t>()(h);
  }
};
using Patterns = std::unordered_map<LevelVector, uint64_t, PatternHash>;

}  // namespace

double LevelWeight(const LevelParams& p) {
  return std::log2(std::max(p.m, 1e-12) / std::max(p.u, 1e-12));
}

void ApplyWeightBounds(Model* model) {
  for (ComparisonParams& c : model->comparisons) {
    if (c.untrained) {
      for (auto& lp : c.levels) lp.m = lp.u;
      continue;
    }
    for (size_t l = 0; l < c.levels.size(); ++l) {
      LevelParams& lp = c.levels[l];
      // At the floor, no true match showed the level: the floors (kMinM on m, 0.1 pairs on u) are
      // guesses, not evidence, and their ratio alone weighed +8 to +10 bits for a match.
      if (lp.m <= kMinM) lp.m = std::min(lp.m, lp.u);
      // A looser level is tried only when the stricter ones failed: it must not weigh more than
      // the strictest (a sample of few duplicates made "same words, another order" weigh 1.5
      // bits above the exact name).
      if (l > 0 && LevelWeight(lp) > LevelWeight(c.levels[0])) lp.m = lp.u * (c.levels[0].m / c.levels[0].u);
    }
  }
}

Result<Model> Train(const Settings& settings, const RecordTable& left, const RecordTable* right,
                    const TrainOptions& options) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  RETURN_IF_ERROR(internal::CheckSameSettings(settings, left.settings()));
  if (right) RETURN_IF_ERROR(internal::CheckSameSettings(settings, right->settings()));
  const TableData& a = left.data();
  const TableData& b = right ? right->data() : left.data();
  const bool dedupe = right == nullptr;
  if (a.size() < 1 || b.size() < 1 || (dedupe && a.size() < 2)) {
    return FailedPreconditionError("training needs at least two records");
  }
  const size_t threads = Threads(options.threads);
  const size_t nc = settings.comparisons.size();
  auto say = [&](const std::string& m) {
    if (options.progress) options.progress(m);
  };
  Scorer scorer(settings);

  // 1. u from random pairs, in fixed chunks with their own seeds (independent of thread count).
  const size_t u_pairs = settings.em.u_sample_pairs;
  constexpr size_t kChunk = 65536;
  const size_t u_chunks = (u_pairs + kChunk - 1) / kChunk;
  std::vector<std::vector<uint64_t>> u_counts(nc, std::vector<uint64_t>(16, 0));
  std::mutex mu;
  say("estimating u from " + std::to_string(u_pairs) + " random pairs");
  ParallelChunks(u_chunks, threads, [&](size_t chunk) {
    SplitMix rng{settings.em.seed * 0x100000001b3ULL + chunk};
    std::vector<std::vector<uint64_t>> local(nc, std::vector<uint64_t>(16, 0));
    size_t n = std::min(kChunk, u_pairs - chunk * kChunk);
    std::vector<std::pair<uint32_t, uint32_t>> pairs(n);
    for (auto& [ra, rb] : pairs) {
      ra = rng.Below(static_cast<uint32_t>(a.size()));
      rb = rng.Below(static_cast<uint32_t>(b.size()));
    }
    std::sort(pairs.begin(), pairs.end());  // rows of `a` in order: fewer cache misses, same counts
    LevelVector lv;
    for (const auto& [ra, rb] : pairs) {
      if (dedupe && ra == rb) continue;
      scorer.Levels(a, ra, b, rb, &lv);
      for (size_t c = 0; c < nc; ++c) {
        if (lv[c] >= 0) local[c][lv[c]]++;
      }
    }
    std::lock_guard lock(mu);
    for (size_t c = 0; c < nc; ++c) {
      for (size_t l = 0; l < 16; ++l) u_counts[c][l] += local[c][l];
    }
  });

  Model model;
  model.u_pairs = u_pairs;
  for (size_t c = 0; c < nc; ++c) {
    const size_t levels = settings.comparisons[c].levels.size() + 1;
    ComparisonParams p;
    p.name = settings.comparisons[c].name;
    uint64_t total = 0;
    for (size_t l = 0; l < levels; ++l) total += u_counts[c][l];
    p.untrained = total == 0;
    for (size_t l = 0; l < levels; ++l) {
      // A level never seen among random pairs gets a pseudo-count of 1/10: agreement on a
      // unique identifier is rarer than the sample can show, but not impossible.
      double u = total ? std::max<double>(u_counts[c][l], 0.1) / static_cast<double>(total) : 1.0 / levels;
      // Initial m: most mass on the first (strictest) level, decreasing, little on "else".
      double m = l + 1 == levels ? 0.05 : 0.95 * std::pow(0.25, static_cast<double>(l));
      p.levels.push_back({m, std::min(u, 1.0)});
    }
    double msum = 0;
    for (auto& lp : p.levels) msum += lp.m;
    for (auto& lp : p.levels) lp.m /= msum;
    model.comparisons.push_back(std::move(p));
  }

  // 2. Candidate pairs of a deterministic sample of left rows, as level patterns with counts.
  const auto shared_index = internal::SharedBlockIndex(b, threads);
  const internal::BlockIndex& index = *shared_index;
  std::atomic<uint64_t> probe_count{0};
  const size_t probe_rows = std::min<size_t>(a.size(), 2000);
  for (size_t i = 0; i < probe_rows; ++i) {
    uint32_t row = static_cast<uint32_t>(i * a.size() / probe_rows);
    index.ForEach(b, a, row, dedupe, [&](uint32_t) { probe_count++; });
  }
  double per_row = std::max(1e-9, static_cast<double>(probe_count) / probe_rows);
  size_t step = std::max<size_t>(1, static_cast<size_t>(std::ceil(per_row * a.size() / settings.em.max_training_pairs)));
  say("collecting candidate pairs (every " + std::to_string(step) + " left record)");
  Patterns patterns;
  const size_t rows = (a.size() + step - 1) / step;
  const size_t chunks = (rows + 4095) / 4096;
  ParallelChunks(chunks, threads, [&](size_t chunk) {
    Patterns local;
    LevelVector lv;
    for (size_t i = chunk * 4096; i < std::min(rows, (chunk + 1) * 4096); ++i) {
      uint32_t ra = static_cast<uint32_t>(i * step);
      index.ForEach(b, a, ra, dedupe, [&](uint32_t rb) {
        scorer.Levels(a, ra, b, rb, &lv);
        local[lv]++;
      });
    }
    std::lock_guard lock(mu);
    for (const auto& [k, v] : local) patterns[k] += v;
  });
  uint64_t n_pairs = 0;
  for (const auto& [k, v] : patterns) n_pairs += v;
  model.training_pairs = n_pairs;
  if (n_pairs == 0) {
    return FailedPreconditionError("no candidate pairs to train on: the blocking rules match no pair; add or relax blocking rules");
  }

  // 3. EM over the candidate pairs, m, u and the candidate prior all free (u among candidates
  // differs from u among random pairs: blocking made candidates agree on the blocked
  // attributes). Scoring then uses m from EM with u from random pairs, and the prior converted
  // to random pairs, which is what such u are consistent with (docs/design/linkage.md).
  std::vector<std::pair<LevelVector, double>> pats(patterns.begin(), patterns.end());
  std::sort(pats.begin(), pats.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::vector<double>> u_em(nc);
  for (size_t c = 0; c < nc; ++c) {
    for (const auto& lp : model.comparisons[c].levels) u_em[c].push_back(lp.u);
  }
  double prior = 0.3;
  say("EM over " + std::to_string(n_pairs) + " pairs (" + std::to_string(pats.size()) + " patterns)");
  for (size_t it = 0; it < settings.em.max_iterations; ++it) {
    std::vector<std::vector<double>> mass(nc, std::vector<double>(16, 0)), umass(nc, std::vector<double>(16, 0));
    double matched = 0, total = 0;
    for (const auto& [pat, count] : pats) {
      double lm = std::log(prior), lu = std::log(1 - prior);
      for (size_t c = 0; c < nc; ++c) {
        if (pat[c] < 0) continue;
        lm += std::log(std::max(model.comparisons[c].levels[pat[c]].m, 1e-300));
        lu += std::log(std::max(u_em[c][pat[c]], 1e-300));
      }
      double p = 1.0 / (1.0 + std::exp(lu - lm));
      matched += p * count;
      total += count;
      for (size_t c = 0; c < nc; ++c) {
        if (pat[c] < 0) continue;
        mass[c][pat[c]] += p * count;
        umass[c][pat[c]] += (1 - p) * count;
      }
    }
    double change = std::abs(matched / total - prior);
    prior = std::clamp(matched / total, 1e-9, 1 - 1e-9);
    for (size_t c = 0; c < nc; ++c) {
      auto& levels = model.comparisons[c].levels;
      double sum = 0, usum = 0;
      for (size_t l = 0; l < levels.size(); ++l) sum += mass[c][l], usum += umass[c][l];
      // No candidate pair held both values: EM cannot learn m (it would keep its start).
      if (sum <= 0 && usum <= 0) model.comparisons[c].untrained = true;
      for (size_t l = 0; l < levels.size(); ++l) {
        if (sum > 0) {
          // At least 1 in 10,000 true matches shows any level: a level no match happened to show
          // in this sample is not a near-veto (1e-9 until 2026-11-30: -20 to -30 bits for any
          // typo or swapped day, so such pairs were never even reviewed). A floor, not a
          // pseudo-count: a pseudo-count flattens m while the first iterations' match mass is
          // small, and EM on a small sample then explains every pair as a non-match.
          double m = std::max(mass[c][l] / sum, kMinM);
          change = std::max(change, std::abs(m - levels[l].m));
          levels[l].m = m;
        }
        if (usum > 0) u_em[c][l] = std::max(umass[c][l] / usum, 1e-9);
      }
    }
    model.em_iterations = it + 1;
    if (change < settings.em.tolerance) {
      model.converged = true;
      break;
    }
  }
  ApplyWeightBounds(&model);
  model.candidate_prior = prior;
  // Matches expected among all candidate pairs, over all pairs.
  const double candidates = static_cast<double>(n_pairs) * static_cast<double>(step);
  const double all_pairs = dedupe ? static_cast<double>(a.size()) * (a.size() - 1) / 2.0
                                  : static_cast<double>(a.size()) * static_cast<double>(b.size());
  model.prior = std::clamp(prior * candidates / all_pairs, 1e-15, 0.5);
  say("EM " + std::string(model.converged ? "converged" : "stopped") + " after " +
      std::to_string(model.em_iterations) + " iterations; candidate prior " + std::to_string(prior) +
      ", random-pair prior " + std::to_string(model.prior));
  return model;
}

std::string ModelToJson(const Model& model) {
  nlohmann::json j;
  j["format"] = "ndc-link-model/1";
  j["prior"] = model.prior;
  j["candidate_prior"] = model.candidate_prior;
  j["em_iterations"] = model.em_iterations;
  j["converged"] = model.converged;
  j["training_pairs"] = model.training_pairs;
  j["u_pairs"] = model.u_pairs;
  if (model.retrain_at_seq > 0) j["retrain_at_seq"] = model.retrain_at_seq;
  j["comparisons"] = nlohmann::json::array();
  for (const auto& c : model.comparisons) {
    nlohmann::json levels = nlohmann::json::array();
    for (const auto& l : c.levels) levels.push_back({{"m", l.m}, {"u", l.u}});
    nlohmann::json comparison = {{"name", c.name}, {"levels", levels}};
    if (c.untrained) comparison["untrained"] = true;
    j["comparisons"].push_back(std::move(comparison));
  }
  return DumpJson(j, 2);
}

Result<Model> ModelFromJson(std::string_view json) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(json));
  auto bad = [](const std::string& path, const std::string& what) {
    return InvalidArgumentError("model: " + path + ": " + what);
  };
  if (!j.is_object()) return bad("(top)", "expected an object");
  if (!j.contains("format") || j["format"] != "ndc-link-model/1") return bad("format", "expected \"ndc-link-model/1\"");
  Model m;
  if (!j.contains("prior") || !j["prior"].is_number() || !(j["prior"].get<double>() > 0 && j["prior"].get<double>() < 1)) {
    return bad("prior", "expected a number in (0, 1)");
  }
  m.prior = j["prior"].get<double>();
  auto count = [&](const char* key, size_t* out) {
    if (j.contains(key) && j[key].is_number_unsigned()) *out = j[key].get<size_t>();
  };
  count("em_iterations", &m.em_iterations);
  count("training_pairs", &m.training_pairs);
  count("u_pairs", &m.u_pairs);
  if (j.contains("retrain_at_seq") && j["retrain_at_seq"].is_number_integer()) {
    m.retrain_at_seq = j["retrain_at_seq"].get<int64_t>();
  }
  if (j.contains("candidate_prior") && j["candidate_prior"].is_number()) {
    m.candidate_prior = j["candidate_prior"].get<double>();
  }
  if (j.contains("converged") && j["converged"].is_boolean()) m.converged = j["converged"].get<bool>();
  if (!j.contains("comparisons") || !j["comparisons"].is_array()) return bad("comparisons", "expected a list");
  for (size_t i = 0; i < j["comparisons"].size(); ++i) {
    const auto& c = j["comparisons"][i];
    std::string p = "comparisons[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) return bad(p + ".name", "expected a string");
    ComparisonParams cp;
    cp.name = c["name"].get<std::string>();
    if (c.contains("untrained") && c["untrained"].is_boolean()) cp.untrained = c["untrained"].get<bool>();
    if (!c.contains("levels") || !c["levels"].is_array() || c["levels"].size() < 2) {
      return bad(p + ".levels", "expected a list of at least two levels");
    }
    for (size_t l = 0; l < c["levels"].size(); ++l) {
      const auto& lv = c["levels"][l];
      std::string lp = p + ".levels[" + std::to_string(l) + "]";
      LevelParams params;
      for (const char* key : {"m", "u"}) {
        if (!lv.is_object() || !lv.contains(key) || !lv[key].is_number() || !(lv[key].get<double>() > 0) ||
            lv[key].get<double>() > 1) {
          return bad(lp + "." + key, "expected a number in (0, 1]");
        }
      }
      params.m = lv["m"].get<double>();
      params.u = lv["u"].get<double>();
      cp.levels.push_back(params);
    }
    m.comparisons.push_back(std::move(cp));
  }
  return m;
}

Status CheckModel(const Settings& settings, const Model& model) {
  if (model.comparisons.size() != settings.comparisons.size()) {
    return InvalidArgumentError("model has " + std::to_string(model.comparisons.size()) + " comparisons but settings have " +
                                std::to_string(settings.comparisons.size()) + "; retrain");
  }
  for (size_t i = 0; i < settings.comparisons.size(); ++i) {
    const auto& s = settings.comparisons[i];
    const auto& m = model.comparisons[i];
    if (m.name != s.name) {
      return InvalidArgumentError("model comparison " + std::to_string(i) + " is '" + m.name + "' but settings say '" +
                                  s.name + "'; retrain");
    }
    if (m.levels.size() != s.levels.size() + 1) {
      return InvalidArgumentError("model comparison '" + m.name + "' has " + std::to_string(m.levels.size()) +
                                  " levels but settings give " + std::to_string(s.levels.size() + 1) + " (with else); retrain");
    }
  }
  return OkStatus();
}

}  // namespace ndc::link
