#include "ident/admin_units.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ident/registration_province.h"

namespace ndc::ident {
namespace {

constexpr Date kBefore{2024, 5, 1};
constexpr Date kAfter{2025, 8, 1};

TEST(AdminUnits, CountsMatchTheOfficialLists) {
  EXPECT_EQ(CurrentProvinces().size(), 34u);
  EXPECT_EQ(CurrentCommunes().size(), 3321u);
  size_t provinces = 0, districts = 0, communes = 0;
  for (const LegacyAdminUnit& u : LegacyUnits()) {
    provinces += u.level == AdminLevel::kProvince;
    districts += u.level == AdminLevel::kDistrict;
    communes += u.level == AdminLevel::kCommune;
  }
  EXPECT_EQ(provinces, 63u);
  EXPECT_EQ(districts, 5u);
  EXPECT_EQ(communes, 10047u);
}

TEST(AdminUnits, FindsCurrentProvince) {
  const AdminUnit* u = FindCurrentUnit("01");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->name, "Thành phố Hà Nội");
  EXPECT_EQ(u->short_name, "Hà Nội");
  EXPECT_EQ(u->name_en, "Ha Noi City");
  EXPECT_EQ(u->unit_type, "Thành phố");
  EXPECT_EQ(u->level, AdminLevel::kProvince);
  EXPECT_EQ(u->province_code, "01");
}

TEST(AdminUnits, FindsCurrentCommune) {
  const AdminUnit* u = FindCurrentUnit("00004");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->name, "Phường Ba Đình");
  EXPECT_EQ(u->unit_type, "Phường");
  EXPECT_EQ(u->level, AdminLevel::kCommune);
  EXPECT_EQ(u->province_code, "01");
  EXPECT_EQ(FindCurrentUnit("26732")->name, "Đặc khu Côn Đảo");
}

TEST(AdminUnits, UnknownOrMalformedCodeIsNull) {
  EXPECT_EQ(FindCurrentUnit("02"), nullptr);  // Hà Giang, merged away
  EXPECT_EQ(FindCurrentUnit("99999"), nullptr);
  EXPECT_EQ(FindCurrentUnit("318"), nullptr);
  EXPECT_EQ(FindCurrentUnit("0004"), nullptr);
  EXPECT_EQ(FindCurrentUnit("0000a"), nullptr);
  EXPECT_EQ(FindCurrentUnit(""), nullptr);
}

TEST(AdminUnits, FindsLegacyUnit) {
  const LegacyAdminUnit* u = FindLegacyUnit("00001");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->name, "Phường Phúc Xá");
  EXPECT_EQ(u->province_code, "01");
  EXPECT_EQ(FindLegacyUnit("318")->name, "Huyện Bạch Long Vĩ");
  EXPECT_EQ(FindLegacyUnit("318")->level, AdminLevel::kDistrict);
}

TEST(MapLegacyCode, WholeCommuneMapsToOne) {
  const auto targets = MapLegacyCode("00001");
  ASSERT_TRUE(targets.ok());
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ((*targets)[0].unit->code, "00097");
  EXPECT_TRUE((*targets)[0].full);
}

TEST(MapLegacyCode, SplitCommuneMapsToSeveralPartially) {
  const auto targets = MapLegacyCode("00019");
  ASSERT_TRUE(targets.ok());
  std::vector<std::string> codes;
  for (const LegacyMapping& m : *targets) {
    codes.emplace_back(m.unit->code);
    EXPECT_FALSE(m.full);
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"00070", "00004", "00226", "00190"}));
}

TEST(MapLegacyCode, ProvincesAndIslandDistricts) {
  EXPECT_EQ((*MapLegacyCode("02"))[0].unit->name, "Tỉnh Tuyên Quang");
  EXPECT_TRUE((*MapLegacyCode("02"))[0].full);
  EXPECT_EQ((*MapLegacyCode("318"))[0].unit->name, "Đặc khu Bạch Long Vĩ");
}

// dvhcvn names the new Ba Chẽ commune 06970; the current list codes it 06978 (reconciliation.csv).
TEST(MapLegacyCode, ReconciledTargetUsesCurrentCode) {
  EXPECT_EQ((*MapLegacyCode("06970"))[0].unit->code, "06978");
  EXPECT_EQ((*MapLegacyCode("23938"))[0].unit->code, "23938");
}

