#include "person/golden.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace ndc::person {

std::vector<GoldenValue> Survive(const std::vector<SourceRecord>& records, const std::vector<std::string>& priority) {
  auto rank = [&](const std::string& dataset) {
    auto it = std::find(priority.begin(), priority.end(), dataset);
    return static_cast<size_t>(it - priority.begin());  // unlisted: priority.size()
  };
  // Better first: lower rank, newer, then dataset and key ascending.
  auto better = [&](const SourceRecord& a, const SourceRecord& b) {
    return std::make_tuple(rank(a.dataset_id), -a.updated_at, std::cref(a.dataset_id), std::cref(a.record_key)) <
           std::make_tuple(rank(b.dataset_id), -b.updated_at, std::cref(b.dataset_id), std::cref(b.record_key));
  };
  std::map<std::string, const SourceRecord*> best;
  std::map<std::string, const std::string*> value;
  for (const auto& r : records) {
    for (const auto& [attribute, v] : r.attributes) {
      auto it = best.find(attribute);
      if (it == best.end() || better(r, *it->second)) {
        best[attribute] = &r;
        value[attribute] = &v;
      }
    }
  }
  std::vector<GoldenValue> out;
  out.reserve(best.size());
  for (const auto& [attribute, r] : best) {
    out.push_back({attribute, *value[attribute], r->dataset_id, r->record_key, r->updated_at});
  }
  return out;
}

}  // namespace ndc::person
