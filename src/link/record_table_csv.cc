// RecordTable::FromCsv: reading a CSV file in parallel chunks, then preparing it a column per
// worker. docs/design/linkage.md ("Record tables", "Reading in parallel").
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include "link/internal/csv.h"
#include "link/internal/parallel.h"
#include "link/internal/prepare.h"
#include "link/internal/table_data.h"
#include "link/record_table.h"

namespace ndc::link {
namespace {

using internal::CsvReader;

// Which CSV column holds each attribute (-1: none) and the record id (-1: ids are row numbers).
struct ColumnPlan {
  std::vector<int> col_of;
  int id_col = -1;
};

Result<ColumnPlan> PlanColumns(const Settings& settings, const std::string& name,
                               const std::vector<std::string>& header, const ColumnMap& map) {
  auto find = [&](const std::string& col) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == col) return static_cast<int>(i);
    }
    return -1;
  };
  auto missing_column = [&](const std::string& what, const std::string& col) {
    std::string cols;
    for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + h;
    return InvalidArgumentError(name + ": settings map " + what + " to column '" + col +
                                "', which the header (line 1) does not have; columns: " + cols);
  };
  ColumnPlan plan;
  plan.col_of.assign(settings.attributes.size(), -1);
  for (const auto& [attr, col] : map.columns) {
    int a = settings.AttributeIndex(attr);
    if (a < 0) return InvalidArgumentError(name + ": column map names unknown attribute '" + attr + "'");
    int c = find(col);
    if (c < 0) return missing_column("attribute '" + attr + "'", col);
    plan.col_of[a] = c;
  }
  if (map.same_names) {
    for (size_t a = 0; a < settings.attributes.size(); ++a) {
      if (plan.col_of[a] < 0) plan.col_of[a] = find(settings.attributes[a].name);
    }
  }
  if (!map.id_column.empty()) {
    plan.id_col = find(map.id_column);
    if (plan.id_col < 0) return missing_column("the record id", map.id_column);
  }
  return plan;
}

// Rows read by all readers; calls `fn` (one call at a time) each time the total passes a
// multiple of 100,000. Readers report every 1,024 rows, so the count costs no contention.
class RowProgress {
 public:
  explicit RowProgress(const std::function<void(size_t)>& fn) : fn_(fn) {}
  void Add(size_t rows) {
    if (!fn_ || rows == 0) return;
    const size_t before = rows_.fetch_add(rows);
    const size_t after = before + rows;
    if (before / kEvery == after / kEvery) return;
    std::lock_guard<std::mutex> lock(mu_);
    fn_(after / kEvery * kEvery);
  }

 private:
  static constexpr size_t kEvery = 100000;
  const std::function<void(size_t)>& fn_;
  std::atomic<size_t> rows_{0};
  std::mutex mu_;
};

// The records of one chunk of the file, read but not prepared: each attribute's raw text per
// row (after derivation), the record ids. Texts are views of the file, or of `arena` (quoted
// fields, derived values).
struct ChunkRows {
  size_t rows = 0;
  std::vector<std::vector<std::string_view>> raw;  // [attribute][row]; empty: never present
  std::vector<std::vector<uint8_t>> derived;       // [attribute][row]: 1 when derived (derive_from)
  std::vector<std::string_view> ids;               // data() == nullptr: the row number is the id
  internal::TextArena arena;
};

// Which attributes a file can give values: mapped to a column, or derived.
std::vector<bool> PresentAttributes(const Settings& s, const ColumnPlan& plan) {
  std::vector<bool> present(plan.col_of.size());
  for (size_t a = 0; a < present.size(); ++a)
    present[a] = plan.col_of[a] >= 0 || !s.attributes[a].derive_from.empty();
  return present;
}

