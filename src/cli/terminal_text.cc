#include "cli/terminal_text.h"

#include "text/unicode.h"

namespace ndc::cli {

std::string TerminalText(std::string_view text) { return text::EscapeControlOrInvisible(text, U"\n\t"); }

}  // namespace ndc::cli