TEST(MapLegacyCode, Errors) {
  EXPECT_EQ(MapLegacyCode("99999").status(),
            NotFoundError("no pre-2025 administrative unit has code '99999'"));
  EXPECT_EQ(MapLegacyCode("9999").status(),
            InvalidArgumentError(
                "administrative unit code must be 2 digits (province) or 5 digits (commune), got 4"));
}

TEST(ValidateAdminUnitCode, CurrentCodesFromReformDate) {
  EXPECT_TRUE(ValidateAdminUnitCode("00004", std::nullopt).ok());
  EXPECT_TRUE(ValidateAdminUnitCode("00004", kAdminReformDate).ok());
  EXPECT_TRUE(ValidateAdminUnitCode("79", kAfter).ok());
}

TEST(ValidateAdminUnitCode, LegacyCodesBeforeReformDate) {
  EXPECT_TRUE(ValidateAdminUnitCode("00001", kBefore).ok());
  EXPECT_TRUE(ValidateAdminUnitCode("00001", Date{2025, 6, 30}).ok());
  EXPECT_TRUE(ValidateAdminUnitCode("02", kBefore).ok());
  EXPECT_TRUE(ValidateAdminUnitCode("318", kBefore).ok());
}

TEST(ValidateAdminUnitCode, LegacyCodeAfterReformNamesItsSuccessor) {
  EXPECT_EQ(
      ValidateAdminUnitCode("00001", kAfter),
      InvalidArgumentError("commune code '00001' (Phường Phúc Xá) is a pre-2025 code, no longer valid since "
                           "2025-07-01; it maps to 00097 (Phường Hồng Hà)"));
  EXPECT_EQ(
      ValidateAdminUnitCode("02", std::nullopt),
      InvalidArgumentError("province code '02' (Tỉnh Hà Giang) is a pre-2025 code, no longer valid since "
                           "2025-07-01; it maps to 08 (Tỉnh Tuyên Quang)"));
}

TEST(ValidateAdminUnitCode, SplitLegacyCodeListsEverySuccessor) {
  EXPECT_EQ(ValidateAdminUnitCode("00019", kAfter),
            InvalidArgumentError(
                "commune code '00019' (Phường Điện Biên) is a pre-2025 code, no longer valid since "
                "2025-07-01; it was split among 00070 (Phường Hoàn Kiếm), 00004 (Phường Ba Đình), "
                "00226 (Phường Văn Miếu - Quốc Tử Giám), 00190 (Phường Ô Chợ Dừa)"));
}

TEST(ValidateAdminUnitCode, IslandDistrictAfterReform) {
  EXPECT_EQ(ValidateAdminUnitCode("318", kAfter),
            InvalidArgumentError(
                "district code '318' (Huyện Bạch Long Vĩ) is a pre-2025 code, no longer valid since "
                "2025-07-01; it maps to 11948 (Đặc khu Bạch Long Vĩ)"));
  EXPECT_EQ(
      ValidateAdminUnitCode("001", kAfter),
      InvalidArgumentError("district code '001' is not valid since 2025-07-01: districts were abolished"));
}

TEST(ValidateAdminUnitCode, UnknownCurrentCode) {
  EXPECT_EQ(ValidateAdminUnitCode("99999", kAfter),
            InvalidArgumentError("commune code '99999' is not a current administrative unit"));
  EXPECT_EQ(ValidateAdminUnitCode("03", std::nullopt),
            InvalidArgumentError("province code '03' is not a current administrative unit"));
}

TEST(ValidateAdminUnitCode, NewCodeBeforeReform) {
  EXPECT_EQ(ValidateAdminUnitCode("06978", kBefore),
            InvalidArgumentError(
                "commune code '06978' (Xã Ba Chẽ) exists only since 2025-07-01, not on 2024-05-01"));
}

TEST(ValidateAdminUnitCode, UnknownLegacyCode) {
  EXPECT_EQ(ValidateAdminUnitCode("99999", kBefore),
            InvalidArgumentError("commune code '99999' is not in the pre-2025 list of administrative units"));
  EXPECT_EQ(ValidateAdminUnitCode("001", kBefore),
            InvalidArgumentError(
                "district code '001' is not in the pre-2025 list of administrative units (it holds "
                "only the 5 island districts that became special zones)"));
}

