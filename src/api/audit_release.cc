#include "api/audit_release.h"

#include <memory>
#include <mutex>
#include <optional>

#include "api/audit_text.h"

namespace ndc::api {
namespace {

// Meets the append's outcome and the server's release, whichever comes first.
struct Rendezvous {
  std::mutex mu;
  std::optional<Status> outcome;        // guarded by mu
  std::function<void(Status)> release;  // guarded by mu
  std::string context;
};

}  // namespace

ReleaseGate AppendAndGate(audit::AuditLog* log, audit::Entry entry, std::string context) {
  MakeLoggable(entry);
  auto meet = std::make_shared<Rendezvous>();
  meet->context = std::move(context);
  log->AppendThen(std::move(entry), [meet](Result<audit::Appended> done) {
    Status s = done.ok() ? OkStatus() : done.status().WithContext(meet->context);
    std::unique_lock lock(meet->mu);
    if (!meet->release) {
      meet->outcome = std::move(s);
      return;
    }
    auto release = std::move(meet->release);
    lock.unlock();
    release(std::move(s));
  });
  return [meet](std::function<void(Status)> release) {
    std::unique_lock lock(meet->mu);
    if (!meet->outcome) {
      meet->release = std::move(release);
      return;
    }
    Status s = std::move(*meet->outcome);
    lock.unlock();
    release(std::move(s));
  };
}

}  // namespace ndc::api
