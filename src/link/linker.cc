// Batch linking: parallel blocking + scoring over left rows. docs/design/linkage.md ("Linking").
#include "link/linker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "link/internal/block_index.h"
#include "link/internal/parallel.h"
#include "link/internal/scorer.h"

namespace ndc::link {

namespace {

using internal::Scorer;
using internal::TableData;

using internal::Threads;

Status CheckInputs(const Settings& settings, const Model& model, const RecordTable& left, const RecordTable* right) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  RETURN_IF_ERROR(CheckModel(settings, model));
  RETURN_IF_ERROR(internal::CheckSameSettings(settings, left.settings()));
  if (right) RETURN_IF_ERROR(internal::CheckSameSettings(settings, right->settings()));
  return OkStatus();
}

// Scores one pair into `out` when it reaches the review threshold.
struct PairScorer {
  const Settings& settings;
  const Scorer& scorer;
  const TableData& a;
  const TableData& b;
  double review_weight;
  bool Score(uint32_t ra, uint32_t rb, ScoredPair* out) const {
    out->left = ra;
    out->right = rb;
    double w = scorer.Score(a, ra, b, rb, &out->levels);
    int rule = scorer.Deterministic(a, ra, b, rb);
    out->weight = static_cast<float>(w);
    if (rule >= 0) {
      out->how = MatchHow::kDeterministic;
      out->rule = static_cast<uint8_t>(rule);
      out->probability = 1.0f;
      return true;
    }
    out->how = MatchHow::kProbabilistic;
    out->probability = static_cast<float>(Scorer::Probability(w));
    return w >= review_weight;
  }
};

bool Better(const ScoredPair& x, const ScoredPair& y) {
  if ((x.how == MatchHow::kDeterministic) != (y.how == MatchHow::kDeterministic)) return x.how == MatchHow::kDeterministic;
  return x.weight > y.weight;
}

// The order of LinkResult::pairs: by left row, the better pair first, then by right row.
bool PairOrder(const ScoredPair& x, const ScoredPair& y) {
  if (x.left != y.left) return x.left < y.left;
  if (Better(x, y) != Better(y, x)) return Better(x, y);
  return x.right < y.right;
}

void Finish(const Settings& settings, size_t left_n, size_t right_n, bool dedupe, LinkResult* r) {
  // Link hands over chunks sorted by its workers, in order: then this is one pass.
  if (!std::is_sorted(r->pairs.begin(), r->pairs.end(), PairOrder)) {
    std::sort(r->pairs.begin(), r->pairs.end(), PairOrder);
  }
  if (settings.best_match_only && !dedupe) {
    std::vector<ScoredPair> best;
    for (const auto& p : r->pairs) {
      if (best.empty() || best.back().left != p.left) best.push_back(p);
    }
    r->pairs = std::move(best);
  }
  std::vector<Edge> edges;
  for (const auto& p : r->pairs) {
    bool match = p.how == MatchHow::kDeterministic || p.probability >= settings.thresholds.match;
    r->stats.matches += match;
    if (match) edges.push_back({p.left, static_cast<uint32_t>(dedupe ? p.right : left_n + p.right)});
  }
  r->stats.pairs_kept = r->pairs.size();
  r->clusters = ConnectedComponents(dedupe ? left_n : left_n + right_n, edges);
}

}  // namespace

std::string_view MatchHowName(MatchHow how) {
  return how == MatchHow::kDeterministic ? "deterministic" : "probabilistic";
}