// Code 23710 was Xã A Dơk before the reform and is Xã Ia Băng after it: the date decides.
TEST(ValidateAdminUnitCode, ReusedCodeMeansDifferentUnitsByDate) {
  EXPECT_TRUE(ValidateAdminUnitCode("23710", kBefore).ok());
  EXPECT_TRUE(ValidateAdminUnitCode("23710", kAfter).ok());
  EXPECT_EQ(FindLegacyUnit("23710")->name, "Xã A Dơk");
  EXPECT_EQ(FindCurrentUnit("23710")->name, "Xã Ia Băng");
  EXPECT_EQ((*MapLegacyCode("23710"))[0].unit->code, "23869");
}

TEST(ValidateAdminUnitCode, MalformedCodes) {
  const auto v = [](std::string_view code) { return ValidateAdminUnitCode(code, std::nullopt); };
  EXPECT_EQ(v(""), InvalidArgumentError("administrative unit code is empty"));
  EXPECT_EQ(v("0A004"), InvalidArgumentError("administrative unit code has a non-digit 'A' at position 2"));
  EXPECT_EQ(v("0004"),
            InvalidArgumentError(
                "administrative unit code must be 2 digits (province) or 5 digits (commune), got 4"));
  EXPECT_EQ(v(std::string(100000, '0')),
            InvalidArgumentError(
                "administrative unit code must be 2 digits (province) or 5 digits (commune), got 100000"));
  EXPECT_EQ(
      v("\xEF\xBC\x90"
        "1"),
      InvalidArgumentError("administrative unit code has a non-digit '\xEF\xBC\x90' (U+FF10) at position 1"));
  EXPECT_EQ(v(std::string("0\0", 2)),
            InvalidArgumentError("administrative unit code has a non-digit control byte 0x00 at position 2"));
}

// Invariants of the embedded data (checked by the generator too; kept here against regressions).
TEST(AdminData, MappingFlagsFollowTargetCount) {
  for (const LegacyAdminUnit& u : LegacyUnits()) {
    const auto targets = MapLegacyCode(u.code);
    ASSERT_TRUE(targets.ok()) << u.code;
    ASSERT_FALSE(targets->empty()) << u.code;
    for (const LegacyMapping& m : *targets) {
      ASSERT_NE(m.unit, nullptr) << u.code;
      EXPECT_EQ(m.full, targets->size() == 1) << u.code;
      EXPECT_EQ(m.unit->level == AdminLevel::kProvince, u.level == AdminLevel::kProvince) << u.code;
    }
  }
}

// Communes land in the province their old province merged into. The one exception is a dvhcvn row
// (An Giang's Xã Tân Phú -> Đồng Tháp's Xã Tân Phú Trung) left as published; see data/vn-admin/README.md.
TEST(AdminData, CommunesStayInTheirMergedProvince) {
  std::set<std::string> exceptions;
  for (const LegacyAdminUnit& u : LegacyUnits()) {
    if (u.level == AdminLevel::kProvince) continue;
    const std::string_view merged = (*MapLegacyCode(u.province_code))[0].unit->code;
    const Result<std::span<const LegacyMapping>> targets = MapLegacyCode(u.code);
    for (const LegacyMapping& m : *targets) {
      if (m.unit->province_code != merged)
        exceptions.insert(std::string(u.code) + "->" + std::string(m.unit->code));
    }
  }
  EXPECT_EQ(exceptions, (std::set<std::string>{"30622->30259"}));
}

TEST(AdminData, EveryCurrentUnitHasACurrentProvinceAndSortedCodes) {
  for (const AdminUnit& u : CurrentCommunes()) {
    const AdminUnit* p = FindCurrentUnit(u.province_code);
    ASSERT_NE(p, nullptr) << u.code;
    EXPECT_EQ(p->level, AdminLevel::kProvince);
    EXPECT_EQ(FindCurrentUnit(u.code), &u);
  }
  for (const AdminUnit& u : CurrentProvinces()) EXPECT_EQ(FindCurrentUnit(u.code), &u);
}

TEST(AdminData, LegacyProvincesAgreeWithRegistrationProvinces) {
  for (const RegistrationProvince& p : RegistrationProvinces()) {
    EXPECT_EQ((*MapLegacyCode(p.gso_code))[0].unit, p.merged_into) << p.prefix;
  }
}

TEST(AdminData, FirstUseFromManyThreadsIsSafe) {
  std::vector<std::thread> threads;
  std::vector<int> found(8, 0);
  for (size_t t = 0; t < found.size(); ++t) {
    threads.emplace_back([&found, t] {
      for (const AdminUnit& u : CurrentCommunes()) found[t] += FindCurrentUnit(u.code) == &u ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  for (int n : found) EXPECT_EQ(n, 3321);
}

}  // namespace
}  // namespace ndc::ident
