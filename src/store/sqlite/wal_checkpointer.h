// WalCheckpointer: copies a SQLite database's write-ahead log back into the database file on a
// background thread (docs/design/store.md, "SQLite checkpoints"), instead of SQLite's default
// automatic checkpoint, which runs inside the COMMIT of whichever writer pushed the log past
// 1,000 pages — a 1-million-row batch then spent 1–2 s copying 200 MB after its data was already
// durable, and a small audit commit could stall behind someone else's log.
//
// Durability is unchanged: a commit is durable once its log frames are fsynced (synchronous=FULL);
// checkpointing only bounds the log's size and moves pages where readers find them fastest.
//
// Every writing connection of one Database installs Attach() as its WAL hook; after a commit
// leaves at least `threshold_pages` in the log that the last checkpoint has not copied, the thread
// runs a PASSIVE checkpoint on its own connection (PASSIVE never blocks readers or writers; what
// it cannot copy now, it copies later). Counting only uncopied frames matters under a writer that
// never pauses: the log then stays above the threshold between rewinds, and asking after every
// commit kept a checkpoint (two fsyncs) running after nearly every commit. Under a writer that never pauses (an audit log appending 100,000+ entries a
// second) PASSIVE alone never finds the log wholly copied at the moment a writer starts, so SQLite
// never rewinds it and it grows without bound (42 GB in one benchmark). So when a PASSIVE
// checkpoint leaves `restart_pages` or more in the log, the thread runs a RESTART: meanwhile every
// writer that commits waits in its WAL hook (its commit is durable and its write lock released, at
// most 1 s), the few frames PASSIVE could not copy are copied, and the next commit starts the log
// from its beginning again. A single large commit (an ingest batch) does not trigger it: PASSIVE
// copies it whole. The log file then stays near `restart_pages` plus one PASSIVE's worth of commits.
// A writer whose small commits still outrun the checkpointer (twice `restart_pages` of them with no
// checkpoint ending) waits in its WAL hook for the next checkpoint to end (at most 1 s).
// A RESTART waits at most 100 ms for the readers of old frames (and a writer in a transaction);
// when it cannot finish — a reader holding an old snapshot, such as an online backup — the next
// one is tried no sooner than a second later, and what PASSIVE copied still counts. Until
// 2026-11-30 it waited 2 s, counted as nothing copied, and was asked for again by the next commit:
// one long reader stalled every writer for about 2 s per commit.
// Thread-safe; the destructor finishes the checkpoint under way and joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace ndc::store {

// When a commit asks for a checkpoint, and when its writer must wait for one. Not thread-safe
// (WalCheckpointer calls it under its mutex).
class CheckpointPacer {
 public:
  // `threshold`: frames neither copied nor being copied that ask for a checkpoint. `restart`: the
  // RESTART size; a commit of fewer frames is "small".
  CheckpointPacer(int threshold, int restart) : threshold_(threshold), restart_(restart) {}
  struct Verdict {
    bool ask = false;   // ask for a checkpoint (then counted as copying the log so far)
    bool wait = false;  // the writer outruns the checkpointer: wait for the next one to end
  };
  // A commit left `log_frames` frames in the log.
  Verdict OnCommit(int log_frames);
  // A checkpoint ended having copied the first `copied` frames of the log.
  void OnCheckpoint(int copied);

 private:
  const int threshold_, restart_;
  int seen_ = 0;     // frames in the log at the last commit; fewer now means it was rewound
  int covered_ = 0;  // frames copied or asked to be copied
  // Frames of small commits since the last checkpoint ended: twice the RESTART size of them means
  // the checkpointer cannot keep up. A large commit (an ingest batch) is not counted: PASSIVE
  // copies it off the commit path, and the commits after it must not wait for that copy.
  int small_pending_ = 0;
};

class WalCheckpointer {
 public:
  explicit WalCheckpointer(std::string path, int threshold_pages = 1000, int restart_pages = 16384);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Makes `db` (a writing connection to this database) report its commits to this checkpointer
  // and turns SQLite's automatic checkpoint off for it. `this` must outlive `db`.
  void Attach(sqlite3* db);

  // Checkpoints now on the calling thread, PASSIVE; true if the whole log was copied.
  // For tests and for shutdown.
  bool CheckpointNow();
  // Checkpoints completed by the background thread so far.
  int64_t completed() const;

 private:
  static int OnCommit(void* self, sqlite3* db, const char* schema, int pages);
  void Loop();

  const std::string path_;
  const int restart_pages_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool requested_ = false, stop_ = false;
  bool restart_wanted_ = false;         // guarded by mu_: writers wait in OnCommit while set
  CheckpointPacer pacer_;  // guarded by mu_
  std::condition_variable restart_done_;
  std::condition_variable progress_;  // a checkpoint ended (completed_ grew)
  int64_t completed_ = 0;
  std::mutex checkpoint_mu_;  // one checkpoint at a time; guards own_ and no_restart_until_
  sqlite3* own_ = nullptr;    // opened by the first checkpoint
  // After a RESTART that found a reader (or writer) in its way: none before this instant.
  std::chrono::steady_clock::time_point no_restart_until_{};
  std::thread thread_;
};

}  // namespace ndc::store
