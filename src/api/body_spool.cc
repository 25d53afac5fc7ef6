#include "api/body_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

namespace ndc::api {
namespace {

constexpr std::string_view kPrefix = "upload-";

// The pid in "upload-<pid>-XXXXXX", or 0.
pid_t OwnerOf(std::string_view name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return 0;
  name.remove_prefix(kPrefix.size());
  size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9) return 0;
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

}  // namespace

Result<SpoolFile> CreateSpoolFile(const std::string& dir) {
  std::string path = fmt::format("{}/{}{}-XXXXXX", dir, kPrefix, getpid());
  int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = fmt::format("cannot create a spool file in {}: {}", dir, std::strerror(err));
    if (err == ENOSPC || err == EDQUOT || err == EMFILE || err == ENFILE) return ResourceExhaustedError(msg);
    return InternalError(msg);
  }
  return SpoolFile{fd, path};
}

bool SpoolHasRoom(const std::string& dir, uint64_t more, uint64_t reserve) {
  struct statvfs fs {};
  if (statvfs(dir.c_str(), &fs) != 0) return true;
  const uint64_t available = static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_frsize);
  return available >= more && available - more >= reserve;
}

Result<int> PrepareSpoolDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError(fmt::format("cannot create the spool directory {}: {}", dir, ec.message()));
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  int removed = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    pid_t owner = OwnerOf(it->path().filename().string());
    if (owner <= 0 || owner == getpid()) continue;
    if (kill(owner, 0) == 0 || errno == EPERM) continue;  // that process is alive: its upload
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++removed;
  }
  if (ec) return InternalError(fmt::format("cannot read the spool directory {}: {}", dir, ec.message()));
  return removed;
}

}  // namespace ndc::api