// Reads the records of `reader` into `out`.
Status ReadChunk(CsvReader& reader, const Settings& s, const ColumnPlan& plan, RowProgress& progress,
                 ChunkRows* out) {
  const size_t n_attr = plan.col_of.size();
  const std::vector<bool> present = PresentAttributes(s, plan);
  out->raw.resize(n_attr);
  out->derived.resize(n_attr);
  auto keep = [&](std::string_view v, bool copy) -> std::string_view {
    if (!copy || v.empty()) return v;
    char* p = out->arena.Allocate(v.size());
    std::memcpy(p, v.data(), v.size());
    return {p, v.size()};
  };
  std::vector<std::string_view> fields, values(n_attr);
  std::vector<std::string> derived;
  const size_t begin = reader.offset();
  size_t unreported = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    for (size_t a = 0; a < n_attr; ++a) {
      const int c = plan.col_of[a];
      values[a] = c >= 0 && static_cast<size_t>(c) < fields.size() ? fields[c] : std::string_view();
    }
    internal::DeriveRaw(s, values, &derived);
    for (size_t a = 0; a < n_attr; ++a) {
      if (!present[a]) continue;
      out->raw[a].push_back(keep(values[a], !derived[a].empty() || !reader.InFile(values[a])));
      if (!s.attributes[a].derive_from.empty()) out->derived[a].push_back(!derived[a].empty());
    }
    if (plan.id_col >= 0 && static_cast<size_t>(plan.id_col) < fields.size()) {
      const std::string_view id = fields[plan.id_col];
      out->ids.push_back(id.empty() ? std::string_view("", 0) : keep(id, !reader.InFile(id)));
    } else {
      out->ids.emplace_back();
    }
    if (++out->rows == 1024 && reader.offset() > begin) {  // estimate the rows from the bytes so far
      const size_t rows = (reader.size() - begin) / (reader.offset() - begin) * 1024 * 11 / 10;
      for (auto& r : out->raw) r.reserve(r.empty() ? 0 : rows);
      for (auto& d : out->derived) d.reserve(d.empty() ? 0 : rows);
      out->ids.reserve(rows);
    }
    if (++unreported == 1024) {
      progress.Add(unreported);
      unreported = 0;
    }
  }
  progress.Add(unreported);
  return OkStatus();
}

// Prepares attribute `a` of every row of `chunks`, in order, into its column (prepare.h): the
// column Add would build row by row.
void PrepareAttribute(internal::TableData& t, size_t a, std::span<const ChunkRows> chunks, size_t rows) {
  constexpr size_t kAhead = 8;  // rows whose hash slots are being loaded
  internal::Column& c = t.columns[a];
  const AttributeSpec& spec = t.settings.attributes[a];
  internal::ReserveColumn(c, rows, 0);
  std::string scratch;
  size_t done = 0;
  for (const ChunkRows& ch : chunks) {
    const std::vector<std::string_view>& raw = ch.raw[a];
    const uint8_t* derived = ch.derived[a].empty() ? nullptr : ch.derived[a].data();
    for (size_t r = 0; r < ch.rows; ++r) {
      if (raw.empty()) {
        internal::AppendValue(c, spec, {}, false, &scratch);
        continue;
      }
      if (r + kAhead < ch.rows) internal::PrefetchValue(c, raw[r + kAhead], derived && derived[r + kAhead]);
      internal::AppendValue(c, spec, raw[r], derived && derived[r], &scratch);
      if (++done == 1024) internal::ReserveColumn(c, rows, 1024);
    }
  }
}

// Relative cost of preparing attribute `a`, judged from the start of the first chunk: rows
// with a value, more for distinct spellings (each a hash-table miss and a preparation).
double PrepareCost(const Settings& s, size_t a, const ChunkRows& first) {
  const std::vector<std::string_view>& raw = first.raw[a];
  if (raw.empty()) return 0;
  std::unordered_set<std::string_view> distinct;
  size_t present = 0;
  const size_t n = std::min<size_t>(raw.size(), 4096);
  for (size_t r = 0; r < n; ++r) {
    if (internal::Blank(raw[r])) continue;
    ++present;
    distinct.insert(raw[r]);
  }
  return (present + 8.0 * static_cast<double>(distinct.size())) * (s.attributes[a].vietnamese ? 2 : 1);
}

