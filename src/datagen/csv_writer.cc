#include "datagen/csv_writer.h"

#include <cerrno>
#include <cstring>

namespace ndc::datagen {
namespace {
constexpr size_t kBufferSize = 1 << 20;
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return UnavailableError("cannot create '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<CsvWriter>(new CsvWriter(path, f));
}

CsvWriter::CsvWriter(std::string path, std::FILE* f) : path_(std::move(path)), file_(f) {
  buffer_.reserve(kBufferSize + 4096);
}

CsvWriter::~CsvWriter() { (void)Close(); }

void CsvWriter::Field(std::string_view value) {
  if (!first_in_row_) buffer_.push_back(',');
  first_in_row_ = false;
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    buffer_.append(value);
    return;
  }
  buffer_.push_back('"');
  for (char c : value) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvWriter::EndRow() {
  buffer_.append("\r\n");
  first_in_row_ = true;
  ++rows_;
  if (buffer_.size() >= kBufferSize) Flush();
}

void CsvWriter::Flush() {
  if (buffer_.empty()) return;
  if (!failed_ && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    failed_ = true;
    error_ = errno;
  }
  bytes_ += buffer_.size();
  buffer_.clear();
}

Status CsvWriter::Close() {
  if (closed_) return close_status_;
  closed_ = true;
  Flush();
  if (std::fclose(file_) != 0 && !failed_) {
    failed_ = true;
    error_ = errno;
  }
  if (failed_) close_status_ = UnavailableError("cannot write '" + path_ + "': " + std::strerror(error_));
  return close_status_;
}

}  // namespace ndc::datagen
