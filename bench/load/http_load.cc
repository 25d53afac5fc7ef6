#include "load/http_load.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace ndc::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::string out;
  size_t sent = 0;
  std::string in;
  SteadyClock::time_point start;
  bool done = false;  // no further request (the window is over)
};

// Status and total length (header + body) of the response at the front of `in`, once its
// header is complete; false while it is not. A response without Content-Length has no body.
bool ParseHead(const std::string& in, int* status, size_t* total) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  *status = in.size() > 12 ? std::atoi(in.c_str() + 9) : 0;
  size_t length = 0;
  for (size_t pos = in.find("\r\n"); pos < end; pos = in.find("\r\n", pos + 2)) {
    if (strncasecmp(in.c_str() + pos + 2, "content-length:", 15) == 0) {
      length = std::strtoull(in.c_str() + pos + 17, nullptr, 10);
    }
  }
  *total = end + 4 + length;
  return true;
}

}  // namespace

double LatencyRecorder::QuantileMillis(double q) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  size_t i = std::min(samples_.size() - 1, static_cast<size_t>(q * static_cast<double>(samples_.size())));
  return samples_[i] / 1000.0;
}

bool LoadGenerator::Run(const RequestFn& next, const ResponseFn& check, LoadResult* result, std::string* error) {
  int ep = epoll_create1(0);
  if (ep < 0) {
    *error = std::string("epoll_create1: ") + std::strerror(errno);
    return false;
  }
  std::vector<Conn> conns(static_cast<size_t>(options_.connections));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options_.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  auto watch = [&](int c, bool want_out) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want_out ? EPOLLOUT : 0u);
    ev.data.u32 = static_cast<uint32_t>(c);
    epoll_ctl(ep, EPOLL_CTL_MOD, conns[c].fd, &ev);
  };
  auto flush = [&](int c) {
    Conn& k = conns[c];
    while (k.sent < k.out.size()) {
      ssize_t n = send(k.fd, k.out.data() + k.sent, k.out.size() - k.sent, MSG_NOSIGNAL);
      if (n < 0) break;  // EAGAIN (or an error the next read reports)
      k.sent += static_cast<size_t>(n);
    }
    watch(c, k.sent < k.out.size());
  };
  auto start_request = [&](int c) {
    Conn& k = conns[c];
    k.out = next(c);
    k.sent = 0;
    k.in.clear();
    k.start = SteadyClock::now();
    flush(c);
  };
  auto open = [&](int c) -> bool {
    Conn& k = conns[c];
    if (k.fd >= 0) close(k.fd);
    k.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (k.fd < 0) return false;
    int one = 1;
    setsockopt(k.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(k.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS) return false;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = static_cast<uint32_t>(c);
    return epoll_ctl(ep, EPOLL_CTL_ADD, k.fd, &ev) == 0;
  };

  bool ok = true;
  for (int c = 0; c < options_.connections && ok; ++c) {
    ok = open(c);
    if (ok) start_request(c);
  }
  if (!ok) *error = std::string("cannot connect to 127.0.0.1: ") + std::strerror(errno);

  const auto begin = SteadyClock::now();
  const auto deadline = begin + std::chrono::duration_cast<SteadyClock::duration>(
                                    std::chrono::duration<double>(options_.seconds));
  auto last_progress = begin, last_done = begin;
  int active = options_.connections;
  std::vector<epoll_event> events(static_cast<size_t>(options_.connections));
  char buf[65536];
  while (ok && active > 0) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    auto now = SteadyClock::now();
    if (now > deadline + std::chrono::seconds(5)) break;  // stragglers: give up on them
    for (int e = 0; e < n && ok; ++e) {
      int c = static_cast<int>(events[e].data.u32);
      Conn& k = conns[c];
      if (k.done) continue;
      if (events[e].events & EPOLLOUT) flush(c);
      if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
      bool closed = false;
      for (;;) {
        ssize_t r = recv(k.fd, buf, sizeof(buf), 0);
        if (r > 0) {
          k.in.append(buf, static_cast<size_t>(r));
          continue;
        }
        closed = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
      }
      int status = 0;
      size_t total = 0;
      if (ParseHead(k.in, &status, &total) && k.in.size() >= total) {
        now = SteadyClock::now();
        result->latency.Add(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now - k.start).count()));
        ++result->completed;
        ++result->statuses[status];
        last_done = now;
        size_t head = k.in.find("\r\n\r\n") + 4;
        if (!check(status, std::string_view(k.in).substr(head, total - head))) {
          *error = "a response failed the check";
          ok = false;
          break;
        }
        if (now >= deadline) {
          k.done = true;
          --active;
          continue;
        }
        if (!closed) {
          start_request(c);
          continue;
        }
      }
      if (closed) {
        ++result->reconnects;
        if (now >= deadline) {
          k.done = true;
          --active;
        } else if (!open(c)) {
          *error = std::string("cannot reconnect: ") + std::strerror(errno);
          ok = false;
        } else {
          start_request(c);
        }
      }
    }
    if (options_.progress && now - last_progress >= std::chrono::seconds(1)) {
      last_progress = now;
      options_.progress(std::chrono::duration<double>(now - begin).count(), result->completed);
    }
  }
  result->seconds = std::chrono::duration<double>(last_done - begin).count();
  for (auto& k : conns) {
    if (k.fd >= 0) close(k.fd);
  }
  close(ep);
  return ok;
}

}  // namespace ndc::bench