// The record ids of all rows: the id column, or the row number in the file.
void AssembleIds(internal::TableData& t, std::span<const ChunkRows> chunks, size_t rows) {
  size_t bytes = 0;
  for (const ChunkRows& ch : chunks) {
    for (std::string_view id : ch.ids) bytes += id.data() ? id.size() : 8;
  }
  t.id_arena.reserve(bytes);
  t.id_offsets.reserve(rows + 1);
  char buf[24];
  for (const ChunkRows& ch : chunks) {
    for (std::string_view id : ch.ids) {
      if (id.data()) {
        t.id_arena.append(id);
      } else {
        const int n = std::snprintf(buf, sizeof buf, "%zu", t.id_offsets.size());
        t.id_arena.append(buf, static_cast<size_t>(n));
      }
      t.id_offsets.push_back(t.id_arena.size());
    }
  }
}

}  // namespace

Result<RecordTable> RecordTable::FromCsv(const Settings& settings, const std::filesystem::path& path,
                                         const ColumnMap& map, const std::function<void(size_t)>& progress,
                                         size_t threads) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, map.delimiter));
  ASSIGN_OR_RETURN(ColumnPlan plan, PlanColumns(settings, path.filename().string(), reader.header(), map));
  RowProgress row_progress(progress);
  threads = internal::Threads(threads);
  // 1. Records, a chunk of the file per task (more chunks than threads: equal bytes are not
  // equal work).
  ASSIGN_OR_RETURN(std::vector<CsvReader::Range> ranges, reader.Split(threads > 1 ? threads * 4 : 1));
  std::vector<ChunkRows> chunks(ranges.size());
  std::vector<Status> errors(ranges.size());
  internal::ParallelChunks(ranges.size(), threads, [&](size_t i) {
    CsvReader chunk = reader.Chunk(ranges[i]);
    errors[i] = ReadChunk(chunk, settings, plan, row_progress, &chunks[i]);
  });
  for (const Status& e : errors) RETURN_IF_ERROR(e);
  size_t rows = 0;
  for (const ChunkRows& ch : chunks) rows += ch.rows;

  // 2. Each attribute prepared over all rows by one worker, the dearest first; the record ids
  // by another task.
  RecordTable table(settings);
  internal::TableData& t = *table.data_;
  const size_t n_attr = settings.attributes.size();
  std::vector<std::pair<double, size_t>> tasks;  // (cost, attribute); n_attr: the ids
  for (size_t a = 0; a < n_attr; ++a)
    tasks.push_back({chunks.empty() ? 0 : PrepareCost(settings, a, chunks[0]), a});
  tasks.push_back({chunks.empty() ? 0 : std::min<double>(chunks[0].rows, 4096), n_attr});
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  internal::ParallelChunks(tasks.size(), threads, [&](size_t i) {
    const size_t a = tasks[i].second;
    if (a < n_attr) {
      PrepareAttribute(t, a, chunks, rows);
    } else {
      AssembleIds(t, chunks, rows);
    }
  });
  chunks.clear();
  // 3. Joined columns (comparisons of several attributes), from the prepared attributes.
  std::vector<size_t> joined;
  for (size_t k = 0; k < settings.comparisons.size(); ++k) {
    if (settings.comparisons[k].attributes.size() > 1) joined.push_back(k);
  }
  internal::ParallelChunks(joined.size(), threads, [&](size_t i) {
    std::string scratch;
    internal::ReserveColumn(t.columns[t.comparison_column[joined[i]]], rows, 0);
    for (uint32_t r = 0; r < rows; ++r) internal::AppendJoined(t, joined[i], r, &scratch);
  });
  // 4. Blocking keys, rows in ranges.
  const internal::KeyPartTables part_tables = internal::HashKeyParts(t, threads);
  for (auto& k : t.keys) k.resize(rows);
  constexpr size_t kKeyRows = 65536;
  internal::ParallelChunks((rows + kKeyRows - 1) / kKeyRows, threads, [&](size_t i) {
    const size_t end = std::min(rows, (i + 1) * kKeyRows);
    for (size_t rule = 0; rule < t.rules.size(); ++rule) {
      for (size_t r = i * kKeyRows; r < end; ++r)
        t.keys[rule][r] = internal::BlockKey(t, rule, static_cast<uint32_t>(r), &part_tables);
    }
  });
  return table;
}

}  // namespace ndc::link
