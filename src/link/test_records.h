// Small synthetic person records for link unit tests: `n` people, a clean left copy and a noisy
// right copy (typos, missing IDs, swapped day/month), deterministic.
#pragma once

#include <string>
#include <vector>

#include "link/record_table.h"
#include "link/settings.h"
#include "text/fold.h"

namespace ndc::link::testdata {

inline std::vector<AttributeValues> People(size_t n, bool noisy, uint64_t seed = 1) {
  static const char* kSurnames[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"};
  static const char* kMiddles[] = {"Văn", "Thị", "Minh", "Đức", "Thu"};
  static const char* kGiven[] = {"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Mai", "Nam",
                                 "Phong", "Quân", "Sơn", "Tâm", "Uyên", "Vy"};
  uint64_t s = seed;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  };
  std::vector<AttributeValues> out;
  for (size_t i = 0; i < n; ++i) {
    uint64_t h = i * 2654435761ULL;
    std::string name = std::string(kSurnames[h % 8]) + " " + kMiddles[(h >> 3) % 5] + " " + kGiven[(h >> 7) % 16];
    int year = 1950 + static_cast<int>((h >> 11) % 60), month = 1 + static_cast<int>((h >> 17) % 12),
        day = 1 + static_cast<int>((h >> 21) % 28);
    char id[16], dob[16];
    std::snprintf(id, sizeof id, "001%09zu", i * 7919 % 1000000000);
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", year, month, day);
    AttributeValues v{{"full_name", name}, {"birth_date", dob}, {"personal_id", id},
                      {"sex", (h >> 5) % 2 ? "Nam" : "Nữ"}};
    if (noisy) {
      uint32_t r = next() % 10;
      if (r == 0) v["personal_id"] = "";
      if (r == 1) v["full_name"] = name.substr(0, name.size() - 1);
      if (r == 2 && day <= 12 && day != month) std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", year, day, month), v["birth_date"] = dob;
      if (r == 3) v["full_name"] = text::FoldVietnamese(name);
    }
    out.push_back(std::move(v));
  }
  return out;
}

// Adds People(n, noisy) to `t` with ids prefix0, prefix1, ...
inline void Fill(RecordTable* t, const std::string& prefix, size_t n, bool noisy) {
  auto people = People(n, noisy);
  for (size_t i = 0; i < n; ++i) t->Add(prefix + std::to_string(i), people[i]);
}

}  // namespace ndc::link::testdata
