// The 63 registration province codes that form digits 1-3 of the personal ID (Circular 07/2016/TT-BCA,
// Appendix): the pre-2025 provinces, which stay valid inside ID numbers after the 2025 merger. Each is
// linked to the 2025 province it was merged into. Embedded from
// data/vn-admin/derived/cccd_province_codes.csv at build time.
//
// Constant data; everything returned lives forever. Thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "ident/admin_units.h"

namespace ndc::ident {

struct RegistrationProvince {
  std::string_view prefix;                 // "001": the personal ID digits 1-3
  std::string_view gso_code;               // "01": the pre-2025 GSO province code
  std::string_view name;                   // "Thành phố Hà Nội" (pre-2025 name)
  const AdminUnit* merged_into = nullptr;  // the current province, never null
};

// The 63 codes in ascending order.
std::span<const RegistrationProvince> RegistrationProvinces();

// The province for a 3-digit prefix ("001"), or nullptr.
const RegistrationProvince* FindRegistrationProvince(std::string_view prefix);

}  // namespace ndc::ident
