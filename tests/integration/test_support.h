// Support for integration tests: temporary directories, running the real `ndc` binary, a real
// server process on a free port, and a small blocking HTTP/1.1 client over loopback. Nothing
// here is mocked: the server is the shipped binary, the store a real SQLite file or PostgreSQL
// database. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/testing/test_database.h"

namespace ndc::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `ndc args...` with extra environment variables; waits for it.
CommandResult RunNdc(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

// The repository root (for examples/ and docs/).
std::string SourceDir();

// `s` without trailing newlines and spaces (command output).
std::string Trim(std::string s);

// Runs `ndc init --data hub_dir --quiet` on SQLite or, for kPostgres, on a fresh database kept
// alive in *pg. Returns the operator key, or "" with *error saying why.
std::string InitTestHub(store::Backend backend, const std::string& hub_dir,
                        std::unique_ptr<store::TestDatabase>* pg, std::string* error);

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool closed = false;  // the server closed the connection after this response
};

// One keep-alive connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(int port);
  // From `source`, another loopback address (e.g. "127.0.0.2"): a client at another address.
  HttpConnection(int port, const std::string& source);
  ~HttpConnection();
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Sends raw bytes (a whole or partial request).
  bool SendRaw(const std::string& bytes);
  // Reads one response (status line, headers, Content-Length body). status 0 on failure.
  // `head_request`: the answer is to a HEAD request, so no body follows its headers.
  HttpResponse ReadResponse(bool head_request = false);
  // Sends a request and reads its response.
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

 private:
  int fd_ = -1;
  std::string buffer_;
};

// True once the peer closes `fd` (EOF or reset) within `limit`; false if it is still open then.
// Bytes the peer sends meanwhile are read and dropped.
bool ClosedWithin(int fd, std::chrono::milliseconds limit);

// The real server: `ndc serve --listen 127.0.0.1:0 <args>`, its port read from its first line.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
  ~ServerProcess();  // SIGKILL if still running
  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  // What the server printed so far: stdout up to the port line, then its log (stderr).
  std::string output() const;
  // Sends SIGTERM and waits (up to `timeout_ms`); returns the exit status, or -1 on timeout.
  int Terminate(int timeout_ms = 20000);
  // Sends a signal without waiting.
  void Signal(int sig);
  // Waits for exit without signalling; -1 on timeout. Once it returns an exit status, output()
  // holds all the server printed.
  int WaitExit(int timeout_ms);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
  std::string startup_;
  struct Log;
  std::shared_ptr<Log> log_;
};

}  // namespace ndc::testing
