#include "datagen/geography.h"

namespace ndc::datagen {

const Geography& Geography::Get() {
  static const Geography* g = new Geography();
  return *g;
}

Region Geography::RegionOf(const ident::RegistrationProvince& p) {
  // Circular 07/2016 prefixes run north to south: 001-037 the Red River delta and the northern
  // mountains (to Ninh Bình), 038-068 Thanh Hóa to Lâm Đồng (north-central coast, south-central
  // coast, Central Highlands), 070-096 the south-east and the Mekong delta.
  const int n = (p.prefix[1] - '0') * 10 + (p.prefix[2] - '0');
  if (n <= 37) return Region::kNorth;
  if (n <= 68) return Region::kCentral;
  return Region::kSouth;
}

int Geography::FindProvince(std::string_view code) const {
  auto provinces = ident::CurrentProvinces();
  for (size_t i = 0; i < provinces.size(); ++i) {
    if (provinces[i].code == code) return static_cast<int>(i);
  }
  return -1;
}

Geography::Geography() {
  auto provinces = ident::CurrentProvinces();
  auto current = ident::CurrentCommunes();
  auto registrations = ident::RegistrationProvinces();
  communes_.resize(current.size());
  by_province_.resize(provinces.size());
  legacy_province_.resize(provinces.size());
  const ident::AdminUnit* commune_base = current.data();
  for (size_t i = 0; i < current.size(); ++i) {
    communes_[i].unit = &current[i];
    communes_[i].province = static_cast<uint16_t>(FindProvince(current[i].province_code));
    by_province_[communes_[i].province].push_back(static_cast<uint16_t>(i));
  }
  std::vector<int> registration_of(current.size(), -1);
  auto registration_index = [&](std::string_view gso) -> int {
    for (size_t r = 0; r < registrations.size(); ++r) {
      if (registrations[r].gso_code == gso) return static_cast<int>(r);
    }
    return -1;
  };
  for (const auto& old : ident::LegacyUnits()) {
    auto mapped = ident::MapLegacyCode(old.code);
    if (!mapped.ok()) continue;
    if (old.level == ident::AdminLevel::kProvince) {
      if (mapped->size() == 1 && ident::FindCurrentUnit(old.code) == nullptr) {
        const int p = FindProvince((*mapped)[0].unit->code);
        if (p >= 0 && legacy_province_[p].empty()) legacy_province_[p] = old.code;
      }
      continue;
    }
    if (old.level != ident::AdminLevel::kCommune) continue;
    for (const auto& m : *mapped) {
      const size_t idx = static_cast<size_t>(m.unit - commune_base);
      if (idx >= current.size()) continue;
      if (registration_of[idx] < 0) registration_of[idx] = registration_index(old.province_code);
      if (mapped->size() == 1 && m.full && ident::FindCurrentUnit(old.code) == nullptr) {
        communes_[idx].legacy.push_back(old.code);
      }
    }
  }
  for (size_t i = 0; i < current.size(); ++i) {
    int r = registration_of[i];
    if (r < 0) {  // no old commune recorded: any registration province merged into its province
      for (size_t k = 0; k < registrations.size(); ++k) {
        if (registrations[k].merged_into->code == current[i].province_code) {
          r = static_cast<int>(k);
          break;
        }
      }
    }
    communes_[i].registration = static_cast<uint8_t>(r < 0 ? 0 : r);
    communes_[i].region = RegionOf(registrations[communes_[i].registration]);
  }
}

}  // namespace ndc::datagen
