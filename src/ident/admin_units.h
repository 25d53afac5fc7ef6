// Vietnam's administrative units, current and pre-2025, embedded in the binary at build time from
// data/vn-admin (origins and licences in data/vn-admin/README.md; rules in
// docs/design/identifiers.md#administrative-units).
//
// On 2025-07-01 the country moved to 34 provinces (2-digit codes) over 3,321 communes/wards/special
// zones (5-digit codes) and abolished districts. Agency data still carries pre-2025 codes (63 provinces,
// 10,047 communes, 5 island districts) and codes were reused: a new commune keeps the code of one of the
// old communes merged into it, sometimes with a different territory. A code therefore needs its
// validity date; ValidateAdminUnitCode takes one.
//
// The tables are constant data (no parsing at startup); the first lookup builds a dense code index
// (about 400 KB, about 1 ms), later lookups are an array read. Everything returned points into static
// storage and lives forever. Thread-safe: the index is built once under the guarantee for function-local
// statics and is never modified afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "ident/date.h"

namespace ndc::ident {

// The day the two-level administrative structure took effect.
inline constexpr Date kAdminReformDate{2025, 7, 1};

enum class AdminLevel : uint8_t {
  kProvince,  // tỉnh / thành phố: 2-digit code
  kDistrict,  // huyện (pre-2025 only; just the 5 island districts that became special zones): 3 digits
  kCommune,   // xã / phường / thị trấn / đặc khu: 5-digit code
};

// "province", "district", "commune".
std::string_view AdminLevelName(AdminLevel level);

// A unit of the current (since 2025-07-01) structure.
struct AdminUnit {
  std::string_view code;        // "01", "00004"
  std::string_view name;        // "Thành phố Hà Nội", "Phường Ba Đình"
  std::string_view short_name;  // "Hà Nội", "Ba Đình"
  std::string_view name_en;     // "Ha Noi City", "Ba Dinh Ward"
  std::string_view unit_type;   // "Thành phố", "Tỉnh", "Phường", "Xã", "Đặc khu"
  AdminLevel level = AdminLevel::kCommune;
  std::string_view province_code;  // the unit's own code for a province
};

// A unit of the structure in force before 2025-07-01 (the list of 2025-03-01).
struct LegacyAdminUnit {
  std::string_view code;
  std::string_view name;  // "Phường Phúc Xá"
  AdminLevel level = AdminLevel::kCommune;
  std::string_view province_code;  // pre-2025 province code
};

// Where (part of) a pre-2025 unit went.
struct LegacyMapping {
  const AdminUnit* unit = nullptr;
  // True when the whole old unit lies in `unit`; false when it was split and only part of it did.
  bool full = false;
};

// All current provinces (34) and communes (3,321), each sorted by code.
std::span<const AdminUnit> CurrentProvinces();
std::span<const AdminUnit> CurrentCommunes();
// All pre-2025 units: 63 provinces, 5 districts, 10,047 communes, sorted by level then code.
std::span<const LegacyAdminUnit> LegacyUnits();

// The current unit with this code, or nullptr (also for malformed codes).
const AdminUnit* FindCurrentUnit(std::string_view code);
// The pre-2025 unit with this code, or nullptr.
const LegacyAdminUnit* FindLegacyUnit(std::string_view code);

// Current unit(s) a pre-2025 code maps to: one with full = true, or several with full = false when the
// old unit was split. Errors: malformed code (kInvalidArgument, as in ValidateAdminUnitCode);
// "no pre-2025 administrative unit has code '99999'" (kNotFound).
Result<std::span<const LegacyMapping>> MapLegacyCode(std::string_view old_code);

// Checks that `code` named a unit on `as_of`: a current code on or after 2025-07-01 (or when as_of is
// absent), a pre-2025 code before. Errors, all kInvalidArgument:
//   "administrative unit code is empty"
//   "administrative unit code has a non-digit 'A' at position 2"
//   "administrative unit code must be 2 digits (province) or 5 digits (commune), got 4"
//   "commune code '99999' is not a current administrative unit"
//   "commune code '00001' (Phường Phúc Xá) is a pre-2025 code, no longer valid since 2025-07-01; it maps to
//    00097 (Phường Hồng Hà)"        (several targets: "it was split among 00070 (...), 00004 (...)")
//   "district code '318' (Huyện Bạch Long Vĩ) is a pre-2025 code, ..."  (the island districts)
//   "district code '001' is not valid since 2025-07-01: districts were abolished"
//   "commune code '06978' (Xã Ba Chẽ) exists only since 2025-07-01, not on 2024-05-01"
//   "commune code '99999' is not in the pre-2025 list of administrative units"
Status ValidateAdminUnitCode(std::string_view code, std::optional<Date> as_of);

}  // namespace ndc::ident