Result<LinkResult> Link(const Settings& settings, const Model& model, const RecordTable& left,
                        const RecordTable* right, const LinkOptions& options) {
  RETURN_IF_ERROR(CheckInputs(settings, model, left, right));
  const auto start = std::chrono::steady_clock::now();
  const TableData& a = left.data();
  const TableData& b = right ? right->data() : left.data();
  const bool dedupe = right == nullptr;
  const size_t threads = Threads(options.threads);
  Scorer scorer(settings, model);
  PairScorer ps{settings, scorer, a, b, Scorer::WeightOf(settings.thresholds.review)};
  const auto shared_index = internal::SharedBlockIndex(b, threads);
  const internal::BlockIndex& index = *shared_index;

  const bool best_only = settings.best_match_only && !dedupe;
  constexpr size_t kChunk = 2048;
  const size_t chunks = (a.size() + kChunk - 1) / kChunk;
  std::atomic<size_t> next{0}, done{0}, candidates{0}, deterministic{0};
  std::vector<std::vector<ScoredPair>> outs(chunks);  // per chunk, sorted by PairOrder
  std::mutex progress_mu;
  const size_t report_every = std::max<size_t>(1, chunks / 100);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      size_t local_cands = 0, local_det = 0;
      for (size_t c; (c = next.fetch_add(1)) < chunks;) {
        auto& out = outs[c];
        const uint32_t end = static_cast<uint32_t>(std::min(a.size(), (c + 1) * kChunk));
        for (uint32_t ra = static_cast<uint32_t>(c * kChunk); ra < end; ++ra) {
          ScoredPair best;
          bool have_best = false;
          auto visit = [&](uint32_t rb) {
            ++local_cands;
            ScoredPair p;
            if (!ps.Score(ra, rb, &p)) return;
            local_det += p.how == MatchHow::kDeterministic;
            if (best_only) {
              if (!have_best || Better(p, best)) best = p;
              have_best = true;
            } else {
              out.push_back(p);
            }
          };
          // Keeping only the best pair, a deterministic match beats every pair the other rules
          // could add (none of them can be deterministic): skip them.
          index.ForEach(b, a, ra, dedupe, visit, best_only ? settings.deterministic.size() : 0,
                        [&] { return have_best && best.how == MatchHow::kDeterministic; });
          if (have_best) out.push_back(best);
        }
        std::sort(out.begin(), out.end(), PairOrder);
        candidates += local_cands;
        deterministic += local_det;
        local_cands = local_det = 0;
        size_t d = done.fetch_add(1) + 1;
        if (options.progress && (d % report_every == 0 || d == chunks)) {
          std::lock_guard lock(progress_mu);
          options.progress({std::min(a.size(), d * kChunk), a.size(), candidates.load()});
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  LinkResult r;
  size_t total = 0;
  for (const auto& o : outs) total += o.size();
  r.pairs.reserve(total);
  for (auto& o : outs) r.pairs.insert(r.pairs.end(), o.begin(), o.end());
  r.stats.left_records = a.size();
  r.stats.right_records = dedupe ? 0 : b.size();
  r.stats.candidate_pairs = candidates;
  r.stats.deterministic_pairs = deterministic;
  Finish(settings, a.size(), b.size(), dedupe, &r);
  r.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

Result<LinkResult> LinkAllPairs(const Settings& settings, const Model& model, const RecordTable& left,
                                const RecordTable* right) {
  RETURN_IF_ERROR(CheckInputs(settings, model, left, right));
  const auto start = std::chrono::steady_clock::now();
  const TableData& a = left.data();
  const TableData& b = right ? right->data() : left.data();
  const bool dedupe = right == nullptr;
  Scorer scorer(settings, model);
  PairScorer ps{settings, scorer, a, b, Scorer::WeightOf(settings.thresholds.review)};
  LinkResult r;
  for (uint32_t ra = 0; ra < a.size(); ++ra) {
    for (uint32_t rb = dedupe ? ra + 1 : 0; rb < b.size(); ++rb) {
      ++r.stats.candidate_pairs;
      ScoredPair p;
      if (ps.Score(ra, rb, &p)) {
        r.stats.deterministic_pairs += p.how == MatchHow::kDeterministic;
        r.pairs.push_back(p);
      }
    }
  }
  r.stats.left_records = a.size();
  r.stats.right_records = dedupe ? 0 : b.size();
  Finish(settings, a.size(), b.size(), dedupe, &r);
  r.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(const Settings& settings, const RecordTable& left,
                                                          const RecordTable* right) {
  (void)settings;
  const TableData& a = left.data();
  const TableData& b = right ? right->data() : left.data();
  const auto shared_index = internal::SharedBlockIndex(b, 1);
  const internal::BlockIndex& index = *shared_index;
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (uint32_t ra = 0; ra < a.size(); ++ra) {
    index.ForEach(b, a, ra, right == nullptr, [&](uint32_t rb) { out.emplace_back(ra, rb); });
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ndc::link
