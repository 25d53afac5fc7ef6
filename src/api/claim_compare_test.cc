#include "api/claim_compare.h"

#include <gtest/gtest.h>

#include <map>
#include <string_view>

#include "ident/admin_units.h"

namespace ndc::api {
namespace {

using catalog::FieldType;

TEST(ComparableClaim, DatesCompareAtTheirPrecisionInAnySpelling) {
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "05/03/1987"), "1987-03-05");
  EXPECT_EQ(ComparableClaim(FieldType::kDate, " 1987-03-05 "), "1987-03-05");
  // A partial claim is its partial date; a stored partial date ("1987", as a partial date field
  // keeps it) reads the same, and a full claim differs from it.
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "00/00/1987"), "1987");
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "1987"), "1987");
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "00/03/1987"), "1987-03");
  EXPECT_NE(ComparableClaim(FieldType::kDate, "05/03/1987"), ComparableClaim(FieldType::kDate, "1987"));
}

TEST(ComparableClaim, TextIsNormalizedButNeverFoldedToAscii) {
  EXPECT_EQ(ComparableClaim(FieldType::kString, "  NGUYỄN   Văn An "), ComparableClaim(FieldType::kString, "nguyễn văn an"));
  EXPECT_NE(ComparableClaim(FieldType::kString, "Nguyen Van An"), ComparableClaim(FieldType::kString, "Nguyễn Văn An"));
  // "1987" in a text field is text, not a date.
  EXPECT_EQ(ComparableClaim(FieldType::kString, "00/00/1987"), "00/00/1987");
}

TEST(ComparableClaim, PhoneNumbersCompareAsTheNumberAPhoneFieldStores) {
  // The stored value is the national number, a pre-2018 mobile already renumbered.
  const std::string stored = ComparableClaim(FieldType::kPhone, "0381234567");
  EXPECT_EQ(stored, "0381234567");
  EXPECT_EQ(ComparableClaim(FieldType::kPhone, "01681234567"), stored);  // the number before 2018
  EXPECT_EQ(ComparableClaim(FieldType::kPhone, "+84 38 123 4567"), stored);
  EXPECT_EQ(ComparableClaim(FieldType::kPhone, "038.123.4567"), stored);
  EXPECT_NE(ComparableClaim(FieldType::kPhone, "0381234568"), stored);
  // Not a phone number: compared as text, so it matches nothing a phone field holds.
  EXPECT_EQ(ComparableClaim(FieldType::kPhone, "abc"), "abc");
}

TEST(ComparableClaim, NumbersAndBooleansCompareAsValues) {
  EXPECT_EQ(ComparableClaim(FieldType::kInteger, "007"), "7");
  EXPECT_EQ(ComparableClaim(FieldType::kInteger, "+7"), "7");
  EXPECT_EQ(ComparableClaim(FieldType::kInteger, "-12"), "-12");
  EXPECT_EQ(ComparableClaim(FieldType::kInteger, "7.0"), "7.0");  // not an integer: text
  EXPECT_EQ(ComparableClaim(FieldType::kInteger, "-"), "-");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "+0012.3400"), "12.34");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "12.34"), "12.34");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "-0.50"), "-0.5");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, ".5"), "0.5");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "-0.00"), "0");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "100"), "100");
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "1."), "1.");  // not a decimal: text
  EXPECT_EQ(ComparableClaim(FieldType::kDecimal, "1e3"), "1e3");
  EXPECT_EQ(ComparableClaim(FieldType::kBoolean, "Có"), "1");
  EXPECT_EQ(ComparableClaim(FieldType::kBoolean, "true"), "1");
  EXPECT_EQ(ComparableClaim(FieldType::kBoolean, "không"), "0");
  EXPECT_EQ(ComparableClaim(FieldType::kBoolean, "0"), "0");
  EXPECT_EQ(ComparableClaim(FieldType::kBoolean, "co\u0301"), "1");   // NFD, as a load reads it
  EXPECT_EQ(ComparableClaim(FieldType::kInteger, "+-7"), "+-7");       // not an integer to a load
}

TEST(ComparableClaim, EmailsAndAdministrativeUnits) {
  EXPECT_EQ(ComparableClaim(FieldType::kEmail, " An.Nguyen@Gov.VN "), "an.nguyen@gov.vn");
  EXPECT_EQ(ComparableClaim(FieldType::kEmail, "an.nguyen@gov.vn"), "an.nguyen@gov.vn");
  // A pre-2025 unit reads as today's only when it is today's whole and alone (renumbered); one
  // merged with others cannot confirm which of them a person lived in, nor can a split one.
  const ident::AdminUnit* renumbered = nullptr;
  std::string renumbered_from;
  std::map<std::string_view, int> predecessors;
  for (const ident::LegacyAdminUnit& old : ident::LegacyUnits()) {
    auto mapped = ident::MapLegacyCode(old.code);
    if (mapped.ok()) {
      for (const ident::LegacyMapping& m : *mapped) ++predecessors[m.unit->code];
    }
  }
  for (const ident::LegacyAdminUnit& old : ident::LegacyUnits()) {
    auto mapped = ident::MapLegacyCode(old.code);
    if (ident::FindCurrentUnit(old.code) != nullptr || !mapped.ok() || mapped->size() != 1) continue;
    if (predecessors[(*mapped)[0].unit->code] == 1) {
      renumbered = (*mapped)[0].unit;
      renumbered_from = old.code;
      break;
    }
  }
  ASSERT_NE(renumbered, nullptr) << "no pre-2025 unit was only renumbered";
  EXPECT_EQ(ComparableClaim(FieldType::kAdminUnit, renumbered_from), renumbered->code);
  EXPECT_EQ(ComparableClaim(FieldType::kAdminUnit, "00097"), "00097");
  // 00001 (Phúc Xá) went whole into 00097 with others; 02 (Hà Giang) into Tuyên Quang (08).
  ASSERT_GT(predecessors["00097"], 1);
  EXPECT_EQ(ComparableClaim(FieldType::kAdminUnit, "00001"), "00001");
  EXPECT_EQ(ComparableClaim(FieldType::kAdminUnit, "02"), "02");
  EXPECT_EQ(ComparableClaim(FieldType::kAdminUnit, "00019"), "00019");  // split
}

}  // namespace
}  // namespace ndc::api
