#include "audit/log_storage.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

#include <fmt/format.h>

#include "audit/entry_codec.h"
#include "audit/merkle/hash.h"

namespace ndc::audit {
namespace {

using merkle::Hash;
using store::Blob;
using store::Value;

constexpr uint64_t kLeafBlock = uint64_t{1} << kMinStoredLevel;

// "INSERT INTO <table> (<cols>) VALUES ($1, ..), (..)" for `rows` rows. A few fixed row counts
// keep the number of distinct statements (and prepared statements) small.
const std::string& InsertSql(std::string_view table, std::string_view cols, int ncols, int rows) {
  static std::mutex mu;
  static std::map<std::tuple<std::string, int>, std::string> cache;
  std::lock_guard lock(mu);
  auto key = std::make_tuple(std::string(table), rows);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", table, cols);
  int p = 1;
  for (int r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (int c = 0; c < ncols; ++c) sql += fmt::format("{}${}", c ? ", " : "", p++);
    sql += ")";
  }
  return cache.emplace(key, std::move(sql)).first->second;
}

Result<Hash> HashColumn(const store::Row& row, size_t i, std::string_view what) {
  auto h = merkle::HashFromBytes(row.Bytes(i));
  if (!h.ok()) return DataLossError(fmt::format("{}: stored hash is not 32 bytes", what));
  return *h;
}

// In-place construction: moving a temporary Value into the vector trips a false
// -Wmaybe-uninitialized in GCC 12's std::variant.
void PushInt(std::vector<Value>* v, int64_t x) { v->emplace_back(std::in_place_type<int64_t>, x); }
void PushText(std::vector<Value>* v, const std::string& x) { v->emplace_back(std::in_place_type<std::string>, x); }
void PushBlob(std::vector<Value>* v, std::string x) { v->emplace_back(std::in_place_type<Blob>, Blob{std::move(x)}); }
void PushNull(std::vector<Value>* v) { v->emplace_back(); }

// "aud_" + the index as 16 hex digits + 8 hex digits of 4 random bytes: unique because the index
// is, and increasing, so the UNIQUE index on entry_id grows at its right edge like the primary key
// (random ids scattered each batch's inserts over the whole index: several times the pages
// written per commit). The random part keeps ids from being guessed from positions alone.
std::string NewEntryId(uint64_t index, const uint8_t* random4) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "aud_";
  id.resize(kEntryIdSize);
  for (int i = 0; i < 16; ++i) id[4 + i] = kHex[(index >> (60 - 4 * i)) & 15];
  for (int i = 0; i < 4; ++i) {
    id[20 + 2 * i] = kHex[random4[i] >> 4];
    id[21 + 2 * i] = kHex[random4[i] & 15];
  }
  return id;
}

Result<std::vector<StoredEntry>> EntriesFromRows(const store::ResultSet& rs) {
  std::vector<StoredEntry> out;
  out.reserve(rs.rows.size());
  for (const auto& row : rs.rows) {
    StoredEntry e;
    e.index = static_cast<uint64_t>(row.Int(0));
    e.id = row.Str(1);
    e.bytes = row.Bytes(2);
    ASSIGN_OR_RETURN(e.leaf_hash, HashColumn(row, 3, fmt::format("audit entry {}", e.index)));
    e.appended_at = row.Int(4);
    if (!row.IsNull(5)) e.person_key = row.Str(5);
    out.push_back(std::move(e));
  }
  return out;
}

// The checkpoint of a row (tree_size, checkpoint, signed_at, ...). It must name the size the row
// is stored under: that column is outside the signature, and a row whose size was raised was
// served as the latest checkpoint (until 2026-12-03; only ReadCheckpoints checked it).
Result<StoredCheckpoint> CheckpointFromRow(const store::Row& row) {
  StoredCheckpoint c;
  c.note = row.Str(1);
  c.signed_at = row.Int(2);
  size_t split = c.note.find("\n\n");
  auto body = ParseCheckpointBody(split == std::string::npos ? c.note : c.note.substr(0, split + 1));
  if (!body.ok()) {
    return DataLossError(fmt::format("stored checkpoint for tree size {} is malformed: {}", row.Int(0),
                                     body.status().message()));
  }
  c.checkpoint = *body;
  if (static_cast<int64_t>(c.checkpoint.size) != row.Int(0)) {
    return DataLossError(fmt::format("stored checkpoint for tree size {} names tree size {}", row.Int(0),
                                     c.checkpoint.size));
  }
  return c;
}

}  // namespace

