#include "cli/terminal_text.h"

#include <sstream>

#include "cli/table_printer.h"

#include <gtest/gtest.h>

namespace ndc::cli {
namespace {

TEST(TerminalTextTest, KeepsTextAndEscapesWhatATerminalWouldObey) {
  EXPECT_EQ(TerminalText("Nguyễn Văn An\tline\nnext"), "Nguyễn Văn An\tline\nnext");
  EXPECT_EQ(TerminalText("\r\x1b[2KOK: 46 entries"), "\\x0d\\x1b[2KOK: 46 entries");
  EXPECT_EQ(TerminalText(std::string("a\0b\x7f", 4)), "a\\x00b\\x7f");
  EXPECT_EQ(TerminalText("\xc2\x9b" "31m"), "\\u009b31m");  // C1 CSI
  EXPECT_EQ(TerminalText("\xc2\xa0"), "\xc2\xa0");           // U+00A0 is text
  EXPECT_EQ(TerminalText("\x9b" "31m"), "\\x9b31m");          // a lone byte, not UTF-8
  EXPECT_EQ(TerminalText("\xe0\x80\x80"), "\\xe0\\x80\\x80");  // overlong
  EXPECT_EQ(TerminalText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(TerminalText("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(TerminalText("\xe1\xbb"), "\\xe1\\xbb");  // cut short
}

// A stored text cannot turn a line around or hide in it either (since 2026-12-02).
TEST(TerminalTextTest, EscapesInvisibleFormattingCharacters) {
  EXPECT_EQ(TerminalText("OK \xe2\x80\xae" "deliaf"), "OK \\u202edeliaf");
  EXPECT_EQ(TerminalText("a\xe2\x80\x8b" "b"), "a\\u200bb");
}

TEST(TerminalTextTest, TableCellsStayOnTheirLine) {
  TablePrinter t({"KEY", "NAME"});
  t.Add({"A1", "Nguyễn\n\x1b[31mAn\t"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_EQ(out.str(), "KEY  NAME\nA1   Nguyễn\\n\\x1b[31mAn\\t\n");
}

}  // namespace
}  // namespace ndc::cli
