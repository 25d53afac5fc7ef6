// The data/vn-names files used by name_tables.cc, embedded byte for byte at configure time
// (vn_names_data.cc.in). Constant; thread-safe.
#pragma once

#include <string_view>

namespace ndc::datagen::internal {

extern const std::string_view kSurnameTs;       // hungnguyen18-vietnamese-name-generator/surname.ts
extern const std::string_view kMiddleNameTs;    // hungnguyen18-vietnamese-name-generator/middle-name.ts
extern const std::string_view kBoyTxt;          // duyet-vietnamese-namedb/boy.txt
extern const std::string_view kGirlTxt;         // duyet-vietnamese-namedb/girl.txt
extern const std::string_view kBoyOneWordTxt;   // duyet-vietnamese-namedb/boy_one_word.txt
extern const std::string_view kGirlOneWordTxt;  // duyet-vietnamese-namedb/girl_one_word.txt

}  // namespace ndc::datagen::internal
