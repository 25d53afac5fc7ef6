#include "api/audit_release.h"

namespace ndc::api {

AuditRelease::AuditRelease() : thread_([this] { Run(); }) {}

AuditRelease::~AuditRelease() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

ReleaseGate AuditRelease::Gate(std::future<Result<audit::Appended>> appended, std::string context) {
  auto shared = std::make_shared<std::future<Result<audit::Appended>>>(std::move(appended));
  return [this, shared, context = std::move(context)](std::function<void(Status)> release) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back({shared, context, std::move(release)});
    }
    cv_.notify_one();
  };
}

void AuditRelease::Run() {
  for (;;) {
    Pending next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every pending append was released
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    Result<audit::Appended> done = next.appended->get();
    next.release(done.ok() ? OkStatus() : done.status().WithContext(next.context));
  }
}

}  // namespace ndc::api
