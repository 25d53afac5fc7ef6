// bench/load/http_load: a small closed-loop HTTP/1.1 load generator for the benchmarks (wrk is
// not part of the build machine). One thread drives C keep-alive connections to 127.0.0.1:port
// with epoll; each connection always has exactly one request in flight (send, read the whole
// Content-Length response, record its latency, send the next), like wrk without pipelining.
// Responses must carry Content-Length (NDC's server always sends it); a connection the server
// closes is reopened and counted.
//
// Thread safety: one Run() at a time per LoadGenerator; the callbacks run on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ndc::bench {

// Latencies of completed requests, in microseconds.
class LatencyRecorder {
 public:
  void Add(uint32_t micros) { samples_.push_back(micros); }
  size_t count() const { return samples_.size(); }
  // The q-quantile (0..1) in milliseconds; sorts on first use after an Add. 0 when empty.
  double QuantileMillis(double q);

 private:
  std::vector<uint32_t> samples_;
  bool sorted_ = false;
};

struct LoadOptions {
  uint16_t port = 0;
  int connections = 64;
  double seconds = 10;
  // Called every second with the requests completed so far (progress output).
  std::function<void(double elapsed, uint64_t completed)> progress;
};

struct LoadResult {
  uint64_t completed = 0;        // responses read in the measured window
  uint64_t reconnects = 0;       // connections the server closed (or that failed) and were reopened
  double seconds = 0;            // wall time of the window
  std::map<int, uint64_t> statuses;  // HTTP status -> count
  LatencyRecorder latency;
  double RequestsPerSecond() const { return seconds > 0 ? completed / seconds : 0; }
};

// Builds the next request (the whole bytes, ending the header with "\r\n\r\n") for connection `c`.
using RequestFn = std::function<std::string(int c)>;
// Sees each response (status and body); return false to abort the run (e.g. a body that
// discloses what it must not). Called for every response: keep it cheap.
using ResponseFn = std::function<bool(int status, std::string_view body)>;

class LoadGenerator {
 public:
  explicit LoadGenerator(LoadOptions options) : options_(std::move(options)) {}
  // Runs for options.seconds. Returns false with *error set if connecting failed or the
  // response callback aborted.
  bool Run(const RequestFn& next, const ResponseFn& check, LoadResult* result, std::string* error);

 private:
  LoadOptions options_;
};

}  // namespace ndc::bench
