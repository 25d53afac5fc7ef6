// ndc_pg_harness: a throwaway PostgreSQL server for tests — the CTest fixture `pg_server`
// (docs/design/store.md, "Test harness").
//
//   ndc_pg_harness start --dir DIR   initdb into a fresh /tmp/ndc_pg_XXXXXX, start it on a free
//                                    127.0.0.1 port with trust auth (loopback and its private
//                                    socket directory only), write its URL to DIR/conninfo
//   ndc_pg_harness stop --dir DIR    stop that server and delete its data directory
//
// PostgreSQL refuses to run as root, so as root the server programs run as the `postgres`
// system user through `runuser -u postgres --`, and the data directory is chowned to it.
// Binaries: $NDC_PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kStartAttempts = 5;

std::optional<fs::path> FindBinDir() {
  if (const char* env = std::getenv("NDC_PG_BINDIR"); env && *env) return fs::path(env);
  std::optional<fs::path> best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl")) {
      best = bin;
      best_version = version;
    }
  }
  return best;
}

// A port nobody listens on right now (the kernel's pick for port 0). Another process may take
// it before the server binds; the caller retries with a new port then.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// Runs argv (as the postgres user when `as_postgres`) with stdin from /dev/null and output
// appended to `log`, so no daemon inherits the caller's (ctest's) pipes. Returns the exit code.
int Run(std::vector<std::string> argv, const fs::path& log, bool as_postgres) {
  if (as_postgres) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = open("/dev/null", O_RDONLY);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    if (in >= 0) dup2(in, 0);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteFile(const fs::path& p, const std::string& content, bool append = false) {
  std::ofstream out(p, append ? std::ios::app : std::ios::trunc);
  out << content;
  return static_cast<bool>(out.flush());
}

// Writes via a temporary name and rename, so readers never see half a file.
bool WriteAtomically(const fs::path& p, const std::string& content) {
  fs::path tmp = p;
  tmp += ".tmp";
  if (!WriteFile(tmp, content)) return false;
  std::error_code ec;
  fs::rename(tmp, p, ec);
  return !ec;
}

int Fail(const std::string& message, const fs::path& root = {}) {
  std::cerr << "ndc_pg_harness: " << message << "\n";
  if (!root.empty()) {
    for (const char* log : {"harness.log", "server.log"}) {
      std::string text = ReadFile(root / log);
      if (!text.empty()) std::cerr << "---- " << log << " ----\n" << text;
    }
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  return 1;
}

int Stop(const fs::path& dir) {
  std::istringstream state(ReadFile(dir / "state"));
  std::string root_text, bin_text;
  std::getline(state, root_text);
  std::getline(state, bin_text);
  if (root_text.empty()) {
    std::cout << "ndc_pg_harness: no server recorded in " << dir.string() << "; nothing to stop\n";
    return 0;
  }
  const fs::path root = root_text, bin = bin_text;
  const fs::path data = root / "data";
  int rc = Run({(bin / "pg_ctl").string(), "-D", data.string(), "-m", "immediate", "-w", "-t", "60", "stop"},
               root / "harness.log", geteuid() == 0);
  if (rc != 0) {
    // pg_ctl could not stop it (or it was already gone): make sure no postmaster survives.
    std::istringstream pidfile(ReadFile(data / "postmaster.pid"));
    long pid = 0;
    if (pidfile >> pid && pid > 0) kill(static_cast<pid_t>(pid), SIGKILL);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::remove(dir / "conninfo", ec);
  fs::remove(dir / "state", ec);
  std::cout << "ndc_pg_harness: stopped the server in " << root.string() << "\n";
  return 0;
}

int Start(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail("cannot create " + dir.string() + ": " + ec.message());
  if (fs::exists(dir / "state")) Stop(dir);  // left over from an interrupted run
  std::optional<fs::path> bin = FindBinDir();
  if (!bin)
    return Fail(
        "no PostgreSQL binaries in /usr/lib/postgresql/*/bin (install postgresql-15 or set NDC_PG_BINDIR)");

  const bool as_postgres = geteuid() == 0;
  std::string root_text = "/tmp/ndc_pg_XXXXXX";
  if (mkdtemp(root_text.data()) == nullptr) return Fail("mkdtemp failed in /tmp");
  const fs::path root = root_text, data = root / "data", sock = root / "sock";
  fs::create_directory(sock, ec);
  if (as_postgres) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr)
      return Fail("running as root but there is no 'postgres' user to run the server as", root);
    if (chown(root.c_str(), pw->pw_uid, pw->pw_gid) != 0 ||
        chown(sock.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Fail("cannot chown " + root.string() + " to postgres", root);
    }
  }
  chmod(root.c_str(), 0700);
  chmod(sock.c_str(), 0700);

  const fs::path log = root / "harness.log";
  if (Run({(*bin / "initdb").string(), "-D", data.string(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
           "--locale=C", "--no-sync", "--no-instructions"},
          log, as_postgres) != 0) {
    return Fail("initdb failed", root);
  }
  // Trust only the private socket directory and loopback; the server listens on nothing else.
  if (!WriteFile(data / "pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n") ||
      !WriteFile(data / "postgresql.conf",
                 "\n# ndc_pg_harness: a throwaway test server (durability is not tested on it).\n"
                 "listen_addresses = '127.0.0.1'\n"
                 "unix_socket_directories = '" +
                     sock.string() +
                     "'\n"
                     "max_connections = 300\n"
                     "shared_buffers = 32MB\n"
                     "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                     "log_min_messages = warning\n",
                 /*append=*/true)) {
    return Fail("cannot write the server configuration", root);
  }

  int port = -1;
  for (int attempt = 0; attempt < kStartAttempts && port < 0; ++attempt) {
    int candidate = FreePort();
    if (candidate <= 0) continue;
    if (Run({(*bin / "pg_ctl").string(), "-D", data.string(), "-l", (root / "server.log").string(), "-w",
             "-t", "60", "-o", "-p " + std::to_string(candidate), "start"},
            log, as_postgres) == 0) {
      port = candidate;
    }
  }
  if (port < 0) return Fail("pg_ctl start failed " + std::to_string(kStartAttempts) + " times", root);

  const std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/postgres";
  if (!WriteAtomically(dir / "state", root.string() + "\n" + bin->string() + "\n") ||
      !WriteAtomically(dir / "conninfo", url + "\n")) {
    Run({(*bin / "pg_ctl").string(), "-D", data.string(), "-m", "immediate", "stop"}, log, as_postgres);
    return Fail("cannot write " + (dir / "conninfo").string(), root);
  }
  std::cout << "ndc_pg_harness: PostgreSQL (" << bin->string() << ") at " << url << ", data in " << root.string()
            << ", URL in " << (dir / "conninfo").string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() != 3 || args[1] != "--dir" || (args[0] != "start" && args[0] != "stop")) {
    std::cerr << "usage: ndc_pg_harness start|stop --dir DIR\n";
    return 2;
  }
  const fs::path dir = fs::absolute(args[2]);
  return args[0] == "start" ? Start(dir) : Stop(dir);
}
