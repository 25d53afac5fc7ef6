#include <gtest/gtest.h>

#include <string>

#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(Nfc, ComposesDecomposedVietnamese) {
  Result<std::string> r = NormalizeNfc("Nguye\u0302\u0303n Thi\u0323");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "Nguyễn Thị");
}

TEST(Nfc, OrdersDotBelowAndCircumflex) {
  EXPECT_EQ(NormalizeNfc("e\u0302\u0323").value(), "\u1EC7");  // ệ
  EXPECT_EQ(NormalizeNfc("e\u0323\u0302").value(), "\u1EC7");
}

TEST(Nfc, AsciiAndEmptyUnchanged) {
  EXPECT_EQ(NormalizeNfc("Nguyen Van An").value(), "Nguyen Van An");
  EXPECT_EQ(NormalizeNfc("").value(), "");
}

TEST(Nfc, RejectsInvalidUtf8WithOffset) {
  Result<std::string> r = NormalizeNfc("Nguyễn\xC3");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "invalid UTF-8 at byte 8");
}

TEST(Nfc, LongInputCrossesChunks) {
  std::string nfd, nfc;
  for (int i = 0; i < 1'000'000; ++i) {  // 3 MB: several ICU chunks
    nfd += "e\u0302";
    nfc += "ê";
  }
  EXPECT_EQ(NormalizeNfc(nfd).value(), nfc);
}

TEST(Nfc, HostileRunOfMarksIsNormalized) {
  std::string marks;
  for (int i = 0; i < 600'000; ++i) marks += "\u0301";  // 1.2 MB without a boundary
  Result<std::string> r = NormalizeNfc("a" + marks);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "á" + marks.substr(2));
}

}  // namespace
}  // namespace ndc::text
