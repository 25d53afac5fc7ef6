#include "audit/audit_log.h"

#include <fmt/format.h>

#include "audit/entry_codec.h"
#include "audit/merkle/proof.h"
#include "common/log.h"

namespace ndc::audit {

AuditLog::AuditLog(store::Database* db, Clock* clock, RandomSource* random, GroupCommitOptions options,
                   PersonIndexOptions person_index)
    : db_(db), clock_(clock), random_(random) {
  const uint64_t block = std::max<uint64_t>(1, person_index.block_entries);
  committer_ = std::make_unique<GroupCommitter>(
      [this, block](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork* side) {
        auto appended = WriteBatch(db_, batch, clock_, random_, side);
        // A block of the log completed: the person index has a run to build.
        if (appended.ok() && !appended->empty() &&
            (appended->back().index + 1) / block != appended->front().index / block) {
          persons_->Notify();
        }
        return appended;
      },
      options);
  // On SQLite the index writes ride in the committer's transactions (see GroupCommitter).
  PersonIndex::Writer writer;
  if (db->backend() == store::Backend::kSqlite) {
    writer = [this](const PersonIndex::WriteFn& write) { return committer_->RunInBatch(write); };
  }
  persons_ = std::make_unique<PersonIndex>(db, clock, random, person_index, std::move(writer));
}

AuditLog::~AuditLog() {
  persons_->StopBackground();  // its writes may need the committer
  committer_.reset();          // commits what is queued (and notifies persons_)
  persons_.reset();
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(store::Database* db, Clock* clock, RandomSource* random,
                                                 GroupCommitOptions options,
                                                 PersonIndexOptions person_index) {
  RETURN_IF_ERROR(EnsureHead(db, clock));
  ASSIGN_OR_RETURN(merkle::CompactRange head, ReadHead(db));
  std::unique_ptr<AuditLog> log(new AuditLog(db, clock, random, options, person_index));
  ASSIGN_OR_RETURN(uint64_t indexed, log->persons_->IndexedEnd());
  if (head.size() > indexed + 16 * person_index.block_entries) {
    log::Info("audit.person_index.catch_up", {{"log_entries", head.size()}, {"indexed_entries", indexed}});
    RETURN_IF_ERROR(log->persons_->CatchUp());
  }
  return log;
}

namespace {

// Validates and encodes in the caller's thread (callers run in parallel; the committer is the
// serial section): the committer only writes the index and id into the bytes.
Result<EncodedEntry> Encode(Entry& entry, Clock* clock) {
  entry.index = 0;
  entry.id.assign(kEntryIdSize, '0');
  if (entry.time_micros == 0) entry.time_micros = clock->NowMicros();
  ASSIGN_OR_RETURN(std::string bytes, EncodeEntry(entry));
  return EncodedEntry{std::move(bytes), std::move(entry.subject.person_key)};
}

}  // namespace

std::future<Result<Appended>> AuditLog::AppendAsync(Entry entry) {
  auto encoded = Encode(entry, clock_);
  if (!encoded.ok()) {
    std::promise<Result<Appended>> refused;
    refused.set_value(encoded.status());
    return refused.get_future();
  }
  return committer_->Submit(std::move(*encoded));
}

void AuditLog::AppendThen(Entry entry, GroupCommitter::Done done) {
  auto encoded = Encode(entry, clock_);
  if (!encoded.ok()) return done(encoded.status());
  committer_->SubmitThen(std::move(*encoded), std::move(done));
}

Result<Appended> AuditLog::Append(Entry entry) {
  ASSIGN_OR_RETURN(auto encoded, Encode(entry, clock_));
  return committer_->SubmitAndWait(std::move(encoded));
}

Result<std::pair<uint64_t, merkle::Hash>> AuditLog::Head() {
  ASSIGN_OR_RETURN(auto range, ReadHead(db_));
  return std::make_pair(range.size(), range.Root());
}

Result<std::vector<StoredEntry>> AuditLog::Entries(uint64_t begin, uint64_t end) {
  ASSIGN_OR_RETURN(auto range, ReadHead(db_));
  end = std::min(end, range.size());
  if (begin >= end) return std::vector<StoredEntry>();
  ASSIGN_OR_RETURN(auto entries, ReadEntries(db_, begin, end));
  for (size_t i = 0; i < entries.size() || begin + i < end; ++i) {
    if (i >= entries.size() || entries[i].index != begin + i) {
      return DataLossError(fmt::format("audit entry {} is missing from the store", begin + i));
    }
  }
  return entries;
}

Result<uint64_t> AuditLog::IndexOf(const std::string& entry_id) { return FindEntryIndex(db_, entry_id); }

Result<InclusionProofData> AuditLog::ProveInclusion(uint64_t index, std::optional<uint64_t> tree_size) {
  ASSIGN_OR_RETURN(auto range, ReadHead(db_));
  uint64_t size = tree_size.value_or(range.size());
  if (size > range.size()) {
    return OutOfRangeError(fmt::format("tree size {} is beyond the log's size {}", size, range.size()));
  }
  if (index >= size) return OutOfRangeError(fmt::format("entry {} is not in a tree of size {}", index, size));
  InclusionProofData out;
  out.index = index;
  out.tree_size = size;
  ASSIGN_OR_RETURN(auto rows, ReadEntries(db_, index, index + 1));
  if (rows.empty()) return DataLossError(fmt::format("audit entry {} is missing from the store", index));
  out.entry = std::move(rows[0]);
  StoredNodeReader reader(db_);
  RETURN_IF_ERROR(reader.Prefetch(
      NodesOf([&](const merkle::NodeReader& read) { return merkle::InclusionProof(index, size, read); })));
  ASSIGN_OR_RETURN(out.hashes, merkle::InclusionProof(index, size, reader.AsReader()));
  out.node_reads = reader.reads() + 1;
  return out;
}

Result<std::vector<InclusionProofData>> AuditLog::ProveInclusions(std::vector<StoredEntry> entries,
                                                                  uint64_t tree_size) {
  std::vector<InclusionProofData> out;
  if (entries.empty()) return out;
  ASSIGN_OR_RETURN(auto range, ReadHead(db_));
  if (tree_size > range.size()) {
    return OutOfRangeError(fmt::format("tree size {} is beyond the log's size {}", tree_size, range.size()));
  }
  std::vector<merkle::NodeId> wanted;
  for (const StoredEntry& e : entries) {
    if (e.index >= tree_size) {
      return OutOfRangeError(fmt::format("entry {} is not in a tree of size {}", e.index, tree_size));
    }
    std::vector<merkle::NodeId> ids =
        NodesOf([&](const merkle::NodeReader& read) { return merkle::InclusionProof(e.index, tree_size, read); });
    wanted.insert(wanted.end(), ids.begin(), ids.end());
  }
  StoredNodeReader reader(db_);  // Prefetch drops the ids several proofs share
  RETURN_IF_ERROR(reader.Prefetch(wanted));
  out.reserve(entries.size());
  for (StoredEntry& e : entries) {
    InclusionProofData p;
    p.index = e.index;
    p.tree_size = tree_size;
    ASSIGN_OR_RETURN(p.hashes, merkle::InclusionProof(e.index, tree_size, reader.AsReader()));
    p.entry = std::move(e);
    out.push_back(std::move(p));
  }
  if (!out.empty()) out.front().node_reads = reader.reads() + 1;
  return out;
}

Result<std::vector<merkle::Hash>> AuditLog::ProveConsistency(uint64_t size1, uint64_t size2) {
  ASSIGN_OR_RETURN(auto range, ReadHead(db_));
  if (size2 > range.size()) {
    return OutOfRangeError(fmt::format("tree size {} is beyond the log's size {}", size2, range.size()));
  }
  if (size1 > size2) return OutOfRangeError(fmt::format("tree size {} is larger than {}", size1, size2));
  StoredNodeReader reader(db_);
  RETURN_IF_ERROR(reader.Prefetch(
      NodesOf([&](const merkle::NodeReader& read) { return merkle::ConsistencyProof(size1, size2, read); })));
  return merkle::ConsistencyProof(size1, size2, reader.AsReader());
}

}  // namespace ndc::audit
