#include "link/testing/quality.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "link/internal/csv.h"
#include "link/schema_map.h"

namespace ndc::link::testing {

namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "'");
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

bool IsMatch(const Settings& s, const ScoredPair& p) {
  return p.how == MatchHow::kDeterministic || p.probability >= s.thresholds.match;
}

// Trains on left/right and links them.
Result<LinkResult> TrainAndLink(const Settings& settings, const RecordTable& left, const RecordTable& right,
                                size_t threads, double* train_seconds) {
  auto t0 = std::chrono::steady_clock::now();
  TrainOptions to;
  to.threads = threads;
  ASSIGN_OR_RETURN(Model model, Train(settings, left, &right, to));
  *train_seconds = Since(t0);
  LinkOptions lo;
  lo.threads = threads;
  return Link(settings, model, left, &right, lo);
}

// Counts the matches of `r` and those `correct` accepts.
template <typename Correct>
void Score(const Settings& settings, const LinkResult& r, Correct&& correct, PairQuality* q) {
  q->stats = r.stats;
  for (const auto& p : r.pairs) {
    if (!IsMatch(settings, p)) continue;
    ++q->found;
    q->correct += correct(p);
  }
  Finish(q);
}

// source_key -> true personal_id ("" when absent from the registry), and the number of records
// present in the registry.
Status ReadTruth(const std::string& dir, std::string_view dataset, std::unordered_map<std::string, std::string>* true_id,
                 size_t* true_pairs) {
  ASSIGN_OR_RETURN(auto truth, internal::CsvReader::Open(dir + "/truth/" + std::string(dataset) + ".truth.csv", ','));
  std::vector<std::string_view> f;
  while (true) {
    ASSIGN_OR_RETURN(bool more, truth.Next(&f));
    if (!more) break;
    if (f.size() < 4) return InvalidArgumentError("truth file: short row");
    bool in_registry = f[3] == "1";
    (*true_id)[std::string(f[0])] = in_registry ? std::string(f[2]) : "";
    *true_pairs += in_registry;
  }
  return OkStatus();
}

}  // namespace

void Finish(PairQuality* q) {
  q->precision = q->found ? static_cast<double>(q->correct) / q->found : 0;
  q->recall = q->true_pairs ? static_cast<double>(q->correct) / q->true_pairs : 0;
  q->f1 = q->precision + q->recall > 0 ? 2 * q->precision * q->recall / (q->precision + q->recall) : 0;
}

Result<RecordTable> LoadDatagenDataset(const Settings& settings, const std::string& dir, std::string_view dataset,
                                       size_t threads) {
  ASSIGN_OR_RETURN(std::string schema, ReadFile(dir + "/" + std::string(dataset) + ".schema.json"));
  ASSIGN_OR_RETURN(ColumnMap map, ColumnMapFromSchemaJson(schema, settings));
  return RecordTable::FromCsv(settings, dir + "/" + std::string(dataset) + ".csv", map, {}, threads);
}

Result<PairQuality> EvaluateDatagen(const Settings& settings, const std::string& dir, std::string_view dataset,
                                    const RecordTable& registry, size_t threads) {
  auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(RecordTable left, LoadDatagenDataset(settings, dir, dataset, threads));
  const double load_seconds = Since(t0);
  double train_seconds = 0;
  ASSIGN_OR_RETURN(LinkResult r, TrainAndLink(settings, left, registry, threads, &train_seconds));
  ASSIGN_OR_RETURN(PairQuality q, ScoreDatagen(settings, dir, dataset, left, registry, r));
  q.load_seconds = load_seconds;
  q.train_seconds = train_seconds;
  return q;
}

Result<PairQuality> ScoreDatagen(const Settings& settings, const std::string& dir, std::string_view dataset,
                                 const RecordTable& left, const RecordTable& registry, const LinkResult& result) {
  PairQuality q;
  std::unordered_map<std::string, std::string> true_id;
  RETURN_IF_ERROR(ReadTruth(dir, dataset, &true_id, &q.true_pairs));
  Score(settings, result, [&](const ScoredPair& p) {
    auto it = true_id.find(std::string(left.id(p.left)));
    return it != true_id.end() && !it->second.empty() && it->second == registry.id(p.right);
  }, &q);
  return q;
}

Result<PairQuality> EvaluateFebrl4(const Settings& settings, const std::string& febrl_dir, size_t threads) {
  PairQuality q;
  auto t0 = std::chrono::steady_clock::now();
  auto in = [&](const char* name) -> Result<ColumnMap> {
    auto it = settings.inputs.find(name);
    if (it == settings.inputs.end()) return InvalidArgumentError(std::string("settings have no inputs.") + name);
    return it->second;
  };
  ASSIGN_OR_RETURN(ColumnMap lm, in("left"));
  ASSIGN_OR_RETURN(ColumnMap rm, in("right"));
  ASSIGN_OR_RETURN(RecordTable a, RecordTable::FromCsv(settings, febrl_dir + "/dataset4a.csv", lm, {}, threads));
  ASSIGN_OR_RETURN(RecordTable b, RecordTable::FromCsv(settings, febrl_dir + "/dataset4b.csv", rm, {}, threads));
  q.load_seconds = Since(t0);
  // rec-N-org <-> rec-N-dup-0: the entity is N.
  auto entity = [](std::string_view id) {
    size_t s = id.find('-');
    size_t e = id.find('-', s + 1);
    return std::string(id.substr(s + 1, e - s - 1));
  };
  std::unordered_map<std::string, int> in_b;
  for (uint32_t r = 0; r < b.size(); ++r) in_b[entity(b.id(r))]++;
  for (uint32_t r = 0; r < a.size(); ++r) q.true_pairs += in_b.count(entity(a.id(r))) ? in_b[entity(a.id(r))] : 0;
  ASSIGN_OR_RETURN(LinkResult r, TrainAndLink(settings, a, b, threads, &q.train_seconds));
  Score(settings, r, [&](const ScoredPair& p) { return entity(a.id(p.left)) == entity(b.id(p.right)); }, &q);
  return q;
}

}  // namespace ndc::link::testing
