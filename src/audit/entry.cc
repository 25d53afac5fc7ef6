#include "audit/entry.h"

#include <fmt/format.h>

namespace ndc::audit {
namespace {

// Valid UTF-8 (shortest form, no surrogates) with no C0 control characters or DEL.
bool CleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    int len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = c & (0xff >> (len + 1));
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

Status CheckText(std::string_view name, std::string_view value) {
  if (value.size() > kMaxEntryText) {
    return InvalidArgumentError(fmt::format("audit entry {}: {} bytes, at most {}", name, value.size(), kMaxEntryText));
  }
  if (!CleanUtf8(value)) {
    return InvalidArgumentError(fmt::format("audit entry {}: not valid UTF-8 text (or has control characters)", name));
  }
  return OkStatus();
}

}  // namespace

bool IsValidEntryText(std::string_view text) { return CheckText("", text).ok(); }

std::string_view DecisionName(Decision d) { return d == Decision::kAllowed ? "allowed" : "denied"; }

Status ValidateEntry(const Entry& e) {
  if (e.action.empty()) return InvalidArgumentError("audit entry action: empty");
  for (char c : e.action) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
      return InvalidArgumentError(fmt::format("audit entry action '{}': only a-z 0-9 _ . allowed", e.action));
    }
  }
  const std::pair<std::string_view, const std::string*> texts[] = {
      {"actor.client", &e.actor.client},   {"actor.agency", &e.actor.agency},     {"actor.role", &e.actor.role},
      {"action", &e.action},               {"subject.person_key", &e.subject.person_key},
      {"subject.dataset", &e.subject.dataset}, {"subject.record", &e.subject.record}, {"purpose", &e.purpose},
      {"legal_basis", &e.legal_basis},     {"consent_ref", &e.consent_ref},       {"reason", &e.reason},
      {"request_id", &e.request_id}};
  for (const auto& [name, value] : texts) RETURN_IF_ERROR(CheckText(name, *value));
  if (e.fields.size() > kMaxEntryFields) {
    return InvalidArgumentError(fmt::format("audit entry fields: {} names, at most {}", e.fields.size(), kMaxEntryFields));
  }
  for (const auto& f : e.fields) RETURN_IF_ERROR(CheckText("fields", f));
  if (e.decision != Decision::kAllowed && e.decision != Decision::kDenied) {
    return InvalidArgumentError("audit entry decision: neither allowed nor denied");
  }
  if (e.decision == Decision::kDenied && e.reason.empty()) {
    return InvalidArgumentError("audit entry reason: a denial must say why");
  }
  return OkStatus();
}

}  // namespace ndc::audit
