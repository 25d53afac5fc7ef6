#include "common/metrics.h"

#include <gtest/gtest.h>

namespace ndc {
namespace {

TEST(Metrics, SameSeriesIsSameObject) {
  MetricsRegistry r;
  Counter* a = r.GetCounter("ndc_x_total", "x", {{"k", "v"}});
  EXPECT_EQ(a, r.GetCounter("ndc_x_total", "x", {{"k", "v"}}));
  EXPECT_NE(a, r.GetCounter("ndc_x_total", "x", {{"k", "w"}}));
}

TEST(Metrics, RendersPrometheusText) {
  MetricsRegistry r;
  r.GetCounter("ndc_requests_total", "Requests.", {{"code", "200"}})->Inc(3);
  r.GetGauge("ndc_open", "Open.")->Set(2);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE ndc_requests_total counter\nndc_requests_total{code=\"200\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ndc_open 2\n"), std::string::npos);
}

TEST(Metrics, AdvanceToNeverLowersACounter) {
  MetricsRegistry r;
  Counter* c = r.GetCounter("ndc_copied_total", "Copied.");
  c->AdvanceTo(5);
  EXPECT_EQ(c->value(), 5);
  c->AdvanceTo(3);  // an older copy
  EXPECT_EQ(c->value(), 5);
  c->AdvanceTo(9);
  EXPECT_EQ(c->value(), 9);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  MetricsRegistry r;
  Histogram* h = r.GetHistogram("ndc_latency_seconds", "Latency.");
  h->ObserveMicros(200);      // 0.0002 s -> first bucket
  h->ObserveMicros(3000000);  // 3 s -> le=5
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("ndc_latency_seconds_bucket{le=\"0.0005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ndc_latency_seconds_bucket{le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ndc_latency_seconds_count 2\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  MetricsRegistry r;
  r.GetCounter("ndc_c", "c", {{"path", "a\"b"}})->Inc();
  EXPECT_NE(r.RenderPrometheus().find("ndc_c{path=\"a\\\"b\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace ndc
