// Metrics: counters, gauges and histograms rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics. Families are registered once; each (name, labels) series is
// created on first use and lives as long as the registry. All operations are thread-safe;
// updating a series is a lock-free atomic operation.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ndc {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Inc(int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  // Raises the count to `total` if it is below (a count kept elsewhere, copied at scrape time);
  // never lowers it, so the series stays monotonic under concurrent scrapes.
  void AdvanceTo(int64_t total) {
    int64_t v = v_.load(std::memory_order_relaxed);
    while (v < total && !v_.compare_exchange_weak(v, total, std::memory_order_relaxed)) {
    }
  }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { v_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { v_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Fixed buckets in seconds; observations are in microseconds to stay integral.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds_seconds);
  void ObserveMicros(int64_t micros);
  const std::vector<double>& bounds() const { return bounds_; }
  int64_t bucket_count(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  int64_t sum_micros() const { return sum_micros_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // non-cumulative, one per bound, +1 for +Inf
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};
};

class MetricsRegistry {
 public:
  // The same (name, labels) always returns the same object. Names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]*; `help` is kept from the first registration.
  Counter* GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help, const Labels& labels = {});

  std::string RenderPrometheus() const;

  // The process-wide registry.
  static MetricsRegistry* Global();

 private:
  struct Family {
    std::string type;  // counter | gauge | histogram
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace ndc
