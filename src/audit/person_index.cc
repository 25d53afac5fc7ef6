#include "audit/person_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "audit/person_block.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace ndc::audit {
namespace {

using store::Blob;
using store::Value;

constexpr int kHistoryAttempts = 8;
constexpr int kSourceFetchBlocks = 32;
constexpr uint64_t kMaxLevelZeroPerStep = 16;

bool Collided(const Status& s) {
  return s.code() == StatusCode::kAlreadyExists || s.code() == StatusCode::kAborted;
}

// Collects postings into blocks of about `target` encoded bytes: (first_key, data) pairs.
class BlockWriter {
 public:
  explicit BlockWriter(size_t target) : target_(target) {}

  Status Add(PersonPosting p) {
    pending_bytes_ += p.person_key.size() + 6;
    pending_.push_back(std::move(p));
    return pending_bytes_ >= target_ ? Flush() : OkStatus();
  }
  Status Flush() {
    if (pending_.empty()) return OkStatus();
    ASSIGN_OR_RETURN(std::string data, EncodePersonBlock(pending_));
    blocks_.emplace_back(PersonSortKey(pending_.front().person_key, pending_.front().index), std::move(data));
    pending_.clear();
    pending_bytes_ = 0;
    return OkStatus();
  }
  int blocks() const { return static_cast<int>(blocks_.size()); }
  // The blocks as rows (run, first_key, data) of audit_person_blocks.
  std::vector<Value> Rows(int64_t run) const {
    std::vector<Value> rows;
    rows.reserve(3 * blocks_.size());
    for (const auto& [key, data] : blocks_) {
      rows.emplace_back(std::in_place_type<int64_t>, run);
      rows.emplace_back(std::in_place_type<Blob>, Blob{key});
      rows.emplace_back(std::in_place_type<Blob>, Blob{data});
    }
    return rows;
  }

 private:
  const size_t target_;
  std::vector<PersonPosting> pending_;
  size_t pending_bytes_ = 0;
  std::vector<std::pair<std::string, std::string>> blocks_;
};

// One source run of a merge, read in key order a few blocks at a time, from just after `after`.
class SourceCursor {
 public:
  SourceCursor(store::Database* db, int64_t run) : db_(db), run_(run) {}

  // Positions the cursor at the first posting > `after` (nullopt: at the run's start).
  Status Seek(const std::optional<PersonPosting>& after) {
    std::string from;  // the empty key sorts first
    if (after) {
      Value p[] = {run_, Blob{PersonSortKey(after->person_key, after->index)}};
      ASSIGN_OR_RETURN(
          auto rs, db_->Query("SELECT first_key FROM audit_person_blocks WHERE run = $1 AND first_key <= $2 "
                              "ORDER BY first_key DESC LIMIT 1",
                              p));
      if (!rs.rows.empty()) from = rs.rows[0].Bytes(0);
    }
    RETURN_IF_ERROR(Fetch(from, /*inclusive=*/true));
    while (!Done() && after && !(*after < Peek())) RETURN_IF_ERROR(Advance());
    return OkStatus();
  }
  bool Done() const { return pos_ >= postings_.size(); }
  const PersonPosting& Peek() const { return postings_[pos_]; }
  Status Advance() {
    if (++pos_ < postings_.size() || exhausted_) return OkStatus();
    return Fetch(last_key_, /*inclusive=*/false);
  }
  PersonPosting Take() { return std::move(postings_[pos_]); }

 private:
  Status Fetch(const std::string& from, bool inclusive) {
    Value p[] = {run_, Blob{from}, int64_t{kSourceFetchBlocks}};
    ASSIGN_OR_RETURN(
        auto rs, db_->Query(inclusive ? "SELECT first_key, data FROM audit_person_blocks WHERE run = $1 AND "
                                        "first_key >= $2 ORDER BY first_key LIMIT $3"
                                      : "SELECT first_key, data FROM audit_person_blocks WHERE run = $1 AND "
                                        "first_key > $2 ORDER BY first_key LIMIT $3",
                            p));
    exhausted_ = rs.rows.size() < kSourceFetchBlocks;
    postings_.clear();
    pos_ = 0;
    for (const auto& row : rs.rows) {
      ASSIGN_OR_RETURN(auto block, DecodePersonBlock(row.Bytes(1)));
      std::move(block.begin(), block.end(), std::back_inserter(postings_));
      last_key_ = row.Bytes(0);
    }
    return OkStatus();
  }

