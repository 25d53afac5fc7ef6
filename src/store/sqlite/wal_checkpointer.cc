#include "store/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/thread_name.h"

namespace ndc::store {

CheckpointPacer::Verdict CheckpointPacer::OnCommit(int log_frames) {
  // A log shorter than at the last commit was rewound: every frame in it is new, and this commit
  // wrote all of them. (A rewound log that a first commit makes longer than the old one looks
  // continued: its size is then under-counted, which can only delay a checkpoint or count a large
  // commit as small.)
  const bool rewound = log_frames < seen_;
  const int grew = rewound ? log_frames : log_frames - seen_;
  if (rewound) covered_ = 0;
  seen_ = log_frames;
  Verdict v;
  if (grew < restart_) small_pending_ += grew;
  v.wait = small_pending_ >= 2 * restart_;
  v.ask = v.wait || log_frames - covered_ >= threshold_;
  if (v.ask) covered_ = log_frames;
  return v;
}

void CheckpointPacer::OnCheckpoint(int copied) {
  // What it could not copy (a reader still needs old frames) counts again; a log rewound since
  // the checkpoint began has already been reset by OnCommit.
  covered_ = std::min(covered_, copied);
  small_pending_ = 0;
}

WalCheckpointer::WalCheckpointer(std::string path, int threshold_pages, int restart_pages)
    : path_(std::move(path)),
      restart_pages_(restart_pages),
      pacer_(threshold_pages, restart_pages),
      thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  progress_.notify_all();
  thread_.join();
  if (own_ != nullptr) sqlite3_close_v2(own_);
}

void WalCheckpointer::Attach(sqlite3* db) { sqlite3_wal_hook(db, &WalCheckpointer::OnCommit, this); }

int WalCheckpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  std::unique_lock lock(c->mu_);
  if (c->restart_wanted_) {
    // A RESTART is under way: this writer (its commit durable, its write lock released) waits
    // for it, so that the log can be copied to its end and rewound. Bounded, in case it is busy.
    c->restart_done_.wait_for(lock, std::chrono::seconds(1), [c] { return !c->restart_wanted_; });
    return SQLITE_OK;
  }
  const CheckpointPacer::Verdict v = c->pacer_.OnCommit(pages);
  if (v.ask) {
    c->requested_ = true;
    c->wake_.notify_one();
  }
  if (v.wait) {
    // This writer's small commits outrun the checkpointer (a checkpoint's fsync waits behind the
    // writer's own unsynced pages). It waits for the next checkpoint to end — at most 1 s, its
    // commit already durable — so that the log stays bounded however the threads are scheduled.
    const int64_t next = c->completed_ + 1;
    c->progress_.wait_for(lock, std::chrono::seconds(1), [c, next] { return c->completed_ >= next || c->stop_; });
  }
  return SQLITE_OK;
}

bool WalCheckpointer::CheckpointNow() {
  std::lock_guard one(checkpoint_mu_);
  if (own_ == nullptr) {
    // Its own handle: a pooled connection may be inside a transaction at any moment.
    if (sqlite3_open_v2(path_.c_str(), &own_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(own_);
      own_ = nullptr;
      return false;
    }
    // The database file is fsynced before the log may be reused (synchronous=FULL).
    sqlite3_exec(own_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    // How long a RESTART waits for a writer in a transaction or a reader of old frames: every
    // writer that commits meanwhile waits too (in OnCommit, and in SQLite for the write lock).
    sqlite3_busy_timeout(own_, 100);
  }
  int log_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
  const auto now = std::chrono::steady_clock::now();
  if (rc == SQLITE_OK && log_frames >= restart_pages_ && now >= no_restart_until_) {
    // Commits kept coming while PASSIVE copied: hold the next writers in OnCommit and copy the
    // rest (RESTART), so that the next commit rewinds the log. Few frames are left to copy.
    {
      std::lock_guard lock(mu_);
      restart_wanted_ = true;
    }
    int restart_log = 0, restart_copied = 0;
    const int restarted =
        sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_RESTART, &restart_log, &restart_copied);
    {
      std::lock_guard lock(mu_);
      restart_wanted_ = false;
    }
    restart_done_.notify_all();
    if (restarted == SQLITE_OK) {
      log_frames = restart_log;
      copied = restart_copied;
    } else {
      // A reader of old frames (or a long transaction) is in the way: trying again at the next
      // commit would only stall the writers again until it ends.
      no_restart_until_ = now + std::chrono::seconds(1);
    }
  }
  {
    std::lock_guard lock(mu_);
    pacer_.OnCheckpoint(rc == SQLITE_OK ? copied : 0);
  }
  return rc == SQLITE_OK && copied == log_frames;
}

int64_t WalCheckpointer::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

void WalCheckpointer::Loop() {
  SetThreadName("ndc-wal-ckpt");
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return requested_ || stop_; });
    if (stop_) return;
    requested_ = false;
    lock.unlock();
    // A failure (busy, I/O) leaves the log as it is; the next commit asks again.
    CheckpointNow();
    lock.lock();
    ++completed_;
    progress_.notify_all();
  }
}

}  // namespace ndc::store
