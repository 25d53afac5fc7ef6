// policy/purposes: the catalog of purpose codes a request may state. A request's purpose must be
// in the catalog and in its agreement; codes are stable identifiers, the titles are for people.
// Thread-safe after construction (immutable).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ndc::policy {

struct Purpose {
  std::string code;   // [a-z0-9_.-]{1,64}
  std::string title;  // what the purpose is, in one line
  // Accesses for this purpose are covert by law (investigation, national security): they are in
  // the audit log and verifiable by auditors, but not shown in the person's own access history
  // (GET /v1/me/access). docs/design/policy.md, "Purpose catalog".
  bool hidden_from_subject = false;
};

class PurposeCatalog {
 public:
  explicit PurposeCatalog(std::vector<Purpose> purposes);

  bool Contains(std::string_view code) const { return Find(code) != nullptr; }
  // The purpose with this code; nullptr when the catalog has none.
  const Purpose* Find(std::string_view code) const;
  // True when accesses for `code` are hidden from the person (an unknown code is not hidden:
  // what the catalog does not know the person may see).
  bool HiddenFromSubject(std::string_view code) const {
    const Purpose* p = Find(code);
    return p != nullptr && p->hidden_from_subject;
  }
  const std::vector<Purpose>& purposes() const { return purposes_; }

  // The hub's built-in catalog (docs/design/policy.md lists it): public-service purposes of state
  // bodies and the consent-based purposes of non-state recipients.
  static const PurposeCatalog& Default();

 private:
  std::vector<Purpose> purposes_;  // sorted by code
};

}  // namespace ndc::policy
