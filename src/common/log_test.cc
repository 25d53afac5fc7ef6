#include "common/log.h"

#include <gtest/gtest.h>

namespace ndc::log {
namespace {

TEST(Log, TextQuotesValuesThatNeedIt) {
  EXPECT_EQ(FormatText("http.request", {{"path", "/v1/x"}, {"status", 200}, {"who", "Nguyễn Văn A"}}),
            "http.request path=/v1/x status=200 who=\"Nguyễn Văn A\"");
}

TEST(Log, TextEscapesHostileValues) {
  EXPECT_EQ(FormatText("e", {{"v", "a\"b\nc"}}), "e v=\"a\\\"b\\nc\"");
}

TEST(Log, JsonIsOneObject) {
  EXPECT_EQ(FormatJson("start", {{"port", 8080}}), "{\"event\":\"start\",\"port\":\"8080\"}");
}

TEST(Log, InitRejectsUnknownLevel) {
  EXPECT_EQ(InitLogging("loud", "text").message(), "log level must be trace, debug, info, warn, error or off, got 'loud'");
  EXPECT_EQ(InitLogging("info", "xml").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ndc::log
