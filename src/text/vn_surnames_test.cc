#include "text/internal/vn_surnames.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::text::internal {
namespace {

const std::string kDir = std::string(NDC_VN_NAMES_DIR) + "/hungnguyen18-vietnamese-name-generator/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Surnames, CompoundTableMatchesDataFile) {
  const nlohmann::json data = nlohmann::json::parse(ReadFile(kDir + "compound-surnames.json"));
  std::set<std::string> from_file, embedded, excluded;
  for (const auto& entry : data) from_file.insert(entry.at("value").get<std::string>());
  for (const auto& c : kCompoundSurnames) embedded.insert(std::string(c.first) + " " + std::string(c.second));
  for (std::string_view e : kExcludedCompoundSurnames) excluded.insert(std::string(e));
  std::set<std::string> want = embedded;
  want.erase("Nguyễn Phúc");  // our addition
  want.insert(excluded.begin(), excluded.end());
  EXPECT_EQ(want, from_file);
}

TEST(Surnames, CommonTableIsTheFrequentSurnamesOfTheDataFile) {
  // surname.ts: region: "Name:weight|Name:weight|...". Frequent = weight >= 0.4 in some region.
  const std::string ts = ReadFile(kDir + "surname.ts");
  std::set<std::string> frequent;
  for (const std::string region : {"north", "central", "south"}) {
    const size_t start = ts.find("  " + region + ": \"");
    ASSERT_NE(start, std::string::npos) << region;
    const size_t begin = start + region.size() + 5;
    std::stringstream list(ts.substr(begin, ts.find('"', begin) - begin));
    for (std::string item; std::getline(list, item, '|');) {
      const size_t colon = item.rfind(':');
      if (std::stod(item.substr(colon + 1)) >= 0.4) frequent.insert(item.substr(0, colon));
    }
  }
  ASSERT_EQ(frequent.size(), 32u);
  std::set<std::string> embedded;
  for (std::string_view s : kCommonSurnames) embedded.insert(std::string(s));
  for (std::string_view s : kSurnamesAlsoGivenNames) embedded.insert(std::string(s));
  EXPECT_EQ(embedded, frequent);
}

TEST(Surnames, EntriesAreNfcWithTraditionalTonePlacement) {
  auto check = [](std::string_view s) {
    EXPECT_EQ(NormalizeNfc(s).value(), s);
    EXPECT_EQ(NormalizeTonePlacement(s), s);
  };
  for (std::string_view s : kCommonSurnames) check(s);
  for (const auto& c : kCompoundSurnames) {
    check(c.first);
    check(c.second);
  }
}

}  // namespace
}  // namespace ndc::text::internal
