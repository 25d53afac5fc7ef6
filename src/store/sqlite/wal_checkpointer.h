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
// leaves at least `threshold_pages` in the log the thread runs a PASSIVE checkpoint on its own
// connection (PASSIVE never blocks readers or writers; what it cannot copy now, it copies after a
// later commit). Thread-safe; the destructor finishes the checkpoint under way and joins.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace ndc::store {

class WalCheckpointer {
 public:
  explicit WalCheckpointer(std::string path, int threshold_pages = 1000);
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
  const int threshold_pages_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool requested_ = false, stop_ = false;
  int64_t completed_ = 0;
  std::mutex checkpoint_mu_;  // one checkpoint at a time; guards own_
  sqlite3* own_ = nullptr;    // opened by the first checkpoint
  std::thread thread_;
};

}  // namespace ndc::store
