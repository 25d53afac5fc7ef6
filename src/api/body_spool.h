// Spool files: request bodies too large for memory (ingestion batches) are streamed by the HTTP
// server into files under <data_dir>/spool/ and removed once their request is handled. Files are
// named upload-<pid>-<random>, mode 0600, so a restarted server can remove what a crashed one
// left behind without touching the files of another live process. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace ndc::api {

struct SpoolFile {
  int fd = -1;  // open for writing, close-on-exec; owned by the caller
  std::string path;
};

// Creates a new, empty spool file in `dir` (which must exist). kResourceExhausted when the disk
// or the descriptor table is full, kInternal for other errors; the message names the directory.
Result<SpoolFile> CreateSpoolFile(const std::string& dir);

// Whether `more` bytes can be spooled under `dir` and still leave `reserve` bytes free on its file
// system (server.spool_reserve_bytes). True when the file system cannot be asked: the write itself
// then says.
bool SpoolHasRoom(const std::string& dir, uint64_t more, uint64_t reserve);

// Creates `dir` (mode 0700) if needed and removes spool files left by processes that are gone.
// Returns how many were removed; kInternal if the directory cannot be created or read.
Result<int> PrepareSpoolDir(const std::string& dir);

}  // namespace ndc::api
