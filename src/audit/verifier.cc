#include "audit/verifier.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "audit/checkpoint.h"
#include "audit/entry_codec.h"
#include "audit/log_storage.h"
#include "audit/merkle/compact_range.h"
#include "audit/person_block.h"
#include "common/crypto.h"

namespace ndc::audit {
namespace {

using merkle::Hash;
using merkle::NodeId;

constexpr uint64_t kPage = 4096;

// The stored checkpoints of tree size <= max_size in ascending size, read a page (1,000) at a time:
// one is signed a minute, millions over a log's years.
class CheckpointCursor {
 public:
  CheckpointCursor(store::Executor* ex, int64_t max_size) : ex_(ex), max_size_(max_size) {}

  // The current checkpoint, or null after the last.
  Result<const StoredCheckpoint*> Peek() {
    if (next_ == page_.checkpoints.size() && !done_) {
      ASSIGN_OR_RETURN(page_, ReadCheckpoints(ex_, after_, kCheckpointPage));
      next_ = 0;
      done_ = page_.checkpoints.size() < static_cast<size_t>(kCheckpointPage);
      if (!page_.checkpoints.empty()) after_ = static_cast<int64_t>(page_.checkpoints.back().checkpoint.size);
      while (!page_.checkpoints.empty() && static_cast<int64_t>(page_.checkpoints.back().checkpoint.size) > max_size_) {
        page_.checkpoints.pop_back();
        page_.root_hashes.pop_back();
        done_ = true;
      }
    }
    return next_ < page_.checkpoints.size() ? &page_.checkpoints[next_] : nullptr;
  }
  // The stored root_hash column of the current checkpoint (after a Peek that found one).
  const std::string& root_hash() const { return page_.root_hashes[next_]; }
  void Advance() { ++next_; }

