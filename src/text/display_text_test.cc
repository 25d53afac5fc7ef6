// text::FindControlOrInvisible and CheckDisplayText (text/unicode.h).
#include <gtest/gtest.h>

#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(DisplayText, FindsControlsAndInvisibleFormattingCharacters) {
  EXPECT_EQ(FindControlOrInvisible("Bộ Công an"), std::nullopt);
  EXPECT_EQ(FindControlOrInvisible(""), std::nullopt);
  // Each kind, where it stands: C0, DEL, C1 (U+0085, U+009B), zero-width space and joiner,
  // the right-to-left mark, the right-to-left override, an isolate, the word joiner, the BOM.
  const std::pair<const char*, char32_t> cases[] = {
      {"x\x1b[31mred", 0x1B}, {"del\x7f", 0x7F},         {"a\xc2\x85" "b", 0x85},   {"\xc2\x9b" "2J", 0x9B},
      {"Ng\xe2\x80\x8buy", 0x200B}, {"a\xe2\x80\x8d", 0x200D}, {"\xe2\x80\x8f" "x", 0x200F},
      {"Nguy\xe1\xbb\x85n\xe2\x80\xae" "V\xc4\x83n", 0x202E}, {"\xe2\x81\xa6" "a", 0x2066},
      {"a\xe2\x81\xa0" "b", 0x2060}, {"\xef\xbb\xbf" "title", 0xFEFF}};
  for (const auto& [text, want] : cases) {
    EXPECT_EQ(FindControlOrInvisible(text), std::optional<char32_t>(want)) << text;
  }
  // The later additions: soft hyphen, Arabic letter mark, Hangul filler, Mongolian vowel
  // separator, line and paragraph separators, halfwidth Hangul filler, annotation mark, a tag.
  const std::pair<const char*, char32_t> more[] = {
      {"Ng\xc2\xad" "uy", 0xAD}, {"a\xd8\x9c", 0x61C}, {"\xe1\x85\x9f", 0x115F}, {"a\xe1\xa0\x8e", 0x180E},
      {"one\xe2\x80\xa8two", 0x2028}, {"\xe2\x80\xa9", 0x2029}, {"\xe3\x85\xa4", 0x3164},
      {"\xef\xbe\xa0", 0xFFA0}, {"\xef\xbf\xb9", 0xFFF9}, {"flag\xf3\xa0\x81\x81", 0xE0041}};
  for (const auto& [text, want] : more) {
    EXPECT_EQ(FindControlOrInvisible(text), std::optional<char32_t>(want)) << text;
  }
  // Neighbours that are fine: NBSP, an en space, the narrow NBSP, U+2065 (unassigned, not a
  // formatting character), U+2070.
  EXPECT_EQ(FindControlOrInvisible("a\xc2\xa0" "b\xe2\x80\x82" "c\xe2\x80\xaf" "d\xe2\x81\xb0"), std::nullopt);
}

TEST(DisplayText, AllowedCharactersAreSkippedAndTheFirstOtherIsFound) {
  EXPECT_EQ(FindControlOrInvisible("line\nline\tcol", U"\t\n"), std::nullopt);
  EXPECT_EQ(FindControlOrInvisible("line\nline\r\n", U"\t\n"), std::optional<char32_t>(U'\r'));
  EXPECT_EQ(FindControlOrInvisible("line\nline", U""), std::optional<char32_t>(U'\n'));
}

TEST(DisplayText, IllFormedBytesAreSkippedNotMisread) {
  // A lone continuation byte 0x85 is not U+0085; an overlong NUL (C0 80) is not NUL.
  EXPECT_EQ(FindControlOrInvisible("a\x85" "b\xc0\x80"), std::nullopt);
  EXPECT_EQ(FindControlOrInvisible("\xff\x1b"), std::optional<char32_t>(0x1B));
}

TEST(DisplayText, EscapeWritesHiddenCharactersAndBadBytesVisibly) {
  EXPECT_EQ(EscapeControlOrInvisible("50% of 2026\\q1.csv"), "50% of 2026\\q1.csv");
  EXPECT_EQ(EscapeControlOrInvisible("d\xe1\xbb\xaf li\xe1\xbb\x87u.csv"), "d\xe1\xbb\xaf li\xe1\xbb\x87u.csv");
  EXPECT_EQ(EscapeControlOrInvisible("a\x1b[2Jb\n"), "a\\x1b[2Jb\\x0a");
  EXPECT_EQ(EscapeControlOrInvisible("a\x1b[2Jb\n", U"\n"), "a\\x1b[2Jb\n");
  EXPECT_EQ(EscapeControlOrInvisible("vsc\xe2\x80\xaetxt.exe"), "vsc\\u202etxt.exe");
  EXPECT_EQ(EscapeControlOrInvisible("x\xc2\x9by\xff"), "x\\u009by\\xff");
  EXPECT_EQ(EscapeControlOrInvisible("flag\xf3\xa0\x81\x81"), "flag\\U000e0041");
}

TEST(DisplayText, CheckNamesTheTextAndTheCharacter) {
  EXPECT_TRUE(CheckDisplayText("agency name", "Bảo hiểm xã hội").ok());
  Status s = CheckDisplayText("agreement.title", "a\xe2\x80\xae" "b");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "agreement.title may not contain U+202E (a control or invisible formatting character: it "
                         "would show as nothing, or change how the text around it reads)");
  EXPECT_EQ(CheckDisplayText("x", "a\x01").message().substr(0, 22), "x may not contain U+00");
}

}  // namespace
}  // namespace ndc::text