// PostgreSQL: multi-row INSERTs, so a batch costs few round trips. SQLite: BulkInsert — one
// prepared statement stepped per row, with no per-statement parsing, cache lookup or parameter
// check (there is no round trip to save, and a multi-row statement's binding costs more than it
// saves).
Status InsertRows(store::Transaction* tx, std::string_view table, std::string_view cols, int ncols,
                  const std::vector<Value>& values) {
  if (tx->backend() == store::Backend::kSqlite) {
    std::vector<std::string> columns;
    for (std::string_view rest = cols; !rest.empty();) {
      const size_t comma = rest.find(", ");
      columns.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    }
    return tx->BulkInsert(table, columns, values).status();
  }
  static constexpr int kPgChunks[] = {256, 64, 16, 4, 1};
  size_t nrows = values.size() / ncols, at = 0;
  for (int chunk : kPgChunks) {
    while (nrows - at >= static_cast<size_t>(chunk)) {
      std::span<const Value> part(values.data() + at * ncols, static_cast<size_t>(chunk) * ncols);
      RETURN_IF_ERROR(tx->Exec(InsertSql(table, cols, ncols, chunk), part).status());
      at += chunk;
    }
  }
  return OkStatus();
}

Status EnsureHead(store::Executor* ex, Clock* clock) {
  Value p[] = {Blob{merkle::CompactRange().Serialize()}, clock->NowMicros()};
  return ex->Exec("INSERT INTO audit_head (id, size, frontier, updated_at) VALUES (1, 0, $1, $2) "
                  "ON CONFLICT (id) DO NOTHING",
                  p)
      .status();
}

Result<merkle::CompactRange> ReadHead(store::Executor* ex) {
  auto rs = ex->Query("SELECT size, frontier FROM audit_head WHERE id = 1");
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) return DataLossError("audit log head row is missing");
  auto range = merkle::CompactRange::Parse(rs->rows[0].Bytes(1));
  if (!range.ok() || static_cast<int64_t>(range->size()) != rs->rows[0].Int(0)) {
    return DataLossError("audit log head is malformed (frontier does not match size)");
  }
  return *range;
}

