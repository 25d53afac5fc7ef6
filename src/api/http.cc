#include "api/http.h"

#include "common/crypto.h"

namespace ndc::api {

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;  // needs two hex digits after '%'
      int hi = HexDigitValue(in[i + 1]);
      int lo = HexDigitValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char d = static_cast<char>(hi * 16 + lo);
      if (d == '\0') return false;
      out->push_back(d);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else if (c == '\0') {
      return false;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseTarget(std::string_view target, std::string* path, std::map<std::string, std::string>* query) {
  if (target.empty() || target[0] != '/') return false;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  // An encoded '/' would let one path segment pose as two; nothing NDC serves needs one.
  if (raw_path.find("%2F") != std::string_view::npos || raw_path.find("%2f") != std::string_view::npos) return false;
  if (!PercentDecode(raw_path, path, false)) return false;
  query->clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), &key, true)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), &value, true)) return false;
    // A parameter given twice is refused: which one counts would differ between NDC and a proxy.
    if (!query->emplace(std::move(key), std::move(value)).second) return false;
  }
  return true;
}

std::string_view LastTransferCoding(std::string_view list, std::string_view before) {
  std::string_view last = before;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view coding = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
    if (!coding.empty()) last = coding;
  }
  return last;
}

}  // namespace ndc::api
