#include "person/person_index.h"

#include <algorithm>
#include <map>

namespace ndc::person {

link::AttributeValues ToEngineValues(const Attributes& a) { return link::AttributeValues(a.begin(), a.end()); }

Result<link::RecordTable> LoadPersonTable(store::Executor& db, const link::Settings& settings,
                                          const std::function<void(size_t)>& progress,
                                          const std::atomic<bool>* stop, bool surrogates_only) {
  link::RecordTable table(settings);
  // Keyset pages of active persons, then their golden values: memory and statement time stay
  // flat however many persons there are. Only the attributes the settings use are kept.
  constexpr int64_t kPage = 20000;
  std::string after;
  size_t persons = 0;
  while (true) {
    if (stop != nullptr && stop->load()) return Status(StatusCode::kCancelled, "reading the persons: stopped");
    ASSIGN_OR_RETURN(store::ResultSet keys,
                     db.Query(surrogates_only
                                  ? "SELECT person_key FROM persons WHERE kind = 'surrogate' AND status = 'active' "
                                    "AND person_key > $1 ORDER BY person_key LIMIT $2"
                                  : "SELECT person_key FROM persons WHERE status = 'active' AND person_key > $1 "
                                    "ORDER BY person_key LIMIT $2",
                              std::vector<store::Value>{after, kPage}));
    if (keys.rows.empty()) break;
    const std::string first = keys.rows.front().Str(0);
    after = keys.rows.back().Str(0);
    ASSIGN_OR_RETURN(store::ResultSet golden,
                     db.Query("SELECT person_key, attribute, value FROM person_golden WHERE person_key >= $1 "
                              "AND person_key <= $2 ORDER BY person_key",
                              std::vector<store::Value>{first, after}));
    std::map<std::string, Attributes> values;
    for (const auto& row : golden.rows) {
      if (settings.AttributeIndex(row.Str(1)) >= 0) values[row.Str(0)][row.Str(1)] = row.Str(2);
    }
    for (const auto& k : keys.rows) {
      auto it = values.find(k.Str(0));
      if (it == values.end()) continue;  // a person without linked records has nothing to match
      table.Add(it->first, ToEngineValues(it->second));
      ++persons;
    }
    if (progress) progress(persons);
  }
  return table;
}

Result<std::unique_ptr<PersonIndex>> PersonIndex::Build(const link::Settings& settings, const link::Model& model,
                                                        link::RecordTable persons) {
  ASSIGN_OR_RETURN(std::unique_ptr<link::Index> index, link::Index::Build(settings, model, std::move(persons)));
  return std::unique_ptr<PersonIndex>(new PersonIndex(std::move(index)));
}

void PersonIndex::AddPerson(const std::string& person_key, const Attributes& golden) {
  index_->Add(person_key, ToEngineValues(golden));
}

link::RecordTable PersonIndex::MakeProbe(const std::vector<const Attributes*>& records) const {
  link::RecordTable probe(index_->settings());
  for (const Attributes* r : records) probe.Add("", ToEngineValues(*r));
  return probe;
}

std::vector<PersonCandidate> PersonIndex::Query(const link::RecordTable& probe, uint32_t row,
                                                size_t max_candidates) const {
  std::vector<link::Candidate> found = index_->Query(probe, row, max_candidates);
  std::vector<PersonCandidate> out;
  out.reserve(found.size());
  index_->WithReference([&](const link::RecordTable& persons) {
    const std::vector<link::DeterministicRule>& rules = index_->settings().deterministic;
    for (const auto& c : found) {
      const bool old_number = c.deterministic && c.rule >= 0 && static_cast<size_t>(c.rule) < rules.size() &&
                              std::ranges::find(rules[static_cast<size_t>(c.rule)].equal, "old_id_number") !=
                                  rules[static_cast<size_t>(c.rule)].equal.end();
      out.push_back({std::string(persons.id(c.row)), c.weight, c.probability, c.deterministic, old_number});
    }
    return 0;
  });
  return out;
}

}  // namespace ndc::person
