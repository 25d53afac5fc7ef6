// Plain-text tables for CLI listings: columns padded to their widest cell (counted in code
// points, so Vietnamese names line up). Not thread-safe.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ndc::cli {

class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  // Cells hold stored text: control characters are escaped (TerminalText), newlines and tabs
  // too, so that no value steers the terminal or breaks the table's lines.
  void Add(std::vector<std::string> row);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ndc::cli
