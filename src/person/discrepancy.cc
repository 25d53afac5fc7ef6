#include "person/discrepancy.h"

#include <algorithm>

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

// A name as discrepancies compare it. Written with diacritics, they count: "Ân" is not "An"
// (another name), so the name is compared in NFC with tone marks placed one way, case and spacing
// aside. Written without any (a legacy system that cannot store them), it is compared folded, as
// the registry's name without its diacritics.
bool SameName(const std::string& name, const std::string& authority) {
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (plain) return text::FoldVietnamese(name) == text::FoldVietnamese(authority);
  auto form = [](const std::string& s) {
    Result<std::string> nfc = text::NormalizeNfc(text::CollapseWhitespace(s));
    if (!nfc.ok()) return s;
    Result<std::string> lower = text::ToLower(text::NormalizeTonePlacement(*nfc));
    return lower.ok() ? *lower : *nfc;
  };
  return form(name) == form(authority);
}

}  // namespace

std::vector<Disagreement> FindDisagreements(const Attributes& record, const Attributes& authority) {
  std::vector<Disagreement> out;
  auto exact = [&](const std::string& attribute) {
    const std::string* a = Find(record, attribute);
    const std::string* b = Find(authority, attribute);
    if (a != nullptr && b != nullptr && *a != *b) out.push_back({attribute, *a, *b});
  };
  exact("personal_id");
  // A partial birth date ("1987") is no disagreement with the full date it may stand for: the
  // less precise source is not wrong, only less precise.
  if (const std::string *a = Find(record, "birth_date"), *b = Find(authority, "birth_date");
      a != nullptr && b != nullptr && !DatesAgree(*a, *b)) {
    out.push_back({"birth_date", *a, *b});
  }
  if (!record.contains("birth_date")) exact("birth_year");
  // The sex as linkage reads it ("1", "Nam", "M" are "male"): an agency's own spelling of the
  // same sex is no disagreement (until 2026-12-01 "2" against the registry's "female" was one).
  if (const std::string *a = Find(record, "sex"), *b = Find(authority, "sex"); a != nullptr && b != nullptr) {
    const std::string_view ka = text::FoldedSex(*a), kb = text::FoldedSex(*b);
    if (ka.empty() || kb.empty() ? *a != *b : ka != kb) out.push_back({"sex", *a, *b});
  }
  std::string name = NameOf(record);
  std::string authority_name = NameOf(authority);
  if (!name.empty() && !authority_name.empty() && !SameName(name, authority_name)) {
    out.push_back({"full_name", name, authority_name});
  }
  return out;
}

}  // namespace ndc::person
