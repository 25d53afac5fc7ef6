// RecordTable::FromCsv: reading a CSV file, in parallel chunks when threads > 1.
// docs/design/linkage.md ("Record tables", "Reading in parallel").
#include <atomic>
#include <mutex>
#include <optional>

#include "link/internal/csv.h"
#include "link/internal/parallel.h"
#include "link/internal/table_data.h"
#include "link/internal/table_merge.h"
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

// Adds the records of `reader` to `table` (whose data is `data`). Record ids are the id column,
// else (no id column, or a short row) the row number in `table`, and the row is added to
// `numbered`.
Status ReadRows(CsvReader& reader, const ColumnPlan& plan, RecordTable& table, internal::TableData& data,
                RowProgress& progress, std::vector<uint32_t>& numbered) {
  std::vector<std::string_view> fields;
  std::vector<std::string_view> values(plan.col_of.size());
  std::string row_no;
  const size_t begin = reader.offset();
  size_t unreported = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    for (size_t a = 0; a < values.size(); ++a) {
      const int c = plan.col_of[a];
      values[a] = c >= 0 && static_cast<size_t>(c) < fields.size() ? fields[c] : std::string_view();
    }
    std::string_view id;
    if (plan.id_col >= 0 && static_cast<size_t>(plan.id_col) < fields.size()) {
      id = fields[plan.id_col];
    } else {
      numbered.push_back(static_cast<uint32_t>(table.size()));
      row_no = std::to_string(table.size() + 1);
      id = row_no;
    }
    table.Add(id, values);
    if (table.size() == 1024 && reader.offset() > begin) {  // estimate the rows from the bytes so far
      internal::ReserveRows(data, (reader.size() - begin) / (reader.offset() - begin) * 1024 * 11 / 10, 1024);
    }
    if (++unreported == 1024) {
      progress.Add(unreported);
      unreported = 0;
    }
  }
  progress.Add(unreported);
  return OkStatus();
}

// The table with the ids of rows `numbered` (by chunk) replaced by their row numbers in the
// whole file; `first_rows` are the chunks' first rows.
void Renumber(internal::TableData& t, const std::vector<std::vector<uint32_t>>& numbered,
              const std::vector<size_t>& first_rows) {
  std::vector<bool> is_numbered(t.size());
  size_t any = 0;
  for (size_t c = 0; c < numbered.size(); ++c) {
    for (uint32_t r : numbered[c]) is_numbered[first_rows[c] + r] = true, ++any;
  }
  if (!any) return;
  std::string arena;
  std::vector<uint64_t> offsets{0};
  arena.reserve(t.id_arena.size());
  offsets.reserve(t.size() + 1);
  for (uint32_t r = 0; r < t.size(); ++r) {
    if (is_numbered[r]) {
      arena += std::to_string(r + 1);
    } else {
      arena += t.id(r);
    }
    offsets.push_back(arena.size());
  }
  t.id_arena = std::move(arena);
  t.id_offsets = std::move(offsets);
}

}  // namespace

Result<RecordTable> RecordTable::FromCsv(const Settings& settings, const std::filesystem::path& path,
                                         const ColumnMap& map, const std::function<void(size_t)>& progress,
                                         size_t threads) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, map.delimiter));
  ASSIGN_OR_RETURN(ColumnPlan plan, PlanColumns(settings, path.filename().string(), reader.header(), map));
  RowProgress rows(progress);
  threads = internal::Threads(threads);
  ASSIGN_OR_RETURN(std::vector<CsvReader::Range> ranges, reader.Split(threads));
  if (ranges.size() <= 1) {
    RecordTable table(settings);
    std::vector<uint32_t> numbered;
    RETURN_IF_ERROR(ReadRows(reader, plan, table, *table.data_, rows, numbered));
    return table;
  }
  // Each chunk into a table of its own, then appended in file order (internal/table_merge.h).
  // Ids that are row numbers are known only once earlier chunks are counted: renumbered after.
  std::vector<std::optional<RecordTable>> parts(ranges.size());
  std::vector<std::vector<uint32_t>> numbered(ranges.size());
  std::vector<Status> errors(ranges.size());
  internal::ParallelChunks(ranges.size(), threads, [&](size_t i) {
    CsvReader chunk = reader.Chunk(ranges[i]);
    parts[i].emplace(settings);
    errors[i] = ReadRows(chunk, plan, *parts[i], *parts[i]->data_, rows, numbered[i]);
  });
  for (const Status& e : errors) RETURN_IF_ERROR(e);
  std::vector<size_t> first_rows;
  std::vector<internal::TableData*> rest;
  size_t n = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    first_rows.push_back(n);
    n += parts[i]->size();
    if (i) rest.push_back(parts[i]->data_.get());
  }
  RecordTable table = std::move(*parts[0]);
  internal::AppendTables(*table.data_, rest, threads);
  Renumber(*table.data_, numbered, first_rows);
  return table;
}

}  // namespace ndc::link