  store::Database* db_;
  const int64_t run_;
  std::vector<PersonPosting> postings_;
  size_t pos_ = 0;
  std::string last_key_;
  bool exhausted_ = false;
};

std::string OwnerName(RandomSource* random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string bytes = random->Bytes(8), out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace

PersonIndex::PersonIndex(store::Database* db, Clock* clock, RandomSource* random, PersonIndexOptions options,
                         Writer writer)
    : db_(db), clock_(clock), options_(options), owner_(OwnerName(random)), writer_(std::move(writer)) {
  if (options_.background) thread_ = std::thread([this] { Loop(); });
}

PersonIndex::~PersonIndex() { StopBackground(); }

void PersonIndex::StopBackground() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PersonIndex::Notify() {
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void PersonIndex::Loop() {
  SetThreadName("ndc-audit-index");
  std::unique_lock lock(wake_mu_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    auto did = Step();
    lock.lock();
    if (did.ok() && *did) continue;
    if (!did.ok()) {
      log::Warn("audit.person_index.step_failed", {{"error", did.status().ToString()}});
    }
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || woken_; });
  }
}

Result<std::vector<PersonIndex::Run>> PersonIndex::ReadRuns() {
  ASSIGN_OR_RETURN(auto rs, db_->Query("SELECT run, level, first_idx, end_idx, state, owner, claimed_at "
                                       "FROM audit_person_runs ORDER BY first_idx, level"));
  std::vector<Run> runs;
  runs.reserve(rs.rows.size());
  for (const auto& row : rs.rows) {
    runs.push_back(Run{row.Int(0), static_cast<int>(row.Int(1)), static_cast<uint64_t>(row.Int(2)),
                       static_cast<uint64_t>(row.Int(3)), row.Str(4), row.Str(5), row.Int(6)});
  }
  return runs;
}

Result<uint64_t> PersonIndex::IndexedEnd() {
  ASSIGN_OR_RETURN(auto row, db_->QueryOne("SELECT COALESCE(MAX(end_idx), 0) FROM audit_person_runs "
                                           "WHERE state = 'live'"));
  return static_cast<uint64_t>(row.Int(0));
}

Status PersonIndex::Write(const WriteFn& write) {
  if (writer_) return writer_(write);
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  RETURN_IF_ERROR(write(tx.get()));
  return tx->Commit();
}

Result<int64_t> PersonIndex::NextRunId(store::Transaction* tx) {
  ASSIGN_OR_RETURN(auto rs, tx->Query("UPDATE audit_person_next_run SET next_run = next_run + 1 WHERE id = 1 "
                                      "RETURNING next_run"));
  if (rs.rows.empty()) return DataLossError("audit_person_next_run has no row (migration 0010 not applied?)");
  return rs.rows[0].Int(0) - 1;
}

Result<bool> PersonIndex::Step() {
  std::lock_guard lock(step_mu_);
  ASSIGN_OR_RETURN(std::vector<Run> runs, ReadRuns());
  ASSIGN_OR_RETURN(merkle::CompactRange head, ReadHead(db_));
  uint64_t end = 0;
  for (const Run& r : runs) {
    if (r.state != "dead") end = std::max(end, r.end);
  }
  if (end > head.size()) {  // the index would never advance again, and History refuses it
    return DataLossError(fmt::format("the person index claims entries up to {} but the log holds {}: the index was "
                                     "altered (run `ndc audit verify`)",
                                     end, head.size()));
  }
  // One write of each kind per step: on SQLite a step's write waits for a group-commit batch, so
  // a step must do all it can. The tail bounds every history read: every complete block first.
  std::vector<WriteFn> parts;
  if (const uint64_t due = (head.size() - std::min(head.size(), end)) / options_.block_entries; due > 0) {
    ASSIGN_OR_RETURN(WriteFn part, PrepareLevelZero(end, std::min<uint64_t>(due, kMaxLevelZeroPerStep)));
    parts.push_back(std::move(part));
  }
  // The lowest-level merge first: small merges keep the number of runs down while a large one
  // (millions of postings, many chunks) proceeds; a due merge is claimed alongside.
  const int64_t stale = clock_->NowMicros() - options_.lease_micros;
  const Run* building = nullptr;
  for (const Run& r : runs) {
    if (r.state == "building" && (r.owner == owner_ || r.claimed_at < stale) &&
        (building == nullptr || r.level < building->level)) {
      building = &r;
    }
  }
  if (building != nullptr) {
    ASSIGN_OR_RETURN(WriteFn part, PrepareMergeChunk(*building, runs));
    parts.push_back(std::move(part));
  }
  if (std::optional<WriteFn> claim = PrepareClaim(runs)) parts.push_back(std::move(*claim));
  auto dead = std::find_if(runs.begin(), runs.end(), [](const Run& r) { return r.state == "dead"; });
  if (dead != runs.end()) parts.push_back(PrepareDeadChunk(*dead));
  if (parts.empty()) return false;
  Status s = Write([&](store::Transaction* tx) -> Status {
    // Index writes take turns, from before any part re-checks the runs. Under PostgreSQL's READ
    // COMMITTED a check is a snapshot of its statement only: without the turn, a level-0 run (or
    // a claim) checked against the runs as they were could be inserted after another instance
    // had built the same slot and merged it away (a slot is unique only among runs not dead),
    // leaving two live runs over the same entries — every history read over them then failed
    // with kDataLoss. In its turn, each check sees every index write committed before it.
    // (SQLite: the transaction already holds the write lock.)
    RETURN_IF_ERROR(store::SerializeOn(*tx, "audit.person_index"));
    for (const WriteFn& part : parts) RETURN_IF_ERROR(part(tx));
    return OkStatus();
  });
  if (Collided(s)) return true;  // another instance did (some of) it: look again
  RETURN_IF_ERROR(s);
  return true;
}

Status PersonIndex::CatchUp() {
  int64_t last_report = clock_->MonotonicMicros();
  for (uint64_t steps = 1;; ++steps) {
    ASSIGN_OR_RETURN(bool did, Step());
    if (!did) return OkStatus();
    if (clock_->MonotonicMicros() - last_report >= 5'000'000) {
      last_report = clock_->MonotonicMicros();
      ASSIGN_OR_RETURN(uint64_t indexed, IndexedEnd());
      log::Info("audit.person_index.catch_up", {{"steps", steps}, {"indexed_entries", indexed}});
    }
  }
}

Result<PersonIndex::WriteFn> PersonIndex::PrepareLevelZero(uint64_t first, uint64_t count) {
  const uint64_t block = options_.block_entries;
  // Entries below the head never change: read them before taking the write lock.
  Value range[] = {static_cast<int64_t>(first), static_cast<int64_t>(first + count * block)};
  ASSIGN_OR_RETURN(auto rs,
                   db_->Query("SELECT person_key, idx FROM audit_entries WHERE idx >= $1 AND idx < $2 "
                              "AND person_key IS NOT NULL",
                              range));
  std::vector<std::vector<PersonPosting>> postings(count);
  for (const auto& row : rs.rows) {
    const auto index = static_cast<uint64_t>(row.Int(1));
    postings[(index - first) / block].push_back({row.Str(0), index});
  }
  auto writers = std::make_shared<std::vector<BlockWriter>>();
  for (auto& run : postings) {
    std::sort(run.begin(), run.end());
    BlockWriter& writer = writers->emplace_back(options_.block_bytes);
    for (PersonPosting& p : run) RETURN_IF_ERROR(writer.Add(std::move(p)));
    RETURN_IF_ERROR(writer.Flush());
  }
  return WriteFn([this, first, block, writers](store::Transaction* tx) -> Status {
    ASSIGN_OR_RETURN(auto ends, tx->QueryOne("SELECT COALESCE(MAX(end_idx), 0) FROM audit_person_runs "
                                             "WHERE state <> 'dead'"));
    if (static_cast<uint64_t>(ends.Int(0)) != first) return OkStatus();  // built meanwhile
    for (size_t i = 0; i < writers->size(); ++i) {
      ASSIGN_OR_RETURN(int64_t run, NextRunId(tx));
      Value manifest[] = {run, static_cast<int64_t>(first + i * block),
                          static_cast<int64_t>(first + (i + 1) * block)};
      RETURN_IF_ERROR(tx->Exec("INSERT INTO audit_person_runs (run, level, first_idx, end_idx, state) "
                               "VALUES ($1, 0, $2, $3, 'live')",
                               manifest)
                          .status());
      RETURN_IF_ERROR(
          InsertRows(tx, "audit_person_blocks", "run, first_key, data", 3, (*writers)[i].Rows(run)));
    }
    return OkStatus();
  });
}

std::optional<PersonIndex::WriteFn> PersonIndex::PrepareClaim(const std::vector<Run>& runs) {
  std::vector<const Run*> live;
  for (const Run& r : runs) {
    if (r.state != "live") continue;
    bool claimed = std::any_of(runs.begin(), runs.end(), [&](const Run& b) {
      return b.state == "building" && b.first < r.end && r.first < b.end;
    });
    if (!claimed) live.push_back(&r);
  }
  // The lowest level with `fanout` adjacent unclaimed runs, oldest group first.
  std::optional<size_t> best;
  const size_t fanout = static_cast<size_t>(std::max(2, options_.fanout));
  for (size_t i = 0; i + fanout <= live.size(); ++i) {
    bool group = true;
    for (size_t j = 1; j < fanout && group; ++j) {
      group = live[i + j]->level == live[i]->level && live[i + j]->first == live[i + j - 1]->end;
    }
    if (group && (!best || live[i]->level < live[*best]->level)) best = i;
  }
  if (!best) return std::nullopt;
  const int level = live[*best]->level;
  const uint64_t first = live[*best]->first, end = live[*best + fanout - 1]->end;
  return [this, level, first, end, fanout](store::Transaction* tx) -> Status {
    Value check[] = {int64_t{level}, static_cast<int64_t>(first), static_cast<int64_t>(end)};
    ASSIGN_OR_RETURN(auto count,
                     tx->QueryOne("SELECT COUNT(*) FROM audit_person_runs WHERE state = 'live' AND "
                                  "level = $1 AND first_idx >= $2 AND end_idx <= $3",
                                  check));
    if (static_cast<size_t>(count.Int(0)) != fanout) return OkStatus();  // merged meanwhile
    ASSIGN_OR_RETURN(int64_t run, NextRunId(tx));
    Value claim[] = {run,    int64_t{level + 1}, static_cast<int64_t>(first), static_cast<int64_t>(end),
                     owner_, clock_->NowMicros()};
    return tx
        ->Exec(
            "INSERT INTO audit_person_runs (run, level, first_idx, end_idx, state, owner, claimed_at) "
            "VALUES ($1, $2, $3, $4, 'building', $5, $6)",
            claim)
        .status();
  };
}

Result<PersonIndex::WriteFn> PersonIndex::PrepareMergeChunk(const Run& target, const std::vector<Run>& runs) {
  std::vector<SourceCursor> sources;
  uint64_t covered = target.first;
  for (const Run& r : runs) {
    if (r.state == "live" && r.level == target.level - 1 && r.first >= target.first && r.end <= target.end) {
      if (r.first != covered) break;
      sources.emplace_back(db_, r.run);
      covered = r.end;
    }
  }
  if (covered != target.end) {
    return DataLossError(
        fmt::format("person index run {} (entries {}..{}) is being built but its source runs at "
                    "level {} no longer cover those entries",
                    target.run, target.first, target.end, target.level - 1));
  }
  // Resume after the last posting written (every chunk commits a prefix of the merged order).
  Value mine[] = {target.run};
  ASSIGN_OR_RETURN(auto last_block,
                   db_->Query("SELECT first_key, data FROM audit_person_blocks WHERE run = $1 "
                              "ORDER BY first_key DESC LIMIT 1",
                              mine));
  std::optional<PersonPosting> after;
  std::string resume_key;
  if (!last_block.rows.empty()) {
    resume_key = last_block.rows[0].Bytes(0);
    ASSIGN_OR_RETURN(auto postings, DecodePersonBlock(last_block.rows[0].Bytes(1)));
    after = postings.back();
  }
  for (SourceCursor& c : sources) RETURN_IF_ERROR(c.Seek(after));
  auto writer = std::make_shared<BlockWriter>(options_.block_bytes);
  bool done = false;
  while (writer->blocks() < options_.merge_chunk_blocks) {
    SourceCursor* next = nullptr;
    for (SourceCursor& c : sources) {
      if (!c.Done() && (next == nullptr || c.Peek() < next->Peek())) next = &c;
    }
    if (next == nullptr) {
      RETURN_IF_ERROR(writer->Flush());
      done = true;
      break;
    }
    RETURN_IF_ERROR(writer->Add(next->Take()));
    RETURN_IF_ERROR(next->Advance());
  }

  const size_t nsources = sources.size();
  return WriteFn([this, target, writer, done, resume_key, nsources](store::Transaction* tx) -> Status {
    Value this_run[] = {target.run};
    // Claims (or renews) the run, holding its row (PostgreSQL row lock, SQLite write lock) until
    // commit, so that no other instance writes its blocks meanwhile.
    Value claim[] = {owner_, clock_->NowMicros(), target.run, clock_->NowMicros() - options_.lease_micros};
    ASSIGN_OR_RETURN(int64_t claimed,
                     tx->Exec("UPDATE audit_person_runs SET owner = $1, claimed_at = $2 WHERE run = $3 "
                              "AND state = 'building' AND (owner = $1 OR claimed_at < $4)",
                              claim));
    if (claimed != 1) return OkStatus();  // another instance holds it
    ASSIGN_OR_RETURN(auto now_last, tx->Query("SELECT first_key FROM audit_person_blocks WHERE run = $1 "
                                              "ORDER BY first_key DESC LIMIT 1",
                                              this_run));
    if ((now_last.rows.empty() ? std::string() : now_last.rows[0].Bytes(0)) != resume_key) return OkStatus();
    RETURN_IF_ERROR(
        InsertRows(tx, "audit_person_blocks", "run, first_key, data", 3, writer->Rows(target.run)));
    if (!done) return OkStatus();
    RETURN_IF_ERROR(tx->Exec("UPDATE audit_person_runs SET state = 'live', owner = NULL, claimed_at = NULL "
                             "WHERE run = $1",
                             this_run)
                        .status());
    Value retire[] = {int64_t{target.level - 1}, static_cast<int64_t>(target.first),
                      static_cast<int64_t>(target.end)};
    ASSIGN_OR_RETURN(int64_t retired,
                     tx->Exec("UPDATE audit_person_runs SET state = 'dead' WHERE state = 'live' "
                              "AND level = $1 AND first_idx >= $2 AND end_idx <= $3",
                              retire));
    if (static_cast<size_t>(retired) != nsources) {
      return DataLossError(
          fmt::format("person index run {}: {} source runs were live at the switch, {} expected", target.run,
                      retired, nsources));
    }
    return OkStatus();
  });
}

PersonIndex::WriteFn PersonIndex::PrepareDeadChunk(const Run& dead) {
  return [this, run = dead.run](store::Transaction* tx) -> Status {
    Value p[] = {run, int64_t{options_.merge_chunk_blocks}};
    ASSIGN_OR_RETURN(int64_t deleted,
                     tx->Exec("DELETE FROM audit_person_blocks WHERE run = $1 AND first_key IN "
                              "(SELECT first_key FROM audit_person_blocks WHERE run = $1 "
                              "ORDER BY first_key LIMIT $2)",
                              p));
    if (deleted >= options_.merge_chunk_blocks) return OkStatus();
    Value r[] = {run};
    return tx->Exec("DELETE FROM audit_person_runs WHERE run = $1 AND state = 'dead'", r).status();
  };
}

Result<std::vector<StoredEntry>> PersonIndex::History(const std::string& person_key, uint64_t before,
                                                      int limit) {
  if (person_key.empty() || limit <= 0) return std::vector<StoredEntry>();
  before = std::min<uint64_t>(before, INT64_MAX);
  const size_t want = static_cast<size_t>(limit);
  Value probe[] = {Blob{PersonSortKey(person_key, before)}};
  for (int attempt = 0; attempt < kHistoryAttempts; ++attempt) {
    // One statement, one snapshot: the live runs and, of each, the last block that can hold a
    // posting below (person_key, before).
    ASSIGN_OR_RETURN(auto runs, db_->Query("SELECT r.run, r.first_idx, r.end_idx, (SELECT b.data FROM "
                                           "audit_person_blocks b WHERE b.run = r.run AND b.first_key < $1 "
                                           "ORDER BY b.first_key DESC LIMIT 1) FROM audit_person_runs r "
                                           "WHERE r.state = 'live' ORDER BY r.first_idx DESC",
                                           probe));
    const uint64_t indexed = runs.rows.empty() ? 0 : static_cast<uint64_t>(runs.rows[0].Int(2));
    // The head, read after the runs (so never below their true end): the index cannot claim
    // entries the log does not have, and the tail scan stops at the log's end.
    ASSIGN_OR_RETURN(auto head_rs, db_->Query("SELECT size FROM audit_head WHERE id = 1"));
    if (head_rs.rows.empty()) return DataLossError("audit log head row is missing");
    const uint64_t head = static_cast<uint64_t>(head_rs.rows[0].Int(0));
    if (indexed > head) {
      return DataLossError(fmt::format("the person index claims entries up to {} but the log holds {}: the index was "
                                       "altered (run `ndc audit verify`)",
                                       indexed, head));
    }
    std::vector<uint64_t> found;
    if (indexed < std::min(before, head)) {
      Value tail[] = {static_cast<int64_t>(indexed), static_cast<int64_t>(std::min(before, head)), person_key,
                      int64_t{limit}};
      ASSIGN_OR_RETURN(auto rs, db_->Query("SELECT idx FROM audit_entries WHERE idx >= $1 AND idx < $2 AND "
                                           "person_key = $3 ORDER BY idx DESC LIMIT $4",
                                           tail));
      for (const auto& row : rs.rows) found.push_back(static_cast<uint64_t>(row.Int(0)));
    }
    bool changed = false;
    for (const auto& row : runs.rows) {
      if (found.size() >= want) break;
      if (static_cast<uint64_t>(row.Int(1)) >= before || row.IsNull(3)) continue;
      std::string block = row.Bytes(3);
      bool followed = false;
      while (true) {
        ASSIGN_OR_RETURN(auto postings, DecodePersonBlock(block));
        for (auto p = postings.rbegin(); p != postings.rend() && found.size() < want; ++p) {
          if (p->person_key == person_key && p->index < before) found.push_back(p->index);
        }
        if (found.size() >= want || postings.front().person_key != person_key) break;
        // The person's postings may go on in the run's previous block.
        Value prev[] = {row.Int(0), Blob{PersonSortKey(postings.front().person_key, postings.front().index)}};
        ASSIGN_OR_RETURN(auto rs, db_->Query("SELECT data FROM audit_person_blocks WHERE run = $1 AND "
                                             "first_key < $2 ORDER BY first_key DESC LIMIT 1",
                                             prev));
        followed = true;
        if (rs.rows.empty()) break;
        block = rs.rows[0].Bytes(0);
      }
      if (followed) {
        // Blocks are deleted only once their run is dead, and a run never comes back to life: live
        // now means it was live, and whole, when its blocks were read.
        Value r[] = {row.Int(0)};
        ASSIGN_OR_RETURN(
            auto live, db_->Query("SELECT run FROM audit_person_runs WHERE run = $1 AND state = 'live'", r));
        if (live.rows.empty()) {
          changed = true;
          break;
        }
      }
    }
    if (changed) continue;
    return ReadEntriesAt(db_, found);
  }
  return AbortedError(
      fmt::format("the person index changed {} times while reading the history of '{}': retry",
                  kHistoryAttempts, person_key));
}

}  // namespace ndc::audit