Result<std::vector<Appended>> WriteBatch(store::Database* db, std::vector<EncodedEntry>& entries, Clock* clock,
                                         RandomSource* random, const std::function<Status(store::Transaction*)>* side) {
  ASSIGN_OR_RETURN(auto tx, db->Begin());
  // The row lock orders appenders across processes (SQLite's BEGIN IMMEDIATE already did).
  ASSIGN_OR_RETURN(auto head, tx->Query("UPDATE audit_head SET size = size WHERE id = 1 RETURNING size, frontier"));
  if (head.rows.empty()) return DataLossError("audit log head row is missing");
  auto range = merkle::CompactRange::Parse(head.rows[0].Bytes(1));
  if (!range.ok() || static_cast<int64_t>(range->size()) != head.rows[0].Int(0)) {
    return DataLossError("audit log head is malformed (frontier does not match size)");
  }
  const int64_t now = clock->NowMicros();
  const size_t n = entries.size();
  // Buffers kept by the (committer) thread from batch to batch: freeing a 60 KB vector each
  // commit made glibc consolidate its free lists every time.
  thread_local std::vector<uint8_t> noise;
  thread_local std::vector<Value> rows, nodes;
  thread_local std::vector<Hash> leaves;
  noise.resize(4 * n);  // the random part of every id, drawn at once
  random->Fill(noise);
  constexpr int kColumns = 6;
  rows.clear();
  nodes.clear();
  leaves.clear();
  rows.reserve(n * kColumns);
  nodes.reserve(3 * (n / 8 + 64));  // n/8 nodes of height >= 4 on average, plus carries
  leaves.reserve(n);
  const merkle::NodeVisitor keep_node = [](merkle::NodeId id, const Hash& h) {
    if (id.level < kMinStoredLevel) return;
    PushInt(&nodes, id.level);
    PushInt(&nodes, static_cast<int64_t>(id.index));
    PushBlob(&nodes, merkle::HashBytes(h));
  };
  // The entries' bytes move into `rows` for the insert and back when this returns, so that a
  // retry of the batch (kAborted) finds them; no copy of an entry is made.
  struct GiveBack {
    std::vector<EncodedEntry>& entries;
    std::vector<Value>& rows;
    ~GiveBack() {
      for (size_t i = 0; i * kColumns + 2 < rows.size(); ++i) {
        entries[i].bytes = std::move(std::get<Blob>(rows[i * kColumns + 2]).bytes);
      }
    }
  } give_back{entries, rows};
  for (size_t i = 0; i < n; ++i) {
    EncodedEntry& e = entries[i];
    const uint64_t index = range->size();
    std::string id = NewEntryId(index, &noise[4 * i]);
    RETURN_IF_ERROR(PatchEntryPosition(&e.bytes, index, id));
    const Hash leaf = merkle::HashLeaf(e.bytes);
    range->Append(leaf, keep_node);
    leaves.push_back(leaf);
    PushInt(&rows, static_cast<int64_t>(index));
    rows.emplace_back(std::in_place_type<std::string>, std::move(id));
    PushBlob(&rows, std::move(e.bytes));
    PushBlob(&rows, merkle::HashBytes(leaf));
    PushInt(&rows, now);
    // What the person index (person_index.h) is built from: a column of the same row.
    if (e.person_key.empty()) {
      PushNull(&rows);
    } else {
      PushText(&rows, e.person_key);
    }
  }
  RETURN_IF_ERROR(InsertRows(tx.get(), "audit_entries", "idx, entry_id, entry, leaf_hash, appended_at, person_key",
                             kColumns, rows));
  RETURN_IF_ERROR(InsertRows(tx.get(), "audit_nodes", "level, idx, hash", 3, nodes));
  if (side != nullptr) RETURN_IF_ERROR((*side)(tx.get()));
  Value hp[] = {static_cast<int64_t>(range->size()), Blob{range->Serialize()}, now};
  RETURN_IF_ERROR(tx->Exec("UPDATE audit_head SET size = $1, frontier = $2, updated_at = $3 WHERE id = 1", hp).status());
  RETURN_IF_ERROR(tx->Commit());
  std::vector<Appended> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(Appended{static_cast<uint64_t>(std::get<int64_t>(rows[i * kColumns])),
                           std::move(std::get<std::string>(rows[i * kColumns + 1])), leaves[i]});
  }
  return out;
}

