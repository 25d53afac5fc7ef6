#include "cli/key_text.h"

namespace ndc::cli {

std::string KeyFromArg(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  for (size_t i = 0; i < typed.size(); ++i) {
    if (typed[i] == '%' && i + 2 < typed.size()) {
      const std::string_view code = typed.substr(i + 1, 2);
      if (code == "1F" || code == "1f") {
        out += '\x1f';
        i += 2;
        continue;
      }
      if (code == "25") {
        out += '%';
        i += 2;
        continue;
      }
    }
    out += typed[i];
  }
  return out;
}

std::string ShownKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '\x1f') {
      out += "%1F";
    } else if (c == '%') {
      out += "%25";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ndc::cli
