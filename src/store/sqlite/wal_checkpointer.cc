#include "store/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <utility>

namespace ndc::store {

WalCheckpointer::WalCheckpointer(std::string path, int threshold_pages)
    : path_(std::move(path)), threshold_pages_(threshold_pages), thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (own_ != nullptr) sqlite3_close_v2(own_);
}

void WalCheckpointer::Attach(sqlite3* db) { sqlite3_wal_hook(db, &WalCheckpointer::OnCommit, this); }

int WalCheckpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (pages >= c->threshold_pages_) {
    {
      std::lock_guard lock(c->mu_);
      c->requested_ = true;
    }
    c->wake_.notify_one();
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
  }
  int log_frames = 0, copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
  return rc == SQLITE_OK && copied == log_frames;
}

int64_t WalCheckpointer::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

void WalCheckpointer::Loop() {
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
  }
}

}  // namespace ndc::store