Result<std::vector<StoredEntry>> ReadEntries(store::Executor* ex, uint64_t begin, uint64_t end) {
  Value p[] = {static_cast<int64_t>(begin), static_cast<int64_t>(end)};
  ASSIGN_OR_RETURN(auto rs, ex->Query("SELECT idx, entry_id, entry, leaf_hash, appended_at, person_key FROM "
                                      "audit_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                                      p));
  return EntriesFromRows(rs);
}

Result<std::vector<StoredEntry>> ReadEntriesAt(store::Executor* ex, std::span<const uint64_t> indexes) {
  if (indexes.empty()) return std::vector<StoredEntry>();
  std::string sql =
      "SELECT idx, entry_id, entry, leaf_hash, appended_at, person_key FROM audit_entries WHERE idx IN (";
  std::vector<Value> p;
  p.reserve(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    sql += fmt::format("{}${}", i ? ", " : "", i + 1);
    PushInt(&p, static_cast<int64_t>(indexes[i]));
  }
  sql += ") ORDER BY idx DESC";
  ASSIGN_OR_RETURN(auto rs, ex->Query(sql, p));
  ASSIGN_OR_RETURN(auto entries, EntriesFromRows(rs));
  std::vector<uint64_t> wanted(indexes.begin(), indexes.end());
  std::sort(wanted.rbegin(), wanted.rend());
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (i >= entries.size() || entries[i].index != wanted[i]) {
      return DataLossError(fmt::format("audit entry {} is in the person index but missing from the log", wanted[i]));
    }
  }
  return entries;
}

Result<uint64_t> FindEntryIndex(store::Executor* ex, const std::string& id) {
  // The id names its index (NewEntryId): one primary-key probe, then the whole id must match.
  auto not_found = [&] { return NotFoundError("no audit entry with id '" + id + "'"); };
  if (id.size() != kEntryIdSize || id.compare(0, 4, "aud_") != 0) return not_found();
  uint64_t index = 0;
  for (size_t i = 4; i < 20; ++i) {
    const char c = id[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return not_found();
    index = index << 4 | static_cast<uint64_t>(digit);
  }
  if (index > static_cast<uint64_t>(INT64_MAX)) return not_found();
  Value p[] = {static_cast<int64_t>(index), id};
  ASSIGN_OR_RETURN(auto rs, ex->Query("SELECT idx FROM audit_entries WHERE idx = $1 AND entry_id = $2", p));
  if (rs.rows.empty()) return not_found();
  return index;
}

Result<CheckpointPage> ReadCheckpoints(store::Executor* ex, int64_t after_size, int limit) {
  Value p[] = {after_size, int64_t{limit}};
  ASSIGN_OR_RETURN(auto rs, ex->Query("SELECT tree_size, checkpoint, signed_at, root_hash FROM audit_checkpoints "
                                      "WHERE tree_size > $1 ORDER BY tree_size LIMIT $2",
                                      p));
  CheckpointPage out;
  for (const auto& row : rs.rows) {
    ASSIGN_OR_RETURN(auto c, CheckpointFromRow(row));
    out.checkpoints.push_back(std::move(c));
    out.root_hashes.push_back(row.Bytes(3));
  }
  return out;
}

Result<std::optional<StoredCheckpoint>> ReadLatestCheckpoint(store::Executor* ex) {
  ASSIGN_OR_RETURN(auto rs, ex->Query("SELECT tree_size, checkpoint, signed_at FROM audit_checkpoints "
                                      "ORDER BY tree_size DESC LIMIT 1"));
  if (rs.rows.empty()) return std::optional<StoredCheckpoint>();
  ASSIGN_OR_RETURN(auto c, CheckpointFromRow(rs.rows[0]));
  return std::optional<StoredCheckpoint>(std::move(c));
}

Result<std::optional<StoredCheckpoint>> ReadCheckpointAt(store::Executor* ex, uint64_t size) {
  Value p[] = {static_cast<int64_t>(size)};
  ASSIGN_OR_RETURN(auto rs, ex->Query("SELECT tree_size, checkpoint, signed_at FROM audit_checkpoints "
                                      "WHERE tree_size = $1",
                                      p));
  if (rs.rows.empty()) return std::optional<StoredCheckpoint>();
  ASSIGN_OR_RETURN(auto c, CheckpointFromRow(rs.rows[0]));
  return std::optional<StoredCheckpoint>(std::move(c));
}

Status InsertCheckpoint(store::Executor* ex, const StoredCheckpoint& c, const Hash& root) {
  Value p[] = {static_cast<int64_t>(c.checkpoint.size), Blob{merkle::HashBytes(root)}, c.note, c.signed_at};
  return ex->Exec("INSERT INTO audit_checkpoints (tree_size, root_hash, checkpoint, signed_at) "
                  "VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING",
                  p)
      .status();
}

Result<const std::vector<Hash>*> StoredNodeReader::LeafBlock(uint64_t block) {
  if (auto it = blocks_.find(block); it == blocks_.end()) RETURN_IF_ERROR(PrefetchLeafBlocks({block}));
  return &blocks_.at(block);
}

Status StoredNodeReader::PrefetchLeafBlocks(std::vector<uint64_t> blocks) {
  std::sort(blocks.begin(), blocks.end());
  blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
  std::erase_if(blocks, [this](uint64_t b) { return blocks_.contains(b); });
  constexpr size_t kPerStatement = 256;
  for (size_t start = 0; start < blocks.size(); start += kPerStatement) {
    const size_t end = std::min(blocks.size(), start + kPerStatement);
    ++reads_;
    // A join with a VALUES list of ranges: one primary-key range scan per block, in one statement.
    std::string sql = "SELECT e.idx, e.leaf_hash FROM audit_entries e JOIN (VALUES ";
    std::vector<Value> params;
    params.reserve(2 * (end - start));
    for (size_t i = start; i < end; ++i) {
      const size_t k = i - start;
      sql += fmt::format("{}(CAST(${} AS BIGINT), CAST(${} AS BIGINT))", k ? ", " : "", 2 * k + 1, 2 * k + 2);
      PushInt(&params, static_cast<int64_t>(blocks[i] * kLeafBlock));
      PushInt(&params, static_cast<int64_t>((blocks[i] + 1) * kLeafBlock));
    }
    sql += ") AS b ON e.idx >= b.column1 AND e.idx < b.column2 ORDER BY e.idx";
    ASSIGN_OR_RETURN(auto rs, ex_->Query(sql, params));
    std::map<uint64_t, std::vector<Hash>> got;
    for (size_t i = start; i < end; ++i) got[blocks[i]];
    for (const auto& row : rs.rows) {
      const uint64_t idx = static_cast<uint64_t>(row.Int(0));
      std::vector<Hash>& hashes = got[idx / kLeafBlock];
      // Only the contiguous prefix from the block's start is usable; a gap ends it.
      if (idx != (idx / kLeafBlock) * kLeafBlock + hashes.size()) continue;
      ASSIGN_OR_RETURN(Hash h, HashColumn(row, 1, fmt::format("audit entry {}", idx)));
      hashes.push_back(h);
    }
    for (auto& [block, hashes] : got) blocks_.emplace(block, std::move(hashes));
  }
  return OkStatus();
}

Status StoredNodeReader::Prefetch(std::span<const merkle::NodeId> ids) {
  std::vector<merkle::NodeId> wanted;
  std::vector<uint64_t> blocks;
  for (const auto& id : ids) {
    if (id.level < kMinStoredLevel) {
      blocks.push_back((id.index << id.level) / kLeafBlock);
    } else if (!nodes_.contains(id)) {
      wanted.push_back(id);
    }
  }
  RETURN_IF_ERROR(PrefetchLeafBlocks(std::move(blocks)));
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (wanted.empty()) return OkStatus();
  ++reads_;
  // A join with a VALUES list: one primary-key probe per wanted node, in one statement.
  std::string sql = "SELECT n.level, n.idx, n.hash FROM audit_nodes n JOIN (VALUES ";
  std::vector<Value> params;
  params.reserve(wanted.size() * 2);
  for (size_t i = 0; i < wanted.size(); ++i) {
    sql += fmt::format("{}(CAST(${} AS INTEGER), CAST(${} AS BIGINT))", i ? ", " : "", 2 * i + 1, 2 * i + 2);
    PushInt(&params, wanted[i].level);
    PushInt(&params, static_cast<int64_t>(wanted[i].index));
  }
  sql += ") AS w ON n.level = w.column1 AND n.idx = w.column2";
  ASSIGN_OR_RETURN(auto rs, ex_->Query(sql, params));
  for (const auto& row : rs.rows) {
    merkle::NodeId id{static_cast<int>(row.Int(0)), static_cast<uint64_t>(row.Int(1))};
    ASSIGN_OR_RETURN(Hash h, HashColumn(row, 2, fmt::format("tree node (level {}, index {})", id.level, id.index)));
    nodes_.emplace(id, h);
  }
  return OkStatus();
}

Result<Hash> StoredNodeReader::Read(merkle::NodeId id) {
  if (id.level < kMinStoredLevel) {
    uint64_t first = id.index << id.level, count = uint64_t{1} << id.level;
    ASSIGN_OR_RETURN(const std::vector<Hash>* block, LeafBlock(first / kLeafBlock));
    uint64_t offset = first % kLeafBlock;
    if (offset + count > block->size()) {
      return DataLossError(fmt::format("audit entries {}..{} are missing from the store", first, first + count - 1));
    }
    // Fold the leaves up to the requested level.
    std::vector<Hash> level(block->begin() + offset, block->begin() + offset + count);
    while (level.size() > 1) {
      for (size_t i = 0; i < level.size() / 2; ++i) level[i] = merkle::HashChildren(level[2 * i], level[2 * i + 1]);
      level.resize(level.size() / 2);
    }
    return level[0];
  }
  if (auto it = nodes_.find(id); it != nodes_.end()) return it->second;
  ++reads_;
  Value p[] = {int64_t{id.level}, static_cast<int64_t>(id.index)};
  ASSIGN_OR_RETURN(auto rs, ex_->Query("SELECT hash FROM audit_nodes WHERE level = $1 AND idx = $2", p));
  if (rs.rows.empty()) {
    return DataLossError(fmt::format("stored tree node (level {}, index {}) is missing", id.level, id.index));
  }
  return HashColumn(rs.rows[0], 0, fmt::format("tree node (level {}, index {})", id.level, id.index));
}

}  // namespace ndc::audit
