// api/audit_release: the release gate of a response whose audit entry is still being committed.
// A data endpoint appends its audit entry without waiting (AuditLog::AppendAsync), builds its
// answer meanwhile, and the server sends the answer only when the entry is durable (see
// Response::send_after): the decision is in the log before any byte leaves, and no server thread
// waits on the group commit. docs/design/sharing.md ("Data endpoints").
//
// One thread waits on the appends in the order they were made (the log completes them in that
// order, one group commit at a time) and releases each response. Thread-safe. The destructor
// waits for every pending append and releases its response.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/http.h"
#include "audit/audit_log.h"

namespace ndc::api {

class AuditRelease {
 public:
  AuditRelease();
  ~AuditRelease();
  AuditRelease(const AuditRelease&) = delete;
  AuditRelease& operator=(const AuditRelease&) = delete;

  // A gate released with OkStatus() once `appended` is durable, or with its error prefixed by
  // `context` (which should say that nothing was disclosed).
  ReleaseGate Gate(std::future<Result<audit::Appended>> appended, std::string context);

 private:
  struct Pending {
    std::shared_ptr<std::future<Result<audit::Appended>>> appended;
    std::string context;
    std::function<void(Status)> release;
  };
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stop_ = false;          // guarded by mu_
  std::thread thread_;
};

}  // namespace ndc::api
