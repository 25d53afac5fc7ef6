#include "ingest/internal/reject_spool.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ndc::ingest {
namespace {

void PutString(std::FILE* f, const std::string& s, bool* ok) {
  const uint64_t n = s.size();
  *ok = *ok && std::fwrite(&n, sizeof n, 1, f) == 1 && (n == 0 || std::fwrite(s.data(), 1, n, f) == n);
}

bool GetString(std::FILE* f, std::string* s) {
  uint64_t n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1) return false;
  s->resize(n);
  return n == 0 || std::fread(s->data(), 1, n, f) == n;
}

}  // namespace

Result<std::unique_ptr<RejectSpool>> RejectSpool::Create() {
  std::FILE* f = std::tmpfile();
  if (f == nullptr) {
    return InternalError(fmt::format("ingest: cannot create a temporary file for rejects: {}", std::strerror(errno)));
  }
  return std::unique_ptr<RejectSpool>(new RejectSpool(f));
}

RejectSpool::~RejectSpool() { std::fclose(file_); }

Status RejectSpool::Add(const Reject& reject) {
  bool ok = std::fwrite(&reject.line, sizeof reject.line, 1, file_) == 1;
  const uint64_t n = reject.errors.size();
  ok = ok && std::fwrite(&n, sizeof n, 1, file_) == 1;
  for (const auto& e : reject.errors) {
    PutString(file_, e.field, &ok);
    PutString(file_, e.reason, &ok);
  }
  PutString(file_, reject.raw, &ok);
  if (!ok) return InternalError(fmt::format("ingest: cannot write the reject spool: {}", std::strerror(errno)));
  ++count_;
  return OkStatus();
}

Status RejectSpool::ForEach(const std::function<Status(const Reject&)>& fn) {
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
    return InternalError(fmt::format("ingest: cannot rewind the reject spool: {}", std::strerror(errno)));
  }
  Reject r;
  for (int64_t i = 0; i < count_; ++i) {
    uint64_t n = 0;
    bool ok = std::fread(&r.line, sizeof r.line, 1, file_) == 1 && std::fread(&n, sizeof n, 1, file_) == 1;
    r.errors.assign(ok ? n : 0, FieldProblem{});
    for (auto& e : r.errors) ok = ok && GetString(file_, &e.field) && GetString(file_, &e.reason);
    ok = ok && GetString(file_, &r.raw);
    if (!ok) return DataLossError("ingest: the reject spool is truncated");
    RETURN_IF_ERROR(fn(r));
  }
  std::fseek(file_, 0, SEEK_END);
  return OkStatus();
}

}  // namespace ndc::ingest
