// Incremental index over a reference table. docs/design/linkage.md ("Incremental index").
#include "link/index.h"

#include <algorithm>
#include <mutex>

#include "link/internal/block_index.h"
#include "link/internal/scorer.h"

namespace ndc::link {

Index::Index(const Settings& settings, const Model& model, RecordTable reference)
    : settings_(settings), model_(model), reference_(std::move(reference)) {
  blocks_ = std::make_unique<internal::BlockIndex>(reference_.data(), 1);
  scorer_ = std::make_unique<internal::Scorer>(settings_, model_);
}

Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::Build(const Settings& settings, const Model& model, RecordTable reference) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  RETURN_IF_ERROR(CheckModel(settings, model));
  RETURN_IF_ERROR(internal::CheckSameSettings(settings, reference.settings()));
  return std::unique_ptr<Index>(new Index(settings, model, std::move(reference)));
}

uint32_t Index::Add(std::string_view record_id, std::span<const std::string_view> values) {
  std::unique_lock lock(mu_);
  uint32_t row = reference_.Add(record_id, values);
  blocks_->Add(reference_.data(), row);
  return row;
}

uint32_t Index::Add(std::string_view record_id, const AttributeValues& values) {
  std::unique_lock lock(mu_);
  uint32_t row = reference_.Add(record_id, values);
  blocks_->Add(reference_.data(), row);
  return row;
}

size_t Index::size() const {
  std::shared_lock lock(mu_);
  return reference_.size();
}

std::vector<Candidate> Index::Query(const RecordTable& probe, uint32_t row, size_t max_candidates) const {
  std::shared_lock lock(mu_);
  const auto& ref = reference_.data();
  const auto& p = probe.data();
  const double review = internal::Scorer::WeightOf(settings_.thresholds.review);
  std::vector<Candidate> out;
  LevelVector levels;
  blocks_->ForEach(ref, p, row, false, [&](uint32_t rb) {
    Candidate c;
    c.row = rb;
    c.weight = scorer_->Score(p, row, ref, rb, &levels);
    c.rule = scorer_->Deterministic(p, row, ref, rb);
    c.deterministic = c.rule >= 0;
    c.probability = c.deterministic ? 1.0 : internal::Scorer::Probability(c.weight);
    if (c.deterministic || c.weight >= review) out.push_back(c);
  });
  std::sort(out.begin(), out.end(), [](const Candidate& x, const Candidate& y) {
    if (x.deterministic != y.deterministic) return x.deterministic;
    if (x.weight != y.weight) return x.weight > y.weight;
    return x.row < y.row;
  });
  if (out.size() > max_candidates) out.resize(max_candidates);
  return out;
}

}  // namespace ndc::link
