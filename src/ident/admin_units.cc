#include "ident/admin_units.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>

#include "ident/internal/chars.h"
#include "ident/internal/tables.h"

namespace ndc::ident {
namespace {

using internal::kCurrentUnits;
using internal::kLegacyUnits;

// Code -> 1 + index into kCurrentUnits / kLegacyUnits (0: no unit), one dense array per code width, so a
// lookup is a bounds-free array read. About 400 KB, built once.
struct CodeIndex {
  std::array<uint16_t, 100> current_province{};
  std::array<uint16_t, 100000> current_commune{};
  std::array<uint16_t, 100> legacy_province{};
  std::array<uint16_t, 1000> legacy_district{};
  std::array<uint16_t, 100000> legacy_commune{};
};

int CodeValue(std::string_view code) { return internal::DigitsValue(code, 0, code.size()); }

const CodeIndex& Index() {
  static const CodeIndex* const index = [] {
    auto* idx = new CodeIndex();  // never freed: lives as long as the tables it indexes
    for (size_t i = 0; i < internal::kCurrentUnitCount; ++i) {
      const AdminUnit& u = kCurrentUnits[i];
      auto& slot = u.level == AdminLevel::kProvince ? idx->current_province[CodeValue(u.code)]
                                                    : idx->current_commune[CodeValue(u.code)];
      slot = static_cast<uint16_t>(i + 1);
    }
    for (size_t i = 0; i < internal::kLegacyUnitCount; ++i) {
      const LegacyAdminUnit& u = kLegacyUnits[i];
      const int v = CodeValue(u.code);
      uint16_t* slot = u.level == AdminLevel::kProvince   ? &idx->legacy_province[v]
                       : u.level == AdminLevel::kDistrict ? &idx->legacy_district[v]
                                                          : &idx->legacy_commune[v];
      *slot = static_cast<uint16_t>(i + 1);
    }
    return idx;
  }();
  return *index;
}

// A syntactically valid code: 2, 3 or 5 ASCII digits.
struct Code {
  AdminLevel level;
  int value;
};

bool ParseCode(std::string_view text, Code* code) {
  if (internal::FindNonDigit(text) != std::string_view::npos) return false;
  switch (text.size()) {
    case 2:
      *code = {AdminLevel::kProvince, CodeValue(text)};
      return true;
    case 3:
      *code = {AdminLevel::kDistrict, CodeValue(text)};
      return true;
    case 5:
      *code = {AdminLevel::kCommune, CodeValue(text)};
      return true;
    default:
      return false;
  }
}

// The message for a text ParseCode rejected.
Status CodeFormatError(std::string_view text) {
  constexpr std::string_view kWhat = "administrative unit code";
  if (text.empty()) return InvalidArgumentError(fmt::format("{} is empty", kWhat));
  const size_t bad = internal::FindNonDigit(text);
  if (bad != std::string_view::npos) return internal::NonDigitError(kWhat, text, bad);
  return InvalidArgumentError(
      fmt::format("{} must be 2 digits (province) or 5 digits (commune), got {}", kWhat, text.size()));
}

const AdminUnit* FindCurrent(const Code& code) {
  const CodeIndex& idx = Index();
  uint16_t slot = 0;
  if (code.level == AdminLevel::kProvince) slot = idx.current_province[code.value];
  if (code.level == AdminLevel::kCommune) slot = idx.current_commune[code.value];
  return slot == 0 ? nullptr : &kCurrentUnits[slot - 1];
}

// Index into kLegacyUnits, or -1.
int FindLegacyIndex(const Code& code) {
  const CodeIndex& idx = Index();
  uint16_t slot = 0;
  switch (code.level) {
    case AdminLevel::kProvince:
      slot = idx.legacy_province[code.value];
      break;
    case AdminLevel::kDistrict:
      slot = idx.legacy_district[code.value];
      break;
    case AdminLevel::kCommune:
      slot = idx.legacy_commune[code.value];
      break;
  }
  return static_cast<int>(slot) - 1;
}

std::span<const LegacyMapping> TargetsOf(int legacy_index) {
  const internal::TargetRange& r = internal::kLegacyTargetRanges[legacy_index];
  return {internal::kLegacyTargets + r.first, r.count};
}

// "commune code '00001' (Phường Phúc Xá) is a pre-2025 code, no longer valid since 2025-07-01; it maps to
// 00097 (Phường Hồng Hà)"
Status PreReformCodeError(std::string_view code, AdminLevel level, int legacy_index) {
  const std::span<const LegacyMapping> targets = TargetsOf(legacy_index);
  std::string where = targets.size() == 1 ? "it maps to " : "it was split among ";
  for (size_t i = 0; i < targets.size(); ++i) {
    where += fmt::format("{}{} ({})", i == 0 ? "" : ", ", targets[i].unit->code, targets[i].unit->name);
  }
  return InvalidArgumentError(
      fmt::format("{} code '{}' ({}) is a pre-2025 code, no longer valid since {}; {}", AdminLevelName(level),
                  code, kLegacyUnits[legacy_index].name, FormatIsoDate(kAdminReformDate), where));
}

Status CheckCurrent(std::string_view text, const Code& code) {
  if (FindCurrent(code) != nullptr) return OkStatus();
  const int legacy = FindLegacyIndex(code);
  if (legacy >= 0) return PreReformCodeError(text, code.level, legacy);
  if (code.level == AdminLevel::kDistrict) {
    return InvalidArgumentError(
        fmt::format("district code '{}' is not valid since {}: districts were abolished", text,
                    FormatIsoDate(kAdminReformDate)));
  }
  return InvalidArgumentError(
      fmt::format("{} code '{}' is not a current administrative unit", AdminLevelName(code.level), text));
}

Status CheckPreReform(std::string_view text, const Code& code, const Date& as_of) {
  if (FindLegacyIndex(code) >= 0) return OkStatus();
  if (const AdminUnit* unit = FindCurrent(code)) {
    return InvalidArgumentError(fmt::format("{} code '{}' ({}) exists only since {}, not on {}",
                                            AdminLevelName(code.level), text, unit->name,
                                            FormatIsoDate(kAdminReformDate), FormatIsoDate(as_of)));
  }
  if (code.level == AdminLevel::kDistrict) {
    return InvalidArgumentError(fmt::format(
        "district code '{}' is not in the pre-2025 list of administrative units (it holds only the 5 island "
        "districts that became special zones)",
        text));
  }
  return InvalidArgumentError(fmt::format("{} code '{}' is not in the pre-2025 list of administrative units",
                                          AdminLevelName(code.level), text));
}

}  // namespace

std::string_view AdminLevelName(AdminLevel level) {
  switch (level) {
    case AdminLevel::kProvince:
      return "province";
    case AdminLevel::kDistrict:
      return "district";
    case AdminLevel::kCommune:
      return "commune";
  }
  return "commune";
}

std::span<const AdminUnit> CurrentProvinces() { return {kCurrentUnits, internal::kCurrentProvinceCount}; }

std::span<const AdminUnit> CurrentCommunes() {
  return {kCurrentUnits + internal::kCurrentProvinceCount,
          internal::kCurrentUnitCount - internal::kCurrentProvinceCount};
}

std::span<const LegacyAdminUnit> LegacyUnits() { return {kLegacyUnits, internal::kLegacyUnitCount}; }

const AdminUnit* FindCurrentUnit(std::string_view code) {
  Code parsed;
  return ParseCode(code, &parsed) ? FindCurrent(parsed) : nullptr;
}

const LegacyAdminUnit* FindLegacyUnit(std::string_view code) {
  Code parsed;
  if (!ParseCode(code, &parsed)) return nullptr;
  const int index = FindLegacyIndex(parsed);
  return index < 0 ? nullptr : &kLegacyUnits[index];
}

Result<std::span<const LegacyMapping>> MapLegacyCode(std::string_view old_code) {
  Code parsed;
  if (!ParseCode(old_code, &parsed)) return CodeFormatError(old_code);
  const int index = FindLegacyIndex(parsed);
  if (index < 0) {
    return NotFoundError(fmt::format("no pre-2025 administrative unit has code '{}'", old_code));
  }
  return TargetsOf(index);
}

Status ValidateAdminUnitCode(std::string_view code, std::optional<Date> as_of) {
  Code parsed;
  if (!ParseCode(code, &parsed)) return CodeFormatError(code);
  if (!as_of || *as_of >= kAdminReformDate) return CheckCurrent(code, parsed);
  return CheckPreReform(code, parsed, *as_of);
}

}  // namespace ndc::ident
