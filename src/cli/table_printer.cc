#include "cli/table_printer.h"

#include "cli/terminal_text.h"
#include "text/unicode.h"

namespace ndc::cli {
namespace {

size_t Width(const std::string& s) { return text::CountCodePoints(s); }

}  // namespace

void TablePrinter::Add(std::vector<std::string> row) {
  for (std::string& cell : row) {
    std::string safe;
    for (char c : TerminalText(cell)) {
      if (c == '\n') {
        safe += "\\n";
      } else if (c == '\t') {
        safe += "\\t";
      } else {
        safe.push_back(c);
      }
    }
    cell = std::move(safe);
  }
  rows_.push_back(std::move(row));
}

void TablePrinter::Print(std::ostream& out) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) out << std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    out << "\n";
  }
}

}  // namespace ndc::cli