 private:
  static constexpr int kCheckpointPage = 1000;
  store::Executor* ex_;
  const int64_t max_size_;
  CheckpointPage page_;
  size_t next_ = 0;
  int64_t after_ = -1;
  bool done_ = false;
};

// Stored nodes completed by leaves [begin, end): for level l, node k completes at leaf
// (k + 1) * 2^l - 1, so k runs from ceil((begin + 1) / 2^l) - 1 to end / 2^l - 1.
Result<std::map<NodeId, Hash>> StoredNodesFor(store::Executor* ex, uint64_t begin, uint64_t end) {
  std::map<NodeId, Hash> out;
  for (int level = kMinStoredLevel; level < 64 && (uint64_t{1} << level) <= end; ++level) {
    uint64_t width = uint64_t{1} << level;
    uint64_t first = (begin + 1 + width - 1) / width - 1, last_plus_one = end / width;
    if (first >= last_plus_one) continue;
    store::Value p[] = {int64_t{level}, static_cast<int64_t>(first), static_cast<int64_t>(last_plus_one)};
    ASSIGN_OR_RETURN(auto rs, ex->Query("SELECT idx, hash FROM audit_nodes WHERE level = $1 AND idx >= $2 AND idx < $3",
                                        p));
    for (const auto& row : rs.rows) {
      auto h = merkle::HashFromBytes(row.Bytes(1));
      if (!h.ok()) {
        return DataLossError(fmt::format("stored tree node (level {}, index {}) is not 32 bytes; first bad index {}",
                                         level, row.Int(0), static_cast<uint64_t>(row.Int(0)) * width));
      }
      out[NodeId{level, static_cast<uint64_t>(row.Int(0))}] = *h;
    }
  }
  return out;
}

// Every node the entries imply was found while reading them, so a stored node beyond the log is
// a row outside them: below the stored levels, past level 63, or at a level's either end past
// the tree's nodes there. Index probes at both ends of each level (at most ~120 point reads), not
// a count of the table: a national log's tens of millions of node rows would take a count past
// the statement timeout.
// Nodes and entries stored beyond the log (its head read last).
Result<VerifyReport> CheckNoExtraNodes(store::Executor* ex, const VerifyReport& report) {
  auto extra = [&](int64_t level, int64_t index, uint64_t entries) {
    return DataLossError(fmt::format("tree node (level {}, index {}) is stored but the tree of {} entries has no such "
                                     "node: nodes beyond the log were added",
                                     level, index, entries));
  };
  using store::Value;
  // Rows below the stored levels or above the highest possible one: one range read each.
  ASSIGN_OR_RETURN(auto outside, ex->Query("SELECT level, idx FROM audit_nodes WHERE level < $1 LIMIT 1",
                                           std::vector<Value>{int64_t{kMinStoredLevel}}));
  if (outside.rows.empty()) {
    ASSIGN_OR_RETURN(outside, ex->Query("SELECT level, idx FROM audit_nodes WHERE level > $1 LIMIT 1",
                                        std::vector<Value>{int64_t{63}}));
  }
  if (!outside.rows.empty()) return extra(outside.rows[0].Int(0), outside.rows[0].Int(1), report.entries);
  // The highest stored node of each level, then the head: a node and the head that covers it are
  // written in one transaction, so the head read after the nodes covers every node an append
  // made meanwhile (a live hub appends while this runs); what lies beyond it was added.
  std::vector<std::pair<int64_t, int64_t>> highest;
  for (int64_t level = kMinStoredLevel; level <= 63; ++level) {
    ASSIGN_OR_RETURN(auto below, ex->Query("SELECT idx FROM audit_nodes WHERE level = $1 AND idx < 0 LIMIT 1",
                                           std::vector<Value>{level}));
    if (!below.rows.empty()) return extra(level, below.rows[0].Int(0), report.entries);
    ASSIGN_OR_RETURN(auto top, ex->Query("SELECT MAX(idx) FROM audit_nodes WHERE level = $1", std::vector<Value>{level}));
    if (!top.rows.empty() && !top.rows[0].IsNull(0)) highest.emplace_back(level, top.rows[0].Int(0));
  }
  ASSIGN_OR_RETURN(auto last_entry, ex->Query("SELECT MAX(idx) FROM audit_entries", {}));
  ASSIGN_OR_RETURN(merkle::CompactRange head, ReadHead(ex));
  if (!last_entry.rows.empty() && !last_entry.rows[0].IsNull(0) &&
      static_cast<uint64_t>(last_entry.rows[0].Int(0)) >= head.size()) {
    return DataLossError(fmt::format("audit entry {} is stored but the log head records {} entries: entries beyond "
                                     "the log were added; first bad index {}",
                                     last_entry.rows[0].Int(0), head.size(), head.size()));
  }
  for (const auto& [level, index] : highest) {
    if (static_cast<uint64_t>(index) >= (head.size() >> level)) return extra(level, index, head.size());
  }
  return report;
}

// The person index (person_index.h) lies outside the tree: citizens' access histories are read
// from its live runs, so each is checked against the entries it covers — their (person, index)
// postings summed as a multiset hash (four 64-bit lanes of SHA-256 over a key and the posting's
// sort key, added mod 2^64: order-free, so a run sorted by person compares with entries read by
// index, in O(1) memory per run). The key is drawn anew for each verification: unkeyed, an
// additive hash yields to a generalized-birthday search for postings that sum to a dropped one.
struct PostingSum {
  std::array<uint64_t, 4> lanes{};
  void Add(std::string_view key, std::string_view person_key, uint64_t index) {
    uint8_t digest[32];
    Sha256Of({key, PersonSortKey(person_key, index)}, digest);
    for (size_t l = 0; l < lanes.size(); ++l) {
      uint64_t v = 0;
      std::memcpy(&v, digest + 8 * l, sizeof v);
      lanes[l] += v;
    }
  }
  PostingSum& operator+=(const PostingSum& o) {
    for (size_t l = 0; l < lanes.size(); ++l) lanes[l] += o.lanes[l];
    return *this;
  }
  friend bool operator==(const PostingSum&, const PostingSum&) = default;
};

struct LiveRun {
  int64_t run = 0;
  uint64_t first = 0, end = 0;
};

// The live runs in log order; kDataLoss unless they tile a prefix of the log from 0.
Result<std::vector<LiveRun>> ReadLiveRuns(store::Executor* ex, uint64_t log_size) {
  ASSIGN_OR_RETURN(store::ResultSet rs, ex->Query("SELECT run, first_idx, end_idx FROM audit_person_runs "
                                                  "WHERE state = 'live' ORDER BY first_idx",
                                                  {}));
  std::vector<LiveRun> runs;
  uint64_t next = 0;
  for (const auto& row : rs.rows) {
    LiveRun r{row.Int(0), static_cast<uint64_t>(row.Int(1)), static_cast<uint64_t>(row.Int(2))};
    if (row.Int(1) < 0 || r.first != next || r.end <= r.first || r.end > log_size) {
      const uint64_t bad = std::min(next, r.first);
      return DataLossError(fmt::format("the person index's live run {} covers entries {}..{}, but live runs must tile "
                                       "the log from 0 without gaps or overlaps within its {} entries (the next "
                                       "expected start was {}): citizens' histories read from it would miss or "
                                       "repeat accesses; first bad index {}",
                                       r.run, row.Int(1), row.Int(2), log_size, next, bad));
    }
    next = r.end;
    runs.push_back(r);
  }
  return runs;
}

// The postings of a live run, summed; kDataLoss for a posting outside the run's range, out of
// order, or a block keyed other than by its first posting. nullopt: the run stopped being live
// while it was read (merged away by the indexer on a live hub).
Result<std::optional<PostingSum>> SumRun(store::Executor* ex, const LiveRun& r, std::string_view hash_key) {
  PostingSum sum;
  std::string after;  // the last block's first_key read
  std::string last_key;
  bool first_block = true;
  for (;;) {
    ASSIGN_OR_RETURN(store::ResultSet rs,
                     ex->Query("SELECT first_key, data FROM audit_person_blocks WHERE run = $1 AND first_key > $2 "
                               "ORDER BY first_key LIMIT 256",
                               std::vector<store::Value>{r.run, store::Blob{after}}));
    for (const auto& row : rs.rows) {
      const std::string first_key = row.Bytes(0);
      auto bad = [&](std::string_view what) {
        return DataLossError(fmt::format("the person index's run {} (entries {}..{}) {}: citizens' histories read "
                                         "from it would be wrong; first bad index {}",
                                         r.run, r.first, r.end - 1, what, r.first));
      };
      auto postings = DecodePersonBlock(row.Bytes(1));
      if (!postings.ok()) return bad("holds a block that does not decode");
      if (postings->empty() || PersonSortKey(postings->front().person_key, postings->front().index) != first_key) {
        return bad("holds a block not keyed by its first posting");
      }
      for (const PersonPosting& p : *postings) {
        if (p.index < r.first || p.index >= r.end) return bad(fmt::format("lists entry {}, outside it", p.index));
        std::string key = PersonSortKey(p.person_key, p.index);
        if (!first_block && key <= last_key) return bad("lists its postings out of order");
        first_block = false;
        last_key = std::move(key);
        sum.Add(hash_key, p.person_key, p.index);
      }
      after = first_key;
    }
    if (rs.rows.size() < 256) break;
  }
  ASSIGN_OR_RETURN(store::ResultSet state, ex->Query("SELECT state FROM audit_person_runs WHERE run = $1",
                                                     std::vector<store::Value>{r.run}));
  if (state.rows.empty() || state.rows[0].Str(0) != "live") return std::optional<PostingSum>();
  return std::optional<PostingSum>(sum);
}

// Each live run of the index over the entries read (`runs` as read before them, with the sums of
// their entries' postings) holds exactly those postings. A live hub's indexer merges runs while
// this runs: a run merged away during its read is skipped, and the live runs are listed again
// (at most three rounds) to check what replaced it; a merged run covers whole runs read before.
Status CheckPersonIndex(store::Executor* ex, const std::vector<LiveRun>& runs, const std::vector<PostingSum>& sums,
                        std::string_view key, uint64_t log_size, VerifyReport* report) {
  if (runs.empty()) return OkStatus();
  const uint64_t indexed = runs.back().end;
  // The indexer builds runs only over entries already in the log.
  if (indexed > log_size) {
    return DataLossError(fmt::format("the person index's run {} covers entries up to {}, beyond the {} the log holds: "
                                     "entries were removed, or the run was forged; first bad index {}",
                                     runs.back().run, indexed - 1, log_size, log_size));
  }
  report->person_entries_indexed = indexed;
  std::set<int64_t> checked;
  for (int round = 0; round < 3; ++round) {
    ASSIGN_OR_RETURN(std::vector<LiveRun> now, ReadLiveRuns(ex, UINT64_MAX));
    bool changed = false;
    for (const LiveRun& r : now) {
      if (r.end > indexed || checked.contains(r.run)) continue;  // built after the entries were read
      PostingSum expected;
      uint64_t covered = r.first;
      for (size_t k = 0; k < runs.size(); ++k) {
        if (runs[k].first < r.first || runs[k].end > r.end) continue;
        if (runs[k].first != covered) break;
        expected += sums[k];
        covered = runs[k].end;
      }
      if (covered != r.end) {
        return DataLossError(fmt::format("the person index's run {} covers entries {}..{}, which do not line up with "
                                         "the runs it could have been merged from; first bad index {}",
                                         r.run, r.first, r.end - 1, r.first));
      }
      ASSIGN_OR_RETURN(std::optional<PostingSum> held, SumRun(ex, r, key));
      if (!held) {
        changed = true;
        continue;
      }
      if (*held != expected) {
        return DataLossError(fmt::format("the person index's run {} (entries {}..{}) does not list exactly the "
                                         "entries of that range that are about a person: citizens' access histories "
                                         "read from it would miss or show accesses; first bad index {}",
                                         r.run, r.first, r.end - 1, r.first));
      }
      checked.insert(r.run);
      ++report->person_runs;
      report->person_entries_checked += r.end - r.first;
    }
    if (!changed) break;
  }
  return OkStatus();
}

}  // namespace

Result<VerifyReport> VerifyLog(store::Executor* ex, const std::string& public_key,
                               const std::optional<std::string>& origin, const std::vector<std::string>& trusted,
                               const VerifyProgress& progress) {
  VerifyReport report;
  // The auditor's checkpoints, smallest first.
  std::vector<Checkpoint> held;
  for (size_t i = 0; i < trusted.size(); ++i) {
    auto opened = OpenCheckpoint(trusted[i], public_key);
    if (!opened.ok()) {
      return InvalidArgumentError(fmt::format("trusted checkpoint {} does not verify with the log's public key: {}",
                                              i + 1, opened.status().message()));
    }
    if (origin && opened->origin != *origin) {
      return InvalidArgumentError(fmt::format("trusted checkpoint {} is for log '{}', not '{}'", i + 1,
                                              opened->origin, *origin));
    }
    held.push_back(*std::move(opened));
  }
  std::sort(held.begin(), held.end(), [](const Checkpoint& a, const Checkpoint& b) { return a.size < b.size; });
  size_t next_held = 0;
  std::set<uint64_t> stored_held;  // sizes of held checkpoints found among the stored ones
  // First every checkpoint's signature and root column, so that a forged checkpoint is named
  // before any entry is read.
  // The largest checked: a checkpoint signed while this runs (a live hub signs one a minute) was
  // not checked, and its tree may reach past the entries read below; it is left for the next run.
  int64_t last_checked = -1;
  for (CheckpointCursor signed_ones(ex, INT64_MAX);; signed_ones.Advance()) {
    ASSIGN_OR_RETURN(const StoredCheckpoint* c, signed_ones.Peek());
    if (c == nullptr) break;
    auto opened = OpenCheckpoint(c->note, public_key);
    if (!opened.ok()) {
      return DataLossError(fmt::format("checkpoint for tree size {} was forged or altered: {}", c->checkpoint.size,
                                       opened.status().message()));
    }
    if (origin && opened->origin != *origin) {
      return DataLossError(fmt::format("checkpoint for tree size {} is for log '{}', not '{}'", c->checkpoint.size,
                                       opened->origin, *origin));
    }
    // The root column must repeat the signed root (it is what queries see).
    if (signed_ones.root_hash() != merkle::HashBytes(c->checkpoint.root)) {
      return DataLossError(fmt::format("checkpoint for tree size {}: stored root_hash differs from the signed root",
                                       c->checkpoint.size));
    }
    last_checked = static_cast<int64_t>(c->checkpoint.size);
    report.latest_note = c->note;
    for (const Checkpoint& h : held) {
      if (h.size == c->checkpoint.size && h.root == c->checkpoint.root) stored_held.insert(h.size);
    }
  }
  // The hub keeps every checkpoint it signs: one the auditor holds that is no longer stored was
  // deleted (a first step to rolling the log back unseen; `--save` must then not move backwards).
  for (const Checkpoint& h : held) {
    if (!stored_held.contains(h.size)) {
      return DataLossError(fmt::format("the checkpoint you hold for tree size {} is no longer stored: the hub's "
                                       "checkpoints were deleted or replaced (the log may have been rolled back)",
                                       h.size));
    }
  }
  // Then, while the entries are read, the next checkpoint due, of those checked.
  CheckpointCursor due_ones(ex, last_checked);

  merkle::CompactRange tree;
  uint64_t last_good_cp = 0;
  auto check_checkpoints = [&]() -> Status {
    for (; next_held < held.size() && held[next_held].size == tree.size(); ++next_held) {
      if (held[next_held].root != tree.Root()) {
        return DataLossError(fmt::format(
            "the log does not extend the checkpoint you hold for tree size {}: its first {} entries were rewritten "
            "(the log was rolled back and grown again); first bad index {}",
            tree.size(), tree.size(), last_good_cp));
      }
      ++report.trusted;
    }
    for (;;) {
      ASSIGN_OR_RETURN(const StoredCheckpoint* due, due_ones.Peek());
      if (due == nullptr || due->checkpoint.size != tree.size()) break;
      // Read again, so opened again: a note swapped since the first pass checked it must not
      // lend this pass an unsigned root (review of 2026-11-30).
      auto opened = OpenCheckpoint(due->note, public_key);
      if (!opened.ok() || opened->size != tree.size() || (origin && opened->origin != *origin)) {
        return DataLossError(fmt::format("checkpoint for tree size {} was forged or altered while the log was read: {}",
                                         tree.size(),
                                         opened.ok() ? "another tree size or log" : opened.status().message()));
      }
      if (opened->root != tree.Root()) {
        return DataLossError(fmt::format(
            "the entries do not match the signed checkpoint for tree size {} (its root differs); the stored log was "
            "rewritten at or after index {} (the last matching checkpoint covers {} entries); first bad index {}",
            tree.size(), last_good_cp, last_good_cp, last_good_cp));
      }
      last_good_cp = tree.size();
      due_ones.Advance();
      ++report.checkpoints;
    }
    return OkStatus();
  };
  RETURN_IF_ERROR(check_checkpoints());

  // The person index's live runs, read before the head: the indexer builds runs only over
  // entries already in the log, so none of these may reach past it.
  ASSIGN_OR_RETURN(std::vector<LiveRun> runs, ReadLiveRuns(ex, UINT64_MAX));
  std::vector<PostingSum> run_sums(runs.size());  // the entries' postings, per run read here
  size_t run_at = 0;
  std::string sum_key(32, '\0');
  SystemRandom()->Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(sum_key.data()), sum_key.size()));
  // The entries the head records now; a live hub appends while this runs, and what it appends
  // after this read is left for the next run (before 2026-11-30 the head was read after the
  // entries, and an append in between was reported as tampering).
  ASSIGN_OR_RETURN(merkle::CompactRange head, ReadHead(ex));
  while (tree.size() < head.size()) {
    uint64_t begin = tree.size();
    ASSIGN_OR_RETURN(auto page, ReadEntries(ex, begin, std::min<uint64_t>(begin + kPage, head.size())));
    if (page.empty()) break;
    ASSIGN_OR_RETURN(auto stored_nodes, StoredNodesFor(ex, begin, begin + page.size()));
    for (const StoredEntry& row : page) {
      uint64_t i = tree.size();
      if (row.index != i) {
        return DataLossError(fmt::format("audit entry {} is missing (the next stored entry is {}); first bad index {}",
                                         i, row.index, i));
      }
      auto entry = DecodeEntry(row.bytes);
      if (!entry.ok()) {
        return DataLossError(fmt::format("audit entry {} does not decode ({}); first bad index {}", i,
                                         entry.status().message(), i));
      }
      if (entry->index != i) {
        // A row claiming an earlier index was shifted up by an inserted row at that index.
        return DataLossError(fmt::format("audit entry at index {} records index {} (rows were reordered, inserted or "
                                         "removed); first bad index {}",
                                         i, entry->index, std::min(i, entry->index)));
      }
      if (entry->id != row.id) {
        return DataLossError(fmt::format("audit entry {}: stored id '{}' differs from the id in the entry '{}'; first "
                                         "bad index {}",
                                         i, row.id, entry->id, i));
      }
      if (row.person_key != entry->subject.person_key) {
        // The person index reads this column: a changed one hides the entry from (or adds it to)
        // a person's access history without touching the tree.
        return DataLossError(fmt::format("audit entry {}: its person_key column says '{}' but the entry is about '{}' "
                                         "(the person index's input was altered); first bad index {}",
                                         i, row.person_key, entry->subject.person_key, i));
      }
      if (!entry->subject.person_key.empty()) {
        while (run_at < runs.size() && i >= runs[run_at].end) ++run_at;
        if (run_at < runs.size()) run_sums[run_at].Add(sum_key, entry->subject.person_key, i);
      }
      Hash leaf = merkle::HashLeaf(row.bytes);
      if (leaf != row.leaf_hash) {
        return DataLossError(fmt::format("audit entry {} was changed: its stored leaf hash does not match its bytes; "
                                         "first bad index {}",
                                         i, i));
      }
      Status node_status;
      tree.Append(leaf, [&](NodeId id, const Hash& h) {
        if (id.level < kMinStoredLevel || !node_status.ok()) return;
        ++report.nodes;
        auto it = stored_nodes.find(id);
        uint64_t first = id.index << id.level;
        if (it == stored_nodes.end() || it->second != h) {
          node_status = DataLossError(fmt::format(
              "stored tree node (level {}, index {}) over entries {}..{} is {}; first bad index {}", id.level,
              id.index, first, first + (uint64_t{1} << id.level) - 1,
              it == stored_nodes.end() ? "missing" : "wrong", first));
        }
      });
      RETURN_IF_ERROR(node_status);
      RETURN_IF_ERROR(check_checkpoints());
    }
    if (progress) progress(tree.size(), head.size());
  }

  report.entries = tree.size();
  report.root = tree.Root();
  if (next_held < held.size()) {
    return DataLossError(fmt::format("the log holds {} entries but you hold a checkpoint it signed for {}: it was "
                                     "rolled back (truncated); first bad index {}",
                                     tree.size(), held.back().size, tree.size()));
  }
  ASSIGN_OR_RETURN(const StoredCheckpoint* beyond, due_ones.Peek());
  if (beyond != nullptr) {
    return DataLossError(fmt::format("the log was truncated: a checkpoint covers {} entries but only {} are stored; "
                                     "first bad index {}",
                                     beyond->checkpoint.size, tree.size(), tree.size()));
  }
  if (head.size() != tree.size()) {
    return DataLossError(fmt::format("the log head records {} entries but {} are stored; first bad index {}",
                                     head.size(), tree.size(), std::min(head.size(), tree.size())));
  }
  if (head.Root() != tree.Root()) {
    return DataLossError(fmt::format("the log head's frontier does not match the stored entries; first bad index {}",
                                     tree.size() == 0 ? 0 : tree.size() - 1));
  }
  // Last: the log is whole by now, so an index problem is the index's, not a truncated log's.
  RETURN_IF_ERROR(CheckPersonIndex(ex, runs, run_sums, sum_key, tree.size(), &report));
  return CheckNoExtraNodes(ex, report);
}

}  // namespace ndc::audit
