#include "api/audit_text.h"

#include <fmt/format.h>

#include <cstdint>
#include <set>

#include "text/unicode.h"

namespace ndc::api {

std::string AuditText(std::string_view text, size_t max_bytes) {
  const size_t kMaxBytes = max_bytes;
  bool utf8 = text::IsValidUtf8(text);
  std::string out;
  for (char ch : text) {
    auto c = static_cast<uint8_t>(ch);
    if (c < 0x20 || c == 0x7f || c == '%' || (c >= 0x80 && !utf8)) {
      out += fmt::format("%{:02X}", c);
    } else {
      out.push_back(ch);
    }
    if (out.size() >= kMaxBytes) break;
  }
  // A cut may have split a UTF-8 sequence: drop its start.
  while (!out.empty() && !text::IsValidUtf8(out)) out.pop_back();
  return out;
}

namespace {

// The text as it is if the log takes it, else its AuditText cut to the entry's bound (an
// escape is 3 bytes, and AuditText may pass its bound by up to 2).
std::string Loggable(std::string text) {
  if (audit::IsValidEntryText(text)) return text;
  return AuditText(text, audit::kMaxEntryText - 2);
}

}  // namespace

std::vector<std::string> AuditFieldList(std::vector<std::string> names) {
  if (names.size() <= audit::kMaxEntryFields) {
    for (std::string& n : names) n = Loggable(std::move(n));
    return names;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& n : names) {
    std::string all = Loggable(n.substr(0, n.find('.')) + ".*");
    if (seen.insert(all).second) out.push_back(std::move(all));
    if (out.size() > audit::kMaxEntryFields) return {"*"};
  }
  return out;
}

void MakeLoggable(audit::Entry& e) {
  for (std::string* text : {&e.actor.client, &e.actor.agency, &e.actor.role, &e.subject.person_key,
                            &e.subject.dataset, &e.subject.record, &e.purpose, &e.legal_basis, &e.consent_ref,
                            &e.reason, &e.request_id}) {
    if (!audit::IsValidEntryText(*text)) *text = AuditText(*text, audit::kMaxEntryText - 2);
  }
  bool fields_ok = e.fields.size() <= audit::kMaxEntryFields;
  for (size_t i = 0; fields_ok && i < e.fields.size(); ++i) fields_ok = audit::IsValidEntryText(e.fields[i]);
  if (!fields_ok) e.fields = AuditFieldList(std::move(e.fields));
}

}  // namespace ndc::api
