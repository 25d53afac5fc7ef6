// The person index's block format at the byte level: exact bytes, round trips, sort keys that
// order like (person, index), and every malformed block refused with kDataLoss.
#include "audit/person_block.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace ndc::audit {
namespace {

TEST(PersonBlock, ExactBytesOfASmallBlock) {
  std::vector<PersonPosting> postings = {{"p1", 5}, {"p1", 300}, {"p2", 7}};
  auto bytes = EncodePersonBlock(postings);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  // version | count | shared rest key index (300 = ac 02) | ...
  EXPECT_EQ(HexEncode(*bytes),
            "01"
            "03"
            "00"
            "02"
            "7031"
            "05"
            "02"
            "00"
            "ac02"
            "01"
            "01"
            "32"
            "07");
  auto back = DecodePersonBlock(*bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, postings);
}

TEST(PersonBlock, RandomBlocksRoundTrip) {
  SeededRandom random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<PersonPosting> postings;
    for (int i = 0, n = 1 + static_cast<int>(random.Uint64() % 50); i < n; ++i) {
      postings.push_back({"p" + std::to_string(random.Uint64() % 20), random.Uint64() % (uint64_t{1} << 40)});
    }
    std::sort(postings.begin(), postings.end());
    postings.erase(std::unique(postings.begin(), postings.end()), postings.end());
    auto bytes = EncodePersonBlock(postings);
    ASSERT_TRUE(bytes.ok());
    auto back = DecodePersonBlock(*bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, postings);
  }
}

TEST(PersonBlock, SortKeysOrderLikePostings) {
  const std::vector<PersonPosting> sorted = {{"a", 9}, {"a", 256}, {"ab", 0}, {"b", 1}, {"b\xc3\xa9", 0}};
  for (size_t i = 1; i < sorted.size(); ++i) {
    EXPECT_LT(PersonSortKey(sorted[i - 1].person_key, sorted[i - 1].index),
              PersonSortKey(sorted[i].person_key, sorted[i].index))
        << i;
  }
}

TEST(PersonBlock, UnsortedOrEmptyPostingsAreRefused) {
  std::vector<PersonPosting> twice = {{"p", 1}, {"p", 1}};
  EXPECT_EQ(EncodePersonBlock(twice).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodePersonBlock({}).status().code(), StatusCode::kInvalidArgument);
}

TEST(PersonBlock, EveryTruncationAndTrailingByteIsDataLoss) {
  std::vector<PersonPosting> postings = {{"person-1", 5}, {"person-12", 1000000}};
  std::string bytes = *EncodePersonBlock(postings);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodePersonBlock(bytes.substr(0, n)).status().code(), StatusCode::kDataLoss) << n;
  }
  EXPECT_EQ(DecodePersonBlock(bytes + '\0').status().code(), StatusCode::kDataLoss);
}

TEST(PersonBlock, NonCanonicalBlocksAreDataLoss) {
  // Version 2; a shared prefix on the first posting; a shared prefix shorter than the real one;
  // postings out of order; an index varint with a redundant zero group.
  for (std::string hex : {"02"
                          "01"
                          "00"
                          "01"
                          "70"
                          "05",
                          "01"
                          "01"
                          "01"
                          "01"
                          "70"
                          "05",
                          "01"
                          "02"
                          "00"
                          "02"
                          "7031"
                          "05"
                          "00"
                          "02"
                          "7031"
                          "06",
                          "01"
                          "02"
                          "00"
                          "02"
                          "7032"
                          "05"
                          "01"
                          "01"
                          "31"
                          "06",
                          "01"
                          "01"
                          "00"
                          "01"
                          "70"
                          "8500"}) {
    auto bytes = HexDecode(hex);
    ASSERT_TRUE(bytes.ok()) << hex;
    EXPECT_EQ(DecodePersonBlock(*bytes).status().code(), StatusCode::kDataLoss) << hex;
  }
}

}  // namespace
}  // namespace ndc::audit
