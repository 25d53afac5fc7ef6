// Declarations of the constant tables generated at build time by tools/gen_ident_data.cc from
// data/vn-admin (the generated ident_tables.cc lives in the build tree). Private to the ident library.
//
// Immutable static data; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ident/admin_units.h"
#include "ident/ethnic_group.h"
#include "ident/registration_province.h"

namespace ndc::ident::internal {

// Current units: provinces sorted by code, then communes sorted by code.
extern const AdminUnit kCurrentUnits[];
extern const size_t kCurrentProvinceCount;
extern const size_t kCurrentUnitCount;

// Pre-2025 units: provinces, then districts, then communes; each sorted by code.
extern const LegacyAdminUnit kLegacyUnits[];
extern const size_t kLegacyUnitCount;
// kLegacyTargetRanges[i] locates the mapping of kLegacyUnits[i] in kLegacyTargets.
struct TargetRange {
  uint32_t first;
  uint32_t count;
};
extern const TargetRange kLegacyTargetRanges[];
extern const LegacyMapping kLegacyTargets[];
extern const size_t kLegacyTargetCount;

// Registration provinces in prefix order, and prefix (0-999) -> index into them, or -1.
extern const RegistrationProvince kRegistrationProvinces[];
extern const size_t kRegistrationProvinceCount;
extern const int8_t kRegistrationIndexByPrefix[1000];

// Ethnic groups 01-54 in order, then 00 and 55 (kEthnicGroupCount covers 01-54 only).
extern const EthnicGroup kEthnicGroups[];
extern const size_t kEthnicGroupCount;
extern const size_t kEthnicGroupCountWithExtras;

}  // namespace ndc::ident::internal
