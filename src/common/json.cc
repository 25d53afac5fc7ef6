#include "common/json.h"

namespace ndc {

Result<nlohmann::json> ParseJson(std::string_view text, size_t max_depth) {
  // Pre-scan the nesting depth outside strings; cheap and linear.
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return InvalidArgumentError("JSON nesting deeper than " + std::to_string(max_depth) + " levels");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {  // stop the library's exceptions here
    return InvalidArgumentError("invalid JSON at byte " + std::to_string(e.byte) + ": " +
                                std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range for 1e400
    return InvalidArgumentError(std::string("invalid JSON: ") + e.what());
  }
}

std::string DumpJson(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ndc
