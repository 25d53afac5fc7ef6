#include "link/pairs_csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "link/test_records.h"

namespace ndc::link {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path TempFile(const char* name) { return std::filesystem::temp_directory_path() / name; }

TEST(PairsCsv, RowsQuoteIdsAndNameTheRule) {
  RecordTable left(DefaultPersonSettings()), right(DefaultPersonSettings());
  left.Add("a,1", AttributeValues{});
  right.Add("b\"2", AttributeValues{});
  right.Add("b3", AttributeValues{});
  LinkResult r;
  r.pairs.push_back({0, 0, 12.34567f, 0.9999996f, MatchHow::kDeterministic, 0});
  r.pairs.push_back({0, 1, -3.5f, 0.0000004f, MatchHow::kProbabilistic, 0});
  auto path = TempFile("ndc_pairs_csv_rows.csv");
  ASSERT_TRUE(WritePairsCsv(path, DefaultPersonSettings(), left, right, r).ok());
  EXPECT_EQ(Slurp(path),
            "left_id,right_id,match_weight,match_probability,how\n"
            "\"a,1\",\"b\"\"2\",12.3457,1.000000,deterministic:" +
                DefaultPersonSettings().deterministic[0].name +
                "\n"
                "\"a,1\",b3,-3.5000,0.000000,probabilistic\n");
  std::filesystem::remove(path);
}

// Many blocks on several threads against a plain printf loop (the writer before this one).
TEST(PairsCsv, ParallelBlocksMatchPrintfReference) {
  RecordTable left(DefaultPersonSettings()), right(DefaultPersonSettings());
  testdata::Fill(&left, "l", 300, false);
  testdata::Fill(&right, "r", 300, false);
  LinkResult r;
  for (uint32_t i = 0; i < 90000; ++i) {
    r.pairs.push_back({i % 300, (i * 7) % 300, static_cast<float>((i % 2000) / 37.0 - 20),
                       static_cast<float>((i % 1000) / 999.0),
                       i % 3 ? MatchHow::kProbabilistic : MatchHow::kDeterministic,
                       static_cast<uint8_t>(i % 2)});
  }
  std::string expected = "left_id,right_id,match_weight,match_probability,how\n";
  char buf[256];
  for (const auto& p : r.pairs) {
    std::string how = p.how == MatchHow::kProbabilistic
                          ? "probabilistic"
                          : "deterministic:" + DefaultPersonSettings().deterministic[p.rule].name;
    std::snprintf(buf, sizeof buf, "%s,%s,%.4f,%.6f,%s\n", std::string(left.id(p.left)).c_str(),
                  std::string(right.id(p.right)).c_str(), p.weight, p.probability, how.c_str());
    expected += buf;
  }
  auto path = TempFile("ndc_pairs_csv_blocks.csv");
  ASSERT_TRUE(WritePairsCsv(path, DefaultPersonSettings(), left, right, r, 3).ok());
  EXPECT_EQ(Slurp(path), expected);
  std::filesystem::remove(path);
}

TEST(PairsCsv, UnwritablePathSaysSo) {
  RecordTable t(DefaultPersonSettings());
  EXPECT_EQ(WritePairsCsv("/nonexistent-dir/p.csv", DefaultPersonSettings(), t, t, LinkResult{}).message(),
            "cannot write '/nonexistent-dir/p.csv': check the directory exists and is writable");
}

}  // namespace
}  // namespace ndc::link
