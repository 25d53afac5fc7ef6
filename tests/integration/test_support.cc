#include "test_support.h"

#include <algorithm>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

extern char** environ;

namespace ndc::testing {
namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::vector<std::string> Environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, int* out_fd,
            int* err_fd) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  // Standard input is empty: a command that reads it (`ndc ingest DATASET -`) never waits on the
  // terminal a test was started from.
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  std::vector<std::string> argv = {NDC_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> envv = Environment(env);
  auto cargv = CStrings(argv);
  auto cenv = CStrings(envv);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, NDC_BINARY, &actions, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return -1;
  }
  *out_fd = out_pipe[0];
  *err_fd = err_pipe[0];
  return pid;
}

}  // namespace

TempDir::TempDir() {
  std::string base = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string templ = base + "/ndc-it-XXXXXX";
  char* p = mkdtemp(templ.data());
  path_ = p ? p : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string SourceDir() { return NDC_SOURCE_DIR; }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string InitTestHub(store::Backend backend, const std::string& hub_dir,
                        std::unique_ptr<store::TestDatabase>* pg, std::string* error) {
  std::vector<std::string> init = {"init", "--data", hub_dir, "--quiet"};
  if (backend == store::Backend::kPostgres) {
    auto db = store::NewTestDatabase(store::Backend::kPostgres);
    if (!db.ok()) {
      *error = db.status().ToString();
      return "";
    }
    *pg = std::move(*db);
    init.push_back("--db");
    init.push_back((*pg)->url());
  }
  CommandResult r = RunNdc(init);
  if (r.exit_code != 0) {
    *error = "ndc init failed: " + r.err;
    return "";
  }
  return Trim(r.out);
}

CommandResult RunNdc(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  CommandResult r;
  int out_fd = -1, err_fd = -1;
  pid_t pid = Spawn(args, env, &out_fd, &err_fd);
  if (pid < 0) return r;
  // Read stderr on a thread so neither pipe can fill up and block the child.
  std::string err;
  std::thread t([&] { err = ReadAll(err_fd); });
  r.out = ReadAll(out_fd);
  t.join();
  close(out_fd);
  close(err_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = err;
  return r;
}

HttpConnection::HttpConnection(int port) : HttpConnection(port, "") {}

HttpConnection::HttpConnection(int port, const std::string& source) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  timeval tv{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (!source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    if (inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

bool HttpConnection::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

HttpResponse HttpConnection::ReadResponse(bool head_request) {
  HttpResponse r;
  char buf[8192];
  auto fill = [&]() -> bool {
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  };
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return r;
  }
  std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return r;
  r.status = std::atoi(status_line.substr(9, 3).c_str());
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    pos = e + 2;
  }
  // The answer to HEAD has no body whatever its Content-Length says (RFC 9110 §9.3.2).
  size_t length = r.headers.count("content-length") && !head_request ? std::stoul(r.headers["content-length"]) : 0;
  while (buffer_.size() < length) {
    if (!fill()) break;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, std::min(length, buffer_.size()));
  r.closed = r.headers.count("connection") && r.headers["connection"] == "close";
  return r;
}

HttpResponse HttpConnection::Request(const std::string& method, const std::string& target, const std::string& body,
                                     const std::map<std::string, std::string>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!SendRaw(req)) return {};
  return ReadResponse(method == "HEAD");
}

struct ServerProcess::Log {
  std::mutex mu;
  std::condition_variable done_cv;
  std::string text;
  bool done = false;  // the reader reached the end of the server's stderr
};

ServerProcess::ServerProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::vector<std::string> a = {"serve"};
  if (std::find(args.begin(), args.end(), "--listen") == args.end()) a.insert(a.end(), {"--listen", "127.0.0.1:0"});
  a.insert(a.end(), args.begin(), args.end());
  int err_fd = -1;
  // Test hubs live under $TMPDIR, which may be a small file system: uploads keep no free-space
  // reserve unless a test sets one (IngestHttpTest.AnUploadThatWouldEatTheReserveIsRefused does).
  std::map<std::string, std::string> with_env = env;
  with_env.emplace("NDC_SERVER_SPOOL_RESERVE_BYTES", "0");
  pid_ = Spawn(a, with_env, &out_fd_, &err_fd);
  if (pid_ < 0) return;
  // The server logs to stderr; keep it (for failure messages) and never let the pipe fill up.
  log_ = std::make_shared<Log>();
  std::thread([err_fd, log = log_] {
    char buf[4096];
    ssize_t n;
    while ((n = read(err_fd, buf, sizeof(buf))) > 0) {
      std::lock_guard<std::mutex> lock(log->mu);
      log->text.append(buf, static_cast<size_t>(n));
    }
    close(err_fd);
    std::lock_guard<std::mutex> lock(log->mu);
    log->done = true;
    log->done_cv.notify_all();
  }).detach();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[1024];
    ssize_t n = read(out_fd_, buf, sizeof(buf));
    if (n <= 0) break;
    startup_.append(buf, static_cast<size_t>(n));
    for (std::string_view host : {"://127.0.0.1:", "://0.0.0.0:"}) {  // http or https
      size_t at = startup_.find(host);
      if (at != std::string::npos && startup_.find(' ', at + host.size()) != std::string::npos) {
        port_ = std::atoi(startup_.c_str() + at + host.size());
        break;
      }
    }
    if (port_ != 0) break;
  }
}

std::string ServerProcess::output() const {
  std::string out = startup_;
  if (log_) {
    std::lock_guard<std::mutex> lock(log_->mu);
    out += log_->text;
  }
  return out;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

int ServerProcess::WaitExit(int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      // The process is gone: let the log reader take the rest of its stderr, so that output()
      // holds everything it printed (the last lines often say why it exited).
      if (log_) {
        std::unique_lock<std::mutex> lock(log_->mu);
        log_->done_cv.wait_for(lock, std::chrono::seconds(5), [this] { return log_->done; });
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

void ServerProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int ServerProcess::Terminate(int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  return WaitExit(timeout_ms);
}

bool ClosedWithin(int fd, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  char byte;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0 && ::recv(fd, &byte, 1, 0) <= 0) return true;
  }
  return false;
}

}  // namespace ndc::testing
