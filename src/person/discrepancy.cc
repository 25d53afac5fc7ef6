#include "person/discrepancy.h"

#include <string_view>
#include <utility>

#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::person {
namespace {

const std::string* Find(const Attributes& a, const std::string& name) {
  auto it = a.find(name);
  return it == a.end() ? nullptr : &it->second;
}

// full_name, or the name parts in native order.
std::string NameOf(const Attributes& a) {
  if (const std::string* full = Find(a, "full_name")) return *full;
  std::string out;
  for (const char* part : {"surname", "middle_name", "given_name"}) {
    const std::string* p = Find(a, part);
    if (p == nullptr) continue;
    if (!out.empty()) out += ' ';
    out += *p;
  }
  return out;
}

// Whether a name carries Vietnamese vowel or tone marks: a Latin letter with a diacritic other than
// Đ/đ (which legacy systems keep without any tones) and Ð/ð (a common mis-conversion of Đ/đ), or a
// combining mark (NFD). Spaces, quotes and other punctuation (NBSP, U+2019) are no marks.
bool HasMarks(std::string_view name) {
  for (char32_t c : text::DecodeUtf8Lossy(name)) {
    if (c >= 0x300 && c <= 0x36F) return true;
    const bool latin = (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF);
    if (latin && c != 0x110 && c != 0x111 && c != 0xD0 && c != 0xF0) return true;
  }
  return false;
}

// A name as discrepancies compare it. Where both sides write vowel and tone marks they count:
// "Ân" is another name than "An", so the names are compared in NFC with tone marks placed one way,
// case and spacing aside (and Ð read as Đ). Where either side writes none (a legacy system that
// cannot store them, the registry's or the agency's), they are compared folded.
bool SameName(const std::string& name, const std::string& authority) {
  if (!HasMarks(name) || !HasMarks(authority)) return text::FoldVietnamese(name) == text::FoldVietnamese(authority);
  auto form = [](std::string s) {
    for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"\u00D0", "\u0110"}, {"\u00F0", "\u0111"}}) {
      for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) s.replace(at, from.size(), to);
    }
    return text::MarkedComparable(s);
  };
  return form(name) == form(authority);
}

}  // namespace

std::vector<Disagreement> FindDisagreements(const Attributes& record, const Attributes& authority) {
  std::vector<Disagreement> out;
  // Compared as the linker compares them (ValuesAgree): a partial birth date ("1987") is no
  // disagreement with the full date it may stand for — the less precise source is not wrong, only
  // less precise.
  auto agree = [&](const std::string& attribute) {
    const std::string* a = Find(record, attribute);
    const std::string* b = Find(authority, attribute);
    if (a != nullptr && b != nullptr && !ValuesAgree(attribute, *a, *b)) out.push_back({attribute, *a, *b});
  };
  agree("personal_id");
  agree("birth_date");
  if (!record.contains("birth_date")) agree("birth_year");
  // The sex as linkage reads it ("1", "Nam", "M" are "male"): an agency's own spelling of the
  // same sex is no disagreement (until 2026-12-01 "2" against the registry's "female" was one).
  agree("sex");
  std::string name = NameOf(record);
  std::string authority_name = NameOf(authority);
  if (!name.empty() && !authority_name.empty() && !SameName(name, authority_name)) {
    out.push_back({"full_name", name, authority_name});
  }
  return out;
}

}  // namespace ndc::person
