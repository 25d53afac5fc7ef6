// AppendTables: docs/design/linkage.md ("Reading in parallel").
#include "link/internal/table_merge.h"

#include <vector>

#include "link/internal/parallel.h"

namespace ndc::link::internal {
namespace {

// The rows of `src` after those of `dst`. A distinct value of `src` keeps its prepared form
// (its text moves with the arena); one `dst` already has is counted there instead. Appending
// parts in order numbers new values in order of first appearance, as Add does.
void AppendColumn(Column& dst, Column& src) {
  dst.present += src.present;
  if (!dst.text) {
    dst.dates.insert(dst.dates.end(), src.dates.begin(), src.dates.end());
    dst.numbers.insert(dst.numbers.end(), src.numbers.begin(), src.numbers.end());
    src.raw.ForEach([&](const RawCache::Key& k, uint32_t packed) {  // packed dates: no ids
      uint32_t have;
      if (!dst.raw.Find(k, &have)) dst.raw.Insert(k, packed);
    });
    return;
  }
  dst.values.reserve(dst.values.size() + src.values.size());
  dst.counts.reserve(dst.values.size() + src.values.size());
  dst.intern.Reserve(dst.values.size() + src.values.size());
  dst.raw.Reserve(dst.raw.size() + src.raw.size());
  std::vector<uint32_t> id_of(src.values.size());
  for (uint32_t v = 0; v < src.values.size(); ++v) {
    const TextValue& tv = src.values[v];
    uint32_t id =
        dst.intern.Find(tv.hash, [&](uint32_t g) { return dst.values[g].normalized() == tv.normalized(); });
    if (id == HashSlots::kNone) {
      id = static_cast<uint32_t>(dst.values.size());
      dst.values.push_back(tv);
      dst.counts.push_back(0);
      dst.intern.Insert(tv.hash, id);
    }
    dst.counts[id] += src.counts[v];
    id_of[v] = id;
  }
  dst.arena.Adopt(std::move(src.arena));
  for (uint32_t id : src.ids) dst.ids.push_back(id == kNoValue ? kNoValue : id_of[id]);
  src.raw.ForEach([&](const RawCache::Key& k, uint32_t id) {
    uint32_t have;
    if (!dst.raw.Find(k, &have)) dst.raw.Insert(k, id == kNoValue ? kNoValue : id_of[id]);
  });
  src = Column();
}

void AppendIdsAndKeys(TableData& dst, const TableData& src) {
  const uint64_t base = dst.id_arena.size();
  dst.id_arena += src.id_arena;
  for (size_t r = 1; r < src.id_offsets.size(); ++r) dst.id_offsets.push_back(base + src.id_offsets[r]);
  for (size_t k = 0; k < dst.keys.size(); ++k)
    dst.keys[k].insert(dst.keys[k].end(), src.keys[k].begin(), src.keys[k].end());
}

}  // namespace

void AppendTables(TableData& dst, std::span<TableData* const> parts, size_t threads) {
  size_t rows = dst.size();
  for (const TableData* p : parts) rows += p->size();
  for (Column& c : dst.columns) {
    c.ids.reserve(c.text ? rows : 0);
    c.dates.reserve(c.type == AttributeType::kDate ? rows : 0);
    c.numbers.reserve(c.type == AttributeType::kNumber ? rows : 0);
  }
  // Task i < columns: column i of every part; the last task: record ids and blocking keys.
  const size_t n_columns = dst.columns.size();
  ParallelChunks(n_columns + 1, threads, [&](size_t task) {
    for (TableData* p : parts) {
      if (task < n_columns) {
        AppendColumn(dst.columns[task], p->columns[task]);
      } else {
        AppendIdsAndKeys(dst, *p);
      }
    }
  });
  dst.index.reset();
}

}  // namespace ndc::link::internal
