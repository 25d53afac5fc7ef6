#include "ingest/internal/row_recycler.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <variant>

namespace ndc::ingest {

namespace {

size_t StringBytes(const std::vector<store::Value>& row) {
  size_t n = 0;
  for (const store::Value& v : row) {
    if (const auto* s = std::get_if<std::string>(&v)) n += s->capacity();
  }
  return n;
}

}  // namespace

void RowRecycler::Return(Rows* rows) {
  // Vectors holding large strings go: kept, they would pin their buffers for the whole load.
  const auto large = std::partition(rows->begin(), rows->end(),
                                    [](const std::vector<store::Value>& row) { return StringBytes(row) <= kMaxKeptBytes; });
  {
    std::lock_guard lock(mu_);
    const size_t small = static_cast<size_t>(large - rows->begin());
    const size_t room = capacity_ > spare_.size() ? capacity_ - spare_.size() : 0;
    const size_t keep = std::min(room, small);
    spare_.insert(spare_.end(), std::make_move_iterator(rows->begin()),
                  std::make_move_iterator(rows->begin() + static_cast<std::ptrdiff_t>(keep)));
  }
  rows->clear();  // what was not kept is freed here, outside the lock
}

size_t RowRecycler::Take(size_t n, Rows* out) {
  std::lock_guard lock(mu_);
  const size_t k = std::min(n, spare_.size());
  out->insert(out->end(), std::make_move_iterator(spare_.end() - static_cast<std::ptrdiff_t>(k)),
              std::make_move_iterator(spare_.end()));
  spare_.resize(spare_.size() - k);
  return k;
}

}  // namespace ndc::ingest
