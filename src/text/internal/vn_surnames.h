// Internal: the Vietnamese surname tables used by ParseVietnameseName (text/name.h).
//
// Embedded from data/vn-names/ (origin and licence in data/vn-names/README.md); the tests check
// the tables against those files. Entries are NFC with traditional tone placement.
// Thread-safe: constant data.
#pragma once

#include <array>
#include <string_view>

namespace ndc::text::internal {

// Common surnames: a name ending in one of these, and not starting with one, is read as written
// given name first. See data/vn-names/README.md for how the list was chosen.
inline constexpr std::array<std::string_view, 27> kCommonSurnames = {
    "Nguyễn", "Trần", "Lê",    "Phạm", "Hoàng", "Huỳnh", "Vũ",    "Võ",    "Phan",
    "Trương", "Bùi",  "Đặng",  "Đỗ",   "Ngô",   "Hồ",    "Lý",    "Trịnh", "Đinh",
    "Đoàn",   "Cao",  "Lương", "Đào",  "Lưu",   "Phùng", "Vương", "Chu",   "Tạ",
};

// Common surnames left out of kCommonSurnames because they are as common as given names
// ("Nguyễn Thu Hà", "Trần Thị Mai").
inline constexpr std::array<std::string_view, 5> kSurnamesAlsoGivenNames = {
    "Dương", "Hà", "Lâm", "Mai", "Thái",
};

struct CompoundSurname {
  std::string_view first;
  std::string_view second;
};

// Two-word surnames: compound-surnames.json, without "Vũ Văn" (read as surname Vũ plus the
// common male middle name Văn: "Vũ Văn Thắng"), plus "Nguyễn Phúc", the other spelling of the
// royal "Nguyễn Phước".
inline constexpr std::array<CompoundSurname, 13> kCompoundSurnames = {{
    {"Tôn", "Thất"},
    {"Tôn", "Nữ"},
    {"Nguyễn", "Phước"},
    {"Nguyễn", "Phúc"},
    {"Hoàng", "Phủ"},
    {"Âu", "Dương"},
    {"Thượng", "Quan"},
    {"Tư", "Mã"},
    {"Tư", "Đồ"},
    {"Gia", "Cát"},
    {"Hạ", "Hầu"},
    {"Tây", "Môn"},
    {"Chung", "Ly"},
}};

// Compound surnames in the data file that are deliberately not in kCompoundSurnames.
inline constexpr std::array<std::string_view, 1> kExcludedCompoundSurnames = {"Vũ Văn"};

// Middle names that follow the surname in native order ("Văn" male, "Thị" female); used to tell
// "Anh Van Nguyen" (given, middle, surname) from "Thi Minh Khai Nguyen" (middle, given, surname).
inline constexpr std::array<std::string_view, 2> kMarkerMiddleNames = {"Văn", "Thị"};

}  // namespace ndc::text::internal
