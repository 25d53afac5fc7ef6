// Ethnic group codes of the General Statistics Office (GSO): 01 Kinh .. 54 Rơ-măm (list of 1979, Decision
// 121-TCTK/PPCĐ), plus two value-set codes used by health IT: 00 unknown, 55 foreign national.
// Embedded from data/vn-admin/derived/ethnic_groups_gso.csv at build time.
//
// Ethnicity is sensitive personal data (Decree 356/2025/NĐ-CP art. 4): messages name the code, which is
// the value itself; callers must log them accordingly. Constant data; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "common/status.h"

namespace ndc::ident {

struct EthnicGroup {
  std::string_view code;     // "01"
  std::string_view name_vi;  // "Kinh"
};

// The 54 ethnic groups, 01-54 in order.
std::span<const EthnicGroup> EthnicGroups();

// The group for a code 01-54, 00 or 55 (the last two only for display), or nullptr.
const EthnicGroup* FindEthnicGroup(std::string_view code);

struct EthnicCodeOptions {
  bool allow_unknown = false;  // accept 00 "Không rõ"
  bool allow_foreign = false;  // accept 55 "Người nước ngoài"
};

// OK for 01-54 (and 00 / 55 when allowed). Errors, kInvalidArgument:
//   "ethnic group code is empty"
//   "ethnic group code has a non-digit 'K' at position 1"
//   "ethnic group code must be 2 digits, got 1"
//   "ethnic group code '57' is not in the GSO list (01-54)"
//   "ethnic group code '00' means unknown and is not accepted here"
//   "ethnic group code '55' means foreign national and is not accepted here"
Status ValidateEthnicGroupCode(std::string_view code, const EthnicCodeOptions& options = {});

}  // namespace ndc::ident
