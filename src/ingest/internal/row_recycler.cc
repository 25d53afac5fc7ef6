#include "ingest/internal/row_recycler.h"

#include <algorithm>
#include <iterator>

namespace ndc::ingest {

void RowRecycler::Return(Rows* rows) {
  {
    std::lock_guard lock(mu_);
    const size_t room = capacity_ > spare_.size() ? capacity_ - spare_.size() : 0;
    const size_t keep = std::min(room, rows->size());
    spare_.insert(spare_.end(), std::make_move_iterator(rows->end() - static_cast<std::ptrdiff_t>(keep)),
                  std::make_move_iterator(rows->end()));
    rows->resize(rows->size() - keep);
  }
  rows->clear();  // what did not fit is freed here, outside the lock
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
