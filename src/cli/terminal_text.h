// Text from the store or from a request, made safe to print on an operator's or auditor's
// terminal: a stored value holding "\r\x1b[2K OK ..." must not redraw the screen into a false
// verdict (a review of 2026-11-30 printed a fake OK line under a failed `ndc audit verify`).
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ndc::cli {

// `text` with every control character but newline and tab — C0, DEL, the C1 controls — and the
// invisible formatting characters (text::IsControlOrInvisible: U+202E would turn a line around)
// written as \xNN or \uNNNN, and every byte that is not part of valid UTF-8 as \xNN
// (text::EscapeControlOrInvisible). Everything else, Vietnamese included, is kept as it is.
std::string TerminalText(std::string_view text);

}  // namespace ndc::cli
