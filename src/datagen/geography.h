// datagen/geography: where synthetic people live. The current communes (ident/admin_units.h) with,
// for each, the pre-2025 province most of its territory came from (which gives the personal ID
// prefix of births registered there and the province code on health insurance cards), the region
// (north / central / south, for surname weights) and the pre-2025 commune codes agencies still use
// for it ("stale" addresses): only old communes that went wholly into it, whose code maps to
// exactly one current unit and is not itself a current code, so a stale code is unambiguous and a
// loader with allow_legacy maps it back. docs/design/datagen.md#addresses.
//
// Thread-safe: Get() builds the index once (about 10,000 MapLegacyCode calls, a few ms); it is
// immutable afterwards. Everything points into ident's static tables.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "datagen/name_tables.h"
#include "ident/admin_units.h"
#include "ident/registration_province.h"

namespace ndc::datagen {

struct CommuneInfo {
  const ident::AdminUnit* unit = nullptr;
  uint16_t province = 0;                 // index into ident::CurrentProvinces()
  uint8_t registration = 0;              // index into ident::RegistrationProvinces()
  Region region = Region::kNorth;
  std::vector<std::string_view> legacy;  // pre-2025 commune codes usable as stale addresses
};

class Geography {
 public:
  static const Geography& Get();

  // Parallel to ident::CurrentCommunes().
  std::span<const CommuneInfo> communes() const { return communes_; }
  // Commune indices of a current province (index into ident::CurrentProvinces()).
  std::span<const uint16_t> CommunesOf(uint16_t province) const { return by_province_[province]; }
  // Index of the current province with this 2-digit code, or -1.
  int FindProvince(std::string_view code) const;
  // A pre-2025 province code (2 digits) that maps wholly to `province` and is not a current
  // code, or "" if there is none (the province was not merged with another).
  std::string_view LegacyProvinceCode(uint16_t province) const { return legacy_province_[province]; }

  static Region RegionOf(const ident::RegistrationProvince& p);

 private:
  Geography();
  std::vector<CommuneInfo> communes_;
  std::vector<std::vector<uint16_t>> by_province_;
  std::vector<std::string_view> legacy_province_;
};

}  // namespace ndc::datagen
