// File, standard input and memory byte sources (input.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ingest/formats/input.h"

namespace ndc::ingest {
namespace {

Status ErrnoStatus(int err, std::string_view what, const std::string& path) {
  std::string msg = std::string(what) + " '" + path + "': " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(std::move(msg));
    case EACCES:
    case EPERM:
      return PermissionDeniedError(std::move(msg));
    default:
      return InternalError(std::move(msg));
  }
}

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, bool owned, std::string path, int64_t total)
      : fd_(fd), owned_(owned), path_(std::move(path)), total_(total) {}
  ~FileSource() override {
    if (owned_) ::close(fd_);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) {
        consumed_ += got;
        return static_cast<size_t>(got);
      }
      if (errno != EINTR) return ErrnoStatus(errno, "read", path_);
    }
  }
  int64_t consumed() const override { return consumed_; }
  int64_t total() const override { return total_; }

 private:
  int fd_;
  bool owned_;
  std::string path_;
  int64_t total_;
  int64_t consumed_ = 0;
};

class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  int64_t consumed() const override { return static_cast<int64_t>(pos_); }
  int64_t total() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  int fd = 0;
  bool owned = false;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
    owned = true;
  }
  int64_t total = -1;
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (owned) ::close(fd);
      return InvalidArgumentError("'" + path + "' is a directory, not a file");
    }
    if (S_ISREG(st.st_mode)) total = st.st_size;
  }
  return std::unique_ptr<ByteSource>(new FileSource(fd, owned, path == "-" ? "<stdin>" : path, total));
}

std::unique_ptr<ByteSource> MemorySource(std::string data) {
  return std::make_unique<StringSource>(std::move(data));
}

}  // namespace ndc::ingest
