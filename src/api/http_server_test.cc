// The release gate (Response::send_after) through a real HttpServer on a loopback port: nothing
// of a gated response is sent before its release, a failed release sends a 500 without the
// prepared body, and a waiting response holds no worker thread.
#include "api/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/router.h"

namespace ndc::api {
namespace {

// A blocking loopback client: one request, then whatever arrives within `wait`.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& path) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd_, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  }
  // Reads what arrives until a complete response (by Content-Length) or `wait` passes.
  std::string Read(std::chrono::milliseconds wait) {
    auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0 || Complete()) return got_;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return got_;
      got_.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  bool Complete() const {
    size_t end = got_.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    size_t cl = got_.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) cl = got_.find("content-length: ");
    if (cl == std::string::npos || cl > end) return true;
    size_t length = std::stoul(got_.substr(cl + 16));
    return got_.size() >= end + 4 + length;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::string got_;
};

// Gated responses whose releases the test calls by hand.
struct Gates {
  std::mutex mu;
  std::vector<std::function<void(Status)>> pending;  // guarded by mu
  size_t Count() {
    std::lock_guard lock(mu);
    return pending.size();
  }
  void ReleaseAll(const Status& s) {
    std::vector<std::function<void(Status)>> now;
    {
      std::lock_guard lock(mu);
      now.swap(pending);
    }
    for (auto& release : now) release(s);
  }
};

class ReleaseGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.threads = 1;  // one worker: a gated response must not hold it
    options.shutdown_grace = std::chrono::seconds(5);
    server_ = std::make_unique<HttpServer>(
        options,
        [this](Request& r) {
          Response res = JsonResponse(R"({"secret":"value"})");
          if (r.path == "/gated") {
            res.send_after = [this](std::function<void(Status)> release) {
              std::lock_guard lock(gates_.mu);
              gates_.pending.push_back(std::move(release));
            };
          }
          return res;
        },
        &metrics_, SystemClock());
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    gates_.ReleaseAll(OkStatus());
    server_.reset();
  }
  // Waits until `n` responses are waiting for their release.
  void AwaitGates(size_t n) {
    for (int i = 0; i < 500 && gates_.Count() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(gates_.Count(), n);
  }

  MetricsRegistry metrics_;
  Gates gates_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ReleaseGateTest, NothingIsSentBeforeTheRelease) {
  Client c(server_->port());
  ASSERT_TRUE(c.connected());
  c.Send("/gated");
  AwaitGates(1);
  EXPECT_EQ(c.Read(std::chrono::milliseconds(200)), "");
  gates_.ReleaseAll(OkStatus());
  std::string got = c.Read(std::chrono::seconds(5));
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find(R"("secret":"value")"), std::string::npos) << got;
}

TEST_F(ReleaseGateTest, AFailedReleaseSendsA500WithoutTheBody) {
  Client c(server_->port());
  ASSERT_TRUE(c.connected());
  c.Send("/gated");
  AwaitGates(1);
  gates_.ReleaseAll(InternalError("the decision could not be audited, so nothing was disclosed"));
  std::string got = c.Read(std::chrono::seconds(5));
  EXPECT_NE(got.find("HTTP/1.1 500"), std::string::npos) << got;
  EXPECT_NE(got.find("could not be audited"), std::string::npos) << got;
  EXPECT_EQ(got.find("secret"), std::string::npos) << got;
}

TEST_F(ReleaseGateTest, AWaitingResponseHoldsNoWorkerThread) {
  // Three gated requests wait on the server's only worker thread while an ungated one is served.
  std::vector<std::unique_ptr<Client>> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(waiting.back()->connected());
    waiting.back()->Send("/gated");
  }
  AwaitGates(3);
  Client free(server_->port());
  ASSERT_TRUE(free.connected());
  free.Send("/open");
  std::string got = free.Read(std::chrono::seconds(5));
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  for (auto& w : waiting) EXPECT_EQ(w->Read(std::chrono::milliseconds(20)), "");
  gates_.ReleaseAll(OkStatus());
  for (auto& w : waiting) EXPECT_NE(w->Read(std::chrono::seconds(5)).find("HTTP/1.1 200"), std::string::npos);
}

TEST(AllOf, ReleasesOnceEveryGateIsReleasedWithTheFirstError) {
  std::vector<std::function<void(Status)>> held;
  auto gate = [&held](std::function<void(Status)> release) { held.push_back(std::move(release)); };
  ReleaseGate all = AllOf({gate, gate, gate});
  std::vector<Status> results;
  all([&results](Status s) { results.push_back(std::move(s)); });
  ASSERT_EQ(held.size(), 3u);
  held[0](OkStatus());
  held[1](NotFoundError("second"));
  EXPECT_TRUE(results.empty());
  held[2](InternalError("third"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kNotFound);
  EXPECT_EQ(AllOf({}), nullptr);
}

TEST(WaitForRelease, ReturnsTheResponseOrA500) {
  Response ok = JsonResponse(R"({"a":1})");
  ok.send_after = [](std::function<void(Status)> release) {
    std::thread([release] { release(OkStatus()); }).detach();
  };
  EXPECT_EQ(WaitForRelease(ok).body, R"({"a":1})");
  Response failed = JsonResponse(R"({"a":1})");
  failed.send_after = [](std::function<void(Status)> release) { release(InternalError("no audit")); };
  Response r = WaitForRelease(failed);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find(R"("a")"), std::string::npos);
}

}  // namespace
}  // namespace ndc::api
