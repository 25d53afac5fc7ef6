#include "ingest/internal/row_hash.h"

#include <gtest/gtest.h>

#include <cstdint>

#include <cstring>
#include <string>
#include <vector>

#include "common/crypto.h"

namespace ndc::ingest {
namespace {

// The first 8 bytes of SHA-256 over `bytes`, through common/crypto.h: the reference RowHash
// must agree with, so that _hash values stored by earlier versions still recognise unchanged
// records.
int64_t Reference(const std::string& bytes) {
  const std::string digest = Sha256(bytes);
  int64_t h = 0;
  std::memcpy(&h, digest.data(), sizeof h);
  return h;
}

// Type tag, 8-byte little-endian length, bytes.
std::string Tagged(char tag, const std::string& bytes) {
  std::string out(1, tag);
  const uint64_t n = bytes.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  return out + bytes;
}

TEST(RowHashTest, IsSha256OfTaggedValues) {
  const int64_t five = 5;
  const std::string five_bytes(reinterpret_cast<const char*>(&five), sizeof five);
  const std::vector<store::Value> values = {store::Value(), int64_t{5}, std::string("Nguyễn")};
  EXPECT_EQ(RowHash(values), Reference("n" + Tagged('i', five_bytes) + Tagged('s', "Nguyễn")));
  EXPECT_EQ(RowHash(values), RowHash(values));  // the per-thread context is reset between rows
}

// Fields past the first schema version's count the moment one holds a value, and not before.
TEST(RowHashTest, FieldsAddedLaterCountOnlyWithAValue) {
  const std::vector<store::Value> stored = {std::string("A1"), store::Value()};
  const std::vector<store::Value> resent = {std::string("A1"), store::Value(), store::Value(), store::Value()};
  EXPECT_EQ(RowHash(resent, 2), RowHash(stored));
  EXPECT_EQ(RowHash(resent, 2), RowHash(stored, 2));
  std::vector<store::Value> filled = resent;
  filled[3] = std::string("x");
  EXPECT_NE(RowHash(filled, 2), RowHash(stored));
  EXPECT_NE(RowHash(filled, 2), RowHash(resent, 2));
  EXPECT_EQ(RowHash(filled, 2), RowHash(filled));  // a value past the prefix: every field is hashed
  // A field added by a third version, empty: the record as the second version stored it.
  std::vector<store::Value> v2 = {std::string("A1"), store::Value(), std::string("x")};
  std::vector<store::Value> v3 = {std::string("A1"), store::Value(), std::string("x"), store::Value()};
  EXPECT_EQ(RowHash(v3, 2), RowHash(v2, 2));
  EXPECT_EQ(RowHash(v3, 2), RowHash(v2));
  // A NULL inside the first version's fields still counts.
  EXPECT_NE(RowHash(std::vector<store::Value>{std::string("A1")}), RowHash(stored));
}

// Decimal fields hash by value; the same text in another field, or without `decimals`, as written.
TEST(RowHashTest, DecimalFieldsHashByValue) {
  const std::vector<store::Value> stored = {std::string("A1"), std::string("1.5"), std::string("1.5")};
  const std::vector<store::Value> resent = {std::string("A1"), std::string("1.50"), std::string("1.5")};
  const size_t decimals[] = {1};
  bool respelled = true;
  EXPECT_EQ(RowHash(stored, SIZE_MAX, decimals, &respelled), RowHash(stored));
  EXPECT_FALSE(respelled);  // already canonical: the digest as written
  EXPECT_EQ(RowHash(resent, SIZE_MAX, decimals, &respelled), RowHash(stored, SIZE_MAX, decimals));
  EXPECT_TRUE(respelled);
  EXPECT_NE(RowHash(resent), RowHash(stored));
  const std::vector<store::Value> other_field = {std::string("A1"), std::string("1.5"), std::string("1.50")};
  EXPECT_NE(RowHash(other_field, SIZE_MAX, decimals), RowHash(stored, SIZE_MAX, decimals));
  const std::vector<store::Value> empty = {std::string("A1"), store::Value(), std::string("1.5")};
  EXPECT_EQ(RowHash(empty, SIZE_MAX, decimals, &respelled), RowHash(empty));
  EXPECT_FALSE(respelled);
}

TEST(RowHashTest, NullEmptyAndZeroDiffer) {
  const int64_t a = RowHash(std::vector<store::Value>{store::Value()});
  const int64_t b = RowHash(std::vector<store::Value>{std::string()});
  const int64_t c = RowHash(std::vector<store::Value>{int64_t{0}});
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace ndc::ingest
