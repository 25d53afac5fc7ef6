#include "common/json.h"

#include <set>
#include <string>
#include <vector>

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
  // A key given twice in one object is refused: nlohmann keeps the last, another reader (a
  // proxy, an auditor's tool) may take the first, so the document means two things.
  struct DuplicateKey {
    std::string key;
  };
  std::vector<std::set<std::string>> keys;  // of each object being parsed, innermost last
  auto check = [&keys](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      keys.emplace_back();
    } else if (event == E::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) {
      throw DuplicateKey{parsed.get<std::string>()};
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), check);
  } catch (const DuplicateKey& d) {
    return InvalidArgumentError("invalid JSON: the key \"" + d.key.substr(0, 64) +
                                "\" appears twice in one object");
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
